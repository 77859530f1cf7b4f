"""One line per goal, as every benchmark ends: `NAME: <figures> (goal …) MET` or `MISSED`."""

from __future__ import annotations

LINES: list[str] = []


def goal(name: str, figures: str, wanted: str, met: bool) -> str:
    line = f"{name}: {figures} (goal {wanted}) {'MET' if met else 'MISSED'}"
    print(line, flush=True)
    LINES.append(line)
    return line


def is_goal(line: str) -> bool:
    """Whether `line` is one `goal` printed."""
    return ": " in line and "(goal " in line and line.endswith((") MET", ") MISSED"))
