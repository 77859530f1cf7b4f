"""The registry's settings an administrator may change: what each is, its default, its bounds.

Stored in the database (`registry.services.settings`), every change audited; a setting never
stored has its default here.
"""

from __future__ import annotations

from dataclasses import dataclass

from registry.domain.notice.calendar import DEFAULT_NOTICE_WORKING_DAYS, MAX_NOTICE_WORKING_DAYS

MAKER_CHECKER = "maker_checker"
NOTICE_WORKING_DAYS = "notice_working_days"


@dataclass(frozen=True)
class SettingSpec:
    key: str
    kind: str  # bool | int
    default: bool | int
    name: tuple[str, str]
    help: tuple[str, str]
    low: int | None = None
    high: int | None = None


SETTINGS: dict[str, SettingSpec] = {
    MAKER_CHECKER: SettingSpec(
        MAKER_CHECKER,
        "bool",
        True,
        ("审批须由他人（双人复核）", "Approval by a second person (maker-checker)"),
        (
            "开启时，起草或提交记录的人不能批准该记录。",
            "When on, whoever drafted or submitted a record cannot approve it.",
        ),
    ),
    NOTICE_WORKING_DAYS: SettingSpec(
        NOTICE_WORKING_DAYS,
        "int",
        DEFAULT_NOTICE_WORKING_DAYS,
        ("公示期（工作日）", "Public-notice period (working days)"),
        (
            "绿色建筑标识和能耗等级审查通过后的公示期，按工作日计（扣除法定节假日，计入调休上班日）。",
            "The notice period of labels and energy levels after review, in working days "
            "(public holidays excluded, adjusted working days included).",
        ),
        1,
        MAX_NOTICE_WORKING_DAYS,
    ),
}

MESSAGES: dict[str, tuple[str, str]] = {
    "setting.unknown": ("没有名为“{key}”的设置。", "No setting named “{key}”."),
    "setting.not_boolean": ("“{value}”应为“开”或“关”。", "“{value}” should be on or off."),
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
