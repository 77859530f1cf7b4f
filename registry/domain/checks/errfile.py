"""Read EnergyPlus's `eplusout.err` into counts and the messages a designer needs to see.

Lines look like `   ** Severe  ** text`, continued by `   **   ~~~   ** more text`; the
run ends with `EnergyPlus Completed Successfully-- 3 Warning; 0 Severe Errors; …` or
`EnergyPlus Terminated--Fatal Error Detected. …`. A file without either line means the
engine was killed or crashed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

SEVERITIES = ("Fatal", "Severe", "Warning")
MAX_MESSAGES = 50
MAX_WARNING_MESSAGES = 20
MAX_TEXT = 1000

_MESSAGE = re.compile(r"^\s*\*\*\s*(Warning|Severe|Fatal)\s*\*\*\s?(.*)$")
_CONTINUED = re.compile(r"^\s*\*\*\s+~~~\s+\*\*\s?(.*)$")
_FINAL = re.compile(
    r"EnergyPlus (Completed Successfully|Terminated)\D*?(\d+) Warning; (\d+) Severe Error"
)
_RECURRING = "===== Recurring Error Summary ====="
# The registry's own monthly table (idf.prepare_for_check) names a meter for every fuel;
# EnergyPlus warns once that those a model does not use are "not valid". Not the model's fault.
REGISTRY_CAUSED = ("Processing Monthly Tabular Reports: Variable names not valid",)
# A zone whose loads did not settle within the warm-up days: reported as Severe, but about
# the first simulated days' start-up state, not an error in the model's input. The validity
# rules count severe errors without these.
WARMUP_CONVERGENCE = "CheckWarmupConvergence"

MESSAGES = {
    "err.completed": "EnergyPlus completed: {warnings} warnings, {severes} severe errors.",
    "err.terminated": (
        "EnergyPlus stopped on errors: {fatals} fatal, {severes} severe. First error: {first}"
    ),
    "err.crashed": (
        "EnergyPlus exited abnormally before finishing its error file ({severes} severe errors). "
        "{first}"
    ),
    "err.missing": "EnergyPlus wrote no error file.",
}


@dataclass
class ErrMessage:
    severity: str
    text: str


@dataclass
class ErrSummary:
    """Counts of warnings, severe and fatal errors, and the first messages of a run."""

    warnings: int = 0
    severes: int = 0
    fatals: int = 0
    messages: list[ErrMessage] = field(default_factory=list)
    completed_successfully: bool = False
    finished: bool = False  # the engine wrote its final line (completed or terminated)
    found: bool = True
    warmup_severes: int = 0  # of `severes`, warm-up convergence messages

    @property
    def model_severes(self) -> int:
        """Severe errors other than warm-up convergence."""
        return max(self.severes - self.warmup_severes, 0)

    def as_dict(self) -> dict:
        """Plain values to store as JSON on the check row."""
        return {
            "warnings": self.warnings,
            "severes": self.severes,
            "fatals": self.fatals,
            "warmup_severes": self.warmup_severes,
            "completed_successfully": self.completed_successfully,
            "finished": self.finished,
            "messages": [{"severity": m.severity, "text": m.text} for m in self.messages],
        }

    def first_error(self) -> str:
        for message in self.messages:
            if message.severity != "Warning":
                return message.text.splitlines()[0]
        return ""

    def summary(self) -> tuple[str, dict]:
        """One readable sentence about the run, as a message code and its params."""
        if not self.found:
            code = "err.missing"
        elif self.completed_successfully:
            code = "err.completed"
        elif self.finished:
            code = "err.terminated"
        else:
            code = "err.crashed"
        params = {
            "warnings": self.warnings,
            "severes": self.severes,
            "fatals": self.fatals,
            "first": self.first_error(),
        }
        return code, params


def read_err(path: str | Path) -> ErrSummary:
    """Summarise an `eplusout.err`; a missing file gives an empty, not-found summary."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ErrSummary(found=False)
    return parse_err(text)


def parse_err(text: str) -> ErrSummary:
    """Summarise the text of an `eplusout.err`."""
    found: list[ErrMessage] = []
    counted = {severity: 0 for severity in SEVERITIES}
    ignored = warmup = 0
    recurring = False
    current: ErrMessage | None = None
    final = None
    for line in text.splitlines():
        if _RECURRING in line:
            recurring = True  # repeats of counted messages, summarised: not counted again
            current = None
            continue
        continued = _CONTINUED.match(line)
        if continued and current is not None:
            if len(current.text) < MAX_TEXT:
                current.text = f"{current.text}\n{continued.group(1).strip()}"[:MAX_TEXT]
            continue
        message = _MESSAGE.match(line)
        if message:
            severity, body = message.group(1), message.group(2).strip()
            current = None
            if body.startswith(REGISTRY_CAUSED):
                ignored += severity == "Warning"
                continue
            if not recurring:
                counted[severity] += 1
                warmup += severity == "Severe" and body.startswith(WARMUP_CONVERGENCE)
                current = ErrMessage(severity, body)
                found.append(current)
            continue
        current = None
        final = _FINAL.search(line) or final
    summary = ErrSummary(messages=_keep(found), fatals=counted["Fatal"], warmup_severes=warmup)
    if final:
        summary.finished = True
        summary.completed_successfully = final.group(1) == "Completed Successfully"
        # The final line counts what EnergyPlus counted, including suppressed repeats.
        summary.warnings = max(int(final.group(2)) - ignored, 0)
        summary.severes = int(final.group(3))
    else:
        summary.warnings, summary.severes = counted["Warning"], counted["Severe"]
    return summary


def _keep(messages: list[ErrMessage]) -> list[ErrMessage]:
    """Errors first (in file order), then the first warnings, within the caps."""
    errors = [m for m in messages if m.severity != "Warning"]
    warnings = [m for m in messages if m.severity == "Warning"][:MAX_WARNING_MESSAGES]
    return (errors + warnings)[:MAX_MESSAGES]
