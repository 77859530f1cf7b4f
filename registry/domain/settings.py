"""The registry's settings an administrator may change: what each is, its default, its bounds.

Stored in the database (`registry.services.settings`), every change audited; a setting never
stored has its default here.
"""

from __future__ import annotations

from dataclasses import dataclass

from registry.domain.notice.calendar import DEFAULT_NOTICE_WORKING_DAYS, MAX_NOTICE_WORKING_DAYS
from registry.domain.text import NC_

MAKER_CHECKER = "maker_checker"
NOTICE_WORKING_DAYS = "notice_working_days"
PARCEL_EVALUATION_MONTHS = "parcel_evaluation_months"
# No rule we know of sets how soon after completion a building of a parcel with a star
# condition must hold its evaluation label: this default is the registry's own, for the
# administrators to set.
DEFAULT_PARCEL_EVALUATION_MONTHS = 12
UPGRADE_SAVING_PCT = "upgrade_saving_required_pct"
UPGRADE_SAVING_CONFIRMED = "upgrade_saving_required_confirmed"
SAVING_EVIDENCE_REQUIRED = "saving_evidence_required"


@dataclass(frozen=True)
class SettingSpec:
    key: str
    kind: str  # bool | int
    default: bool | int
    name: str  # English, NC_("setting", …)
    help: str  # English, NC_("setting help", …)
    low: int | None = None
    high: int | None = None


SETTINGS: dict[str, SettingSpec] = {
    MAKER_CHECKER: SettingSpec(
        MAKER_CHECKER,
        "bool",
        True,
        NC_("setting", "Approval by a second person (maker-checker)"),
        NC_("setting help", "When on, whoever drafted or submitted a record cannot approve it."),
    ),
    NOTICE_WORKING_DAYS: SettingSpec(
        NOTICE_WORKING_DAYS,
        "int",
        DEFAULT_NOTICE_WORKING_DAYS,
        NC_("setting", "Public-notice period (working days)"),
        NC_(
            "setting help",
            "The notice period of labels and energy levels after review, in working days "
            "(public holidays excluded, adjusted working days included).",
        ),
        1,
        MAX_NOTICE_WORKING_DAYS,
    ),
    PARCEL_EVALUATION_MONTHS: SettingSpec(
        PARCEL_EVALUATION_MONTHS,
        "int",
        DEFAULT_PARCEL_EVALUATION_MONTHS,
        NC_("setting", "Months after completion for a parcel's evaluation label"),
        NC_(
            "setting help",
            "A building on a parcel with a star condition must hold its evaluation label "
            "within this many months of completion; after that it is overdue. "
            "The registry's own default, not a published rule.",
        ),
        1,
        60,
    ),
    # 15 % is what the national public-building efficiency key-city programme is commonly
    # said to require; recalled, not read, so it stays unverified until an admin confirms.
    UPGRADE_SAVING_PCT: SettingSpec(
        UPGRADE_SAVING_PCT,
        "int",
        15,
        NC_("setting", "Required saving of a public-building upgrade (%)"),
        NC_(
            "setting help",
            "The weather-normalised saving an efficiency upgrade must verify (15 %, the "
            "commonly cited requirement of the national key-city programme, not yet checked "
            "against its text).",
        ),
        1,
        100,
    ),
    UPGRADE_SAVING_CONFIRMED: SettingSpec(
        UPGRADE_SAVING_CONFIRMED,
        "bool",
        False,
        NC_("setting", "Required upgrade saving confirmed"),
        NC_(
            "setting help",
            "Turn on once the required saving has been checked against the programme's "
            "documents; until then every savings result marks it unverified.",
        ),
    ),
    SAVING_EVIDENCE_REQUIRED: SettingSpec(
        SAVING_EVIDENCE_REQUIRED,
        "bool",
        False,
        NC_("setting", "Energy levels need a saving-rate check"),
        NC_(
            "setting help",
            "When on, an ultra-low, nearly-zero or zero-energy record can be approved only if it "
            "cites a saving-rate check that meets its level.",
        ),
    ),
}

MESSAGES: dict[str, str] = {
    "setting.unknown": "No setting named “{key}”.",
    "setting.not_boolean": "“{value}” should be on or off.",
}


def parse_value(spec: SettingSpec, raw) -> tuple[bool | int | None, tuple[str, dict] | None]:
    """The setting's value from what a user typed, or a (message code, params) problem."""
    text = str(raw if raw is not None else "").strip()
    if spec.kind == "bool":
        if isinstance(raw, bool):
            return raw, None
        lowered = text.lower()
        if lowered in {"1", "true", "on", "yes", "开", "开启", "是"}:
            return True, None
        if lowered in {"0", "false", "off", "no", "关", "关闭", "否"}:
            return False, None
        return None, ("setting.not_boolean", {"value": text})
    try:
        value = int(text)
    except ValueError:
        return None, ("field.not_an_integer", {"value": text})
    if (spec.low is not None and value < spec.low) or (spec.high is not None and value > spec.high):
        return None, ("field.out_of_range", {"low": spec.low, "high": spec.high})
    return value, None


def stored_text(value: bool | int) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def from_stored(spec: SettingSpec, text: str | None) -> bool | int:
    if text is None:
        return spec.default
    value, problem = parse_value(spec, text)
    return spec.default if problem else value
