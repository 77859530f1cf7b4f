"""Record and programme records: kinds, levels, stages and the review life cycle.

One record model serves every kind the pilot counts:
green-building labels (GB/T 50378-2019), energy levels (GB/T 51350-2019) and
retrofit / renovation programme records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from registry.domain.dates import parse_iso_date
from registry.domain.text import NC_

# The longest a record's notes, and a reason given for a review step or a correction, may be
# (the record's and the audit event's columns are declared from these).
NOTES_MAX_CHARS = 1000
REASON_MAX_CHARS = 1000

GREEN_LABEL = "green_label"
ENERGY = "energy"
RETROFIT = "retrofit"
KINDS = (GREEN_LABEL, ENERGY, RETROFIT)

KIND_NAMES = {
    GREEN_LABEL: NC_("record kind", "Green building label"),
    ENERGY: NC_("record kind", "Low-energy building level"),
    RETROFIT: NC_("record kind", "Retrofit programme"),
}

# level code -> name; order matters for "upgrade" comparisons within a kind.
LEVELS: dict[str, dict[str, str]] = {
    GREEN_LABEL: {
        "basic": NC_("record level", "Basic"),
        "1": NC_("record level", "One star"),
        "2": NC_("record level", "Two star"),
        "3": NC_("record level", "Three star"),
    },
    ENERGY: {
        "ultra_low": NC_("record level", "Ultra-low energy"),
        "nearly_zero": NC_("record level", "Nearly zero energy"),
        "zero": NC_("record level", "Zero energy"),
    },
    RETROFIT: {
        "residential_green": NC_("record level", "Residential green retrofit"),
        "public_efficiency": NC_("record level", "Public-building efficiency upgrade"),
        "old_community": NC_("record level", "Old-community renovation"),
    },
}

STAGES = {
    "pre_evaluation": NC_("record stage", "Pre-evaluation (design stage)"),
    "evaluation": NC_("record stage", "Evaluation (after completion)"),
}

STATUSES = {
    "draft": NC_("record status", "Draft"),
    "submitted": NC_("record status", "Submitted"),
    "notice": NC_("record status", "Under public notice"),
    "published": NC_("record status", "Published"),
    "approved": NC_("record status", "Approved"),
    "rejected": NC_("record status", "Rejected"),
    "revoked": NC_("record status", "Revoked"),
}

# The actions, as a message names them.
ACTION_NAMES = {
    "edit": NC_("record action", "edited"),
    "submit": NC_("record action", "submitted"),
    "approve": NC_("record action", "approved"),
    "reject": NC_("record action", "rejected"),
    "publish": NC_("record action", "published"),
    "revoke": NC_("record action", "revoked"),
    "correct": NC_("record action", "corrected"),
}

# Labels and energy levels follow the national procedure (建标规〔2021〕1号: 申报 → 审查 →
# 公示 → 公布): passing review starts a public notice, and only publication grants them.
# Retrofit programme records have no notice: approval is their last step.
NOTICE_KINDS = frozenset({GREEN_LABEL, ENERGY})

# The life cycle, in one place: which status each action may start from and what it leads to.
# "approve" leads to "notice" for the notice kinds (`transition` decides); an objection that
# is upheld during the notice sends the record back ("reject").
TRANSITIONS = {
    "submit": ({"draft", "rejected"}, "submitted"),
    "approve": ({"submitted"}, "approved"),
    "reject": ({"submitted", "notice"}, "rejected"),
    "publish": ({"notice"}, "published"),
    "revoke": ({"approved", "published"}, "revoked"),
}
# Changes that keep the status: a draft is edited; a record that passed review is only
# corrected, with a reason, by a reviewer; a revoked one is final.
EDITS = {
    "edit": {"draft", "submitted", "rejected"},
    "correct": {"notice", "approved", "published"},
}
# Statuses of a record that passed review: its building's counting and identity facts are
# frozen (changed only by a reviewer's correction), and the public may see it.
REVIEWED_STATUSES = frozenset({"notice", "approved", "published", "revoked"})
# A record's last status before revocation, by kind.
FINAL_STATUS = {GREEN_LABEL: "published", ENERGY: "published", RETROFIT: "approved"}


def actions_from(status: str) -> set[str]:
    """Every action the life cycle allows on a record in `status` (whoever may take it)."""
    moves = {action for action, (allowed_from, _) in TRANSITIONS.items() if status in allowed_from}
    return moves | {action for action, allowed_from in EDITS.items() if status in allowed_from}


def path_to(status: str, kind: str) -> tuple[str, ...]:
    """The actions that take a new draft of `kind` to `status` (an import's historic records
    reach their status through the same transitions as records entered by hand)."""
    final = ("submit", "approve", "publish") if kind in NOTICE_KINDS else ("submit", "approve")
    paths = {
        "draft": (),
        "submitted": ("submit",),
        "notice": ("submit", "approve") if kind in NOTICE_KINDS else None,
        "approved": final,
        "published": final if kind in NOTICE_KINDS else None,
        "rejected": ("submit", "reject"),
        "revoked": (*final, "revoke"),
    }
    path = paths.get(status)
    if path is None:
        raise ValueError(status)
    return path


_LEVEL_ALIASES = {
    GREEN_LABEL: {
        "basic": "basic",
        "基本级": "basic",
        "基本": "basic",
        "0": "basic",
        "1": "1",
        "一星级": "1",
        "一星": "1",
        "★": "1",
        "1星": "1",
        "one": "1",
        "2": "2",
        "二星级": "2",
        "二星": "2",
        "★★": "2",
        "2星": "2",
        "two": "2",
        "3": "3",
        "三星级": "3",
        "三星": "3",
        "★★★": "3",
        "3星": "3",
        "three": "3",
    },
    ENERGY: {
        "ultra_low": "ultra_low",
        "超低能耗": "ultra_low",
        "超低": "ultra_low",
        "nearly_zero": "nearly_zero",
        "近零能耗": "nearly_zero",
        "近零": "nearly_zero",
        "zero": "zero",
        "零能耗": "zero",
    },
    RETROFIT: {
        "residential_green": "residential_green",
        "既有居住建筑绿色改造": "residential_green",
        "public_efficiency": "public_efficiency",
        "公共建筑能效提升": "public_efficiency",
        "old_community": "old_community",
        "老旧小区改造": "old_community",
    },
}
_STAGE_ALIASES = {
    "pre_evaluation": "pre_evaluation",
    "预评价": "pre_evaluation",
    "pre": "pre_evaluation",
    "evaluation": "evaluation",
    "评价": "evaluation",
}


def parse_level(kind: str, value: str) -> str | None:
    """The level code for a code or Chinese name within a kind, or None if unknown."""
    return _LEVEL_ALIASES.get(kind, {}).get(str(value).strip().lower()) or _LEVEL_ALIASES.get(
        kind, {}
    ).get(str(value).strip())


def parse_stage(value: str) -> str | None:
    return _STAGE_ALIASES.get(str(value).strip().lower()) or _STAGE_ALIASES.get(str(value).strip())


@dataclass(frozen=True)
class RecordInput:
    """A record as entered, already parsed into codes; checked by `record_problems`."""

    kind: str
    level: str | None
    stage: str | None = None
    label_number: str | None = None
    issued_on: date | None = None
    started_on: date | None = None
    completed_on: date | None = None
    counted_area_m2: float | None = None


# A control character (below U+0020) in a label number: one regex search, not a Python loop
# over the characters (the importer checks 100,000 labels twice).
_CONTROL = re.compile("[\x00-\x1f]")


def record_problems(
    record: RecordInput, *, building_floor_area_m2: float, today: date
) -> dict[str, tuple[str, dict]]:
    """Every problem with a record, by field: {field: (message code, params)}.

    Pure so the form, the API, the CLI and the importer all apply the same rules.
    """
    problems: dict[str, tuple[str, dict]] = {}
    if record.kind not in KINDS:
        problems["kind"] = ("record.kind_unknown", {"value": record.kind})
        return problems
    if record.level not in LEVELS[record.kind]:
        problems["level"] = ("record.level_unknown", {"value": record.level or ""})
    if record.kind == GREEN_LABEL:
        if record.stage not in STAGES:
            problems["stage"] = ("record.stage_required", {})
    elif record.stage:
        problems["stage"] = ("record.stage_only_for_labels", {})
    if record.kind in (GREEN_LABEL, ENERGY):
        if not record.issued_on:
            problems["issued_on"] = ("record.issued_on_required", {})
        if record.label_number is not None:
            label = record.label_number.strip()
            if not label:
                problems["label_number"] = ("record.label_number_required", {})
            elif len(label) > 64 or _CONTROL.search(label):
                problems["label_number"] = ("record.label_number_malformed", {})
        else:
            problems["label_number"] = ("record.label_number_required", {})
    if record.kind == RETROFIT:
        if not record.started_on:
            problems["started_on"] = ("record.started_on_required", {})
        if record.completed_on and record.started_on and record.completed_on < record.started_on:
            problems["completed_on"] = ("record.completed_before_started", {})
    for field in ("issued_on", "started_on", "completed_on"):
        value = getattr(record, field)
        if value and value > today:
            problems.setdefault(field, ("record.date_in_future", {"date": value.isoformat()}))
    if record.counted_area_m2 is not None:
        if record.counted_area_m2 <= 0:
            problems["counted_area_m2"] = ("area.not_positive", {})
        elif record.counted_area_m2 > building_floor_area_m2 * (1 + 1e-9):
            problems["counted_area_m2"] = (
                "record.counted_area_exceeds_building",
                {"area": record.counted_area_m2, "building_area": building_floor_area_m2},
            )
    return problems


def transition(status: str, action: str, kind: str | None = None) -> str:
    """The status after `action` on a record of `kind`, or raise ValueError naming the
    current status."""
    allowed_from, new_status = TRANSITIONS[action]
    if status not in allowed_from:
        raise ValueError(status)
    if action == "approve" and kind in NOTICE_KINDS:
        return "notice"
    return new_status


def parse_record_input(raw: dict) -> tuple[RecordInput | None, dict[str, tuple[str, dict]]]:
    """Codes and dates from raw values (codes or Chinese names accepted)."""
    problems: dict[str, tuple[str, dict]] = {}
    kind = str(raw.get("kind") or "").strip()
    if kind not in KINDS:
        return None, {"kind": ("record.kind_unknown", {"value": kind})}
    level_raw = raw.get("level")
    level = parse_level(kind, level_raw) if level_raw not in (None, "") else None
    if level is None:
        problems["level"] = ("record.level_unknown", {"value": str(level_raw or "")})
    stage_raw = raw.get("stage")
    stage = parse_stage(stage_raw) if stage_raw not in (None, "") else None
    if stage_raw not in (None, "") and stage is None:
        problems["stage"] = ("field.choice_unknown", {"value": str(stage_raw)})
    dates = {}
    for field in ("issued_on", "started_on", "completed_on"):
        try:
            dates[field] = parse_iso_date(raw.get(field))
        except ValueError:
            problems[field] = ("field.not_a_date", {"value": str(raw.get(field))})
            dates[field] = None
    area = raw.get("counted_area_m2")
    counted = None
    if area not in (None, ""):
        try:
            counted = float(str(area).replace(",", "")) if not isinstance(area, float) else area
        except ValueError:
            problems["counted_area_m2"] = ("area.not_a_number", {"value": str(area)})
    label = raw.get("label_number")
    label = str(label).strip() if label not in (None, "") else None
    if kind == RETROFIT and label is None:
        label_value = None
    else:
        label_value = label if label is not None else None
    record = RecordInput(
        kind=kind,
        level=level,
        stage=stage,
        label_number=label_value,
        counted_area_m2=counted,
        **dates,
    )
    return record, problems
