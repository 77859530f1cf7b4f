"""The pilot's targets and the one set of rules that decides what counts toward them.

Counting rules (青政字〔2021〕11号, see TARGETS.md), applied here and nowhere else:

- A record counts only once it was granted on or before `as_of`: a label or an energy level
  when it was published (公布, after its public notice: status published or, later,
  revoked), a retrofit record when it was approved (status approved or, later, revoked);
  drafts, submitted, rejected records and records under notice never count.
- Which records feed which target is `TARGET_RULES`: ★ labels and above at the
  evaluation stage (预评价 and 基本级 never), 超低/近零/零能耗 for ultra-low energy,
  近零/零能耗 for the nearly-zero pilots, and the three retrofit programmes.
- The counting date is the date the qualification was *granted*: for labels and energy
  levels their publication date (`published_on`, the 公布 that ends 建标规〔2021〕1号's
  申报 → 审查 → 公示 → 公布); for retrofits, which have no notice, a retrofit's
  `completed_on` and an old-community renovation's `started_on` (the policy counts
  renovations started), not the registry's approval date. A late approval of a retrofit can
  therefore still add to an earlier year; `as_of` freezes a tally at a data date.
- A building counts once per target: its qualifying records are merged into holding
  episodes (from each record's counting date to its revocation date). An episode counts
  the counted area (m²) of the record that opened it, in the year it opened; later records
  inside the episode (upgrades ★→★★★, 超低→近零, re-issues) add nothing.
- A revocation ends the holding from its date on: the area leaves cumulative tallies from
  that date, an earlier period's tally is unchanged and lists the revocation as a note.
- Only episodes opened on or after the baseline (2021-01-01) count toward the pilot; a
  building certified earlier and upgraded during the pilot adds nothing.
- A building may count toward several targets, never twice toward one.
- 装配式 share: floor area (m²) of new buildings completed in a year that are
  prefabricated ÷ floor area of all new buildings completed that year, among registered
  buildings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from registry.domain.buildings.districts import PILOT_NZEB_DISTRICTS
from registry.domain.buildings.records import ENERGY, GREEN_LABEL, NOTICE_KINDS, RETROFIT
from registry.domain.text import NC_

COUNTED_STATUSES = ("approved", "published", "revoked")

AREA_TARGETS = (
    "star_rated",
    "ultra_low_energy",
    "residential_retrofit",
    "public_efficiency",
    "old_community",
)
PREFAB_SHARE = "prefab_share"
NZEB_PILOTS = "nzeb_pilots"
TARGET_KEYS = (*AREA_TARGETS, PREFAB_SHARE, NZEB_PILOTS)
# Targets counted from records, episode by episode (the pilots count buildings too).
RECORD_TARGETS = (*AREA_TARGETS, NZEB_PILOTS)


@dataclass(frozen=True)
class TargetRule:
    """Which records qualify for a target and which of their dates is the counting date."""

    kind: str
    levels: frozenset[str]
    date_field: str
    stage: str | None = None  # when set, the record's stage must equal it
    districts: frozenset[str] | None = None  # when set, only buildings in these count


TARGET_RULES: dict[str, TargetRule] = {
    "star_rated": TargetRule(GREEN_LABEL, frozenset({"1", "2", "3"}), "published_on", "evaluation"),
    "ultra_low_energy": TargetRule(
        ENERGY, frozenset({"ultra_low", "nearly_zero", "zero"}), "published_on"
    ),
    "residential_retrofit": TargetRule(RETROFIT, frozenset({"residential_green"}), "completed_on"),
    "public_efficiency": TargetRule(RETROFIT, frozenset({"public_efficiency"}), "completed_on"),
    "old_community": TargetRule(RETROFIT, frozenset({"old_community"}), "started_on"),
    NZEB_PILOTS: TargetRule(
        ENERGY,
        frozenset({"nearly_zero", "zero"}),
        "published_on",
        districts=frozenset(PILOT_NZEB_DISTRICTS),
    ),
}


@dataclass(frozen=True)
class TargetSpec:
    """One target as data (admins may change names, value and dates).

    A stored target carries its name in each language (`name_zh`, `name_en`, as admins
    edit them); the defaults below name it in English only, and the seed takes the Chinese
    from the catalogue (context "target").
    """

    key: str
    name_en: str
    unit: str  # m2 | percent | districts
    value: float
    baseline: date = date(2021, 1, 1)
    midterm: date = date(2021, 12, 31)
    deadline: date = date(2022, 12, 31)
    policy_item: str = ""
    name_zh: str = ""


DEFAULT_TARGETS: tuple[TargetSpec, ...] = (
    TargetSpec(
        "star_rated",
        NC_("target", "Star-rated green buildings"),
        "m2",
        5_000_000,
        policy_item="二(三)15",
    ),
    TargetSpec(
        "ultra_low_energy",
        NC_("target", "Ultra-low-energy buildings"),
        "m2",
        300_000,
        policy_item="二(三)15",
    ),
    TargetSpec(
        "residential_retrofit",
        NC_("target", "Green retrofit of existing housing"),
        "m2",
        10_000_000,
        policy_item="二(三)16",
    ),
    TargetSpec(
        "public_efficiency",
        NC_("target", "Public-building efficiency upgrades"),
        "m2",
        3_000_000,
        policy_item="二(三)16",
    ),
    TargetSpec(
        "old_community",
        NC_("target", "Old-community renovation started"),
        "m2",
        6_000_000,
        policy_item="二(四)23",
    ),
    TargetSpec(
        PREFAB_SHARE,
        NC_("target", "Prefabricated share of new building"),
        "percent",
        50,
        policy_item="一(二)3, 二(三)17",
    ),
    TargetSpec(
        NZEB_PILOTS,
        NC_("target", "Nearly-zero pilots in four districts"),
        "districts",
        len(PILOT_NZEB_DISTRICTS),
        policy_item="二(三)15",
    ),
)

MESSAGES: dict[str, str] = {
    "target.not_found": "No target “{key}”.",
    "target.value_not_positive": "A target value must be greater than 0.",
    "target.dates_out_of_order": "Dates must satisfy baseline < mid-term ≤ deadline.",
    "tally.year_invalid": "“{value}” is not a valid year.",
    "tally.format_unknown": "Unsupported format “{value}”.",
}


@dataclass(frozen=True)
class BuildingFact:
    building_id: int
    name: str
    district_code: str
    building_type: str
    floor_area_m2: float
    is_new_build: bool = True
    completion_year: int | None = None
    prefabricated: bool = False


@dataclass(frozen=True)
class RecordFact:
    record_id: int
    building_id: int
    kind: str
    level: str
    status: str
    counted_area_m2: float
    stage: str | None = None
    label_number: str | None = None
    approved_on: date | None = None
    issued_on: date | None = None
    started_on: date | None = None
    completed_on: date | None = None
    revoked_on: date | None = None
    published_on: date | None = None


def granted_on(record: RecordFact) -> date | None:
    """The day the record was granted: published for labels and energy levels (after their
    notice), approved for retrofits; None while it is not."""
    if record.status not in COUNTED_STATUSES:
        return None
    return record.published_on if record.kind in NOTICE_KINDS else record.approved_on


@dataclass(frozen=True)
class Episode:
    """A building holding a target without interruption, opened by `record`."""

    target: str
    building_id: int
    district_code: str
    record: RecordFact
    start: date
    end: date | None  # first day no longer held (a revocation); None while held
    area_m2: float


def counting_date(record: RecordFact, target: str, district_code: str, as_of: date) -> date | None:
    """The date `record` starts counting toward `target`, or None if it never does."""
    rule = TARGET_RULES[target]
    granted = granted_on(record)
    if granted is None or granted > as_of:
        return None
    if record.kind != rule.kind or record.level not in rule.levels:
        return None
    if rule.stage is not None and record.stage != rule.stage:
        return None
    if rule.districts is not None and district_code not in rule.districts:
        return None
    counted_on = getattr(record, rule.date_field)
    if counted_on is None or counted_on > as_of:
        return None
    return counted_on


def revocation_date(record: RecordFact, as_of: date) -> date | None:
    """The revocation date as known at `as_of` (a later one is not yet in force)."""
    if record.revoked_on is not None and record.revoked_on <= as_of:
        return record.revoked_on
    return None


def episodes(
    records: list[RecordFact], target: str, district_code: str, as_of: date
) -> list[Episode]:
    """One building's holding episodes for `target`, oldest first."""
    spans = []
    for record in records:
        start = counting_date(record, target, district_code, as_of)
        if start is None:
            continue
        end = revocation_date(record, as_of)
        if end is not None and end <= start:
            continue  # revoked the day it would have started counting: never held
        spans.append((start, record.record_id, end, record))
    spans.sort(key=lambda span: (span[0], span[1]))
    found: list[Episode] = []
    for start, _id, end, record in spans:
        last = found[-1] if found else None
        if last is not None and (last.end is None or start <= last.end):
            # Inside (or touching) the current episode: an upgrade or re-issue, no new area.
            merged_end = None if last.end is None or end is None else max(last.end, end)
            found[-1] = Episode(
                target,
                last.building_id,
                district_code,
                last.record,
                last.start,
                merged_end,
                last.area_m2,
            )
        else:
            found.append(
                Episode(
                    target,
                    record.building_id,
                    district_code,
                    record,
                    start,
                    end,
                    record.counted_area_m2,
                )
            )
    return found


def building_episodes(
    building: BuildingFact, records: list[RecordFact], as_of: date
) -> list[Episode]:
    """Every target's holding episodes for one building's records, baseline not applied
    (it is data an admin may change; the tally applies it)."""
    kinds = {record.kind for record in records}
    found: list[Episode] = []
    for target in RECORD_TARGETS:
        if TARGET_RULES[target].kind in kinds:  # no record of the rule's kind: no episode
            found.extend(episodes(records, target, building.district_code, as_of))
    return found


def horizon(records: list[RecordFact]) -> date | None:
    """The latest date any of these records' counting depends on: on or after it, the
    episodes are the same whatever the data date (see `counting_date`, `revocation_date`)."""
    days = [
        day
        for record in records
        if record.status in COUNTED_STATUSES
        for day in (
            record.approved_on,
            record.published_on,
            record.issued_on,
            record.started_on,
            record.completed_on,
            record.revoked_on,
        )
        if day is not None
    ]
    return max(days, default=None)
