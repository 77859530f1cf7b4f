"""The count-once rules: worked examples, and random histories against a day-by-day reference."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.domain.tally import period as aggregate
from registry.domain.tally import targets as rules
from registry.domain.tally.replay import compute_tally
from registry.domain.tally.targets import BuildingFact, RecordFact

BASELINE = date(2021, 1, 1)
FIRST_DAY, LAST_DAY = date(2020, 10, 1), date(2023, 3, 31)

# ---------------------------------------------------------------------------------------
# The reference: spelled out from TARGETS.md, one day at a time, no merging of intervals.

# Labels and energy levels count from their publication (公布, after the public notice);
# retrofits, which have no notice, from their completion or start once approved.
REFERENCE_RULES = {
    "star_rated": ("green_label", {"1", "2", "3"}, "published_on"),
    "ultra_low_energy": ("energy", {"ultra_low", "nearly_zero", "zero"}, "published_on"),
    "residential_retrofit": ("retrofit", {"residential_green"}, "completed_on"),
    "public_efficiency": ("retrofit", {"public_efficiency"}, "completed_on"),
    "old_community": ("retrofit", {"old_community"}, "started_on"),
    "nzeb_pilots": ("energy", {"nearly_zero", "zero"}, "published_on"),
}
NOTICE_KINDS = ("green_label", "energy")
PILOTS = {"370212", "370211", "370214", "370215"}


def reference_qualifies(record: RecordFact, target: str, district: str, as_of: date):
    kind, levels, date_field = REFERENCE_RULES[target]
    # Granted: a label or energy level published, a retrofit approved (revoked ones were).
    granted = record.published_on if record.kind in NOTICE_KINDS else record.approved_on
    if record.status not in ("approved", "published", "revoked") or granted is None:
        return None
    if granted > as_of or record.kind != kind or record.level not in levels:
        return None
    if target == "star_rated" and record.stage != "evaluation":  # 预评价 never counts
        return None
    if target == "nzeb_pilots" and district not in PILOTS:
        return None
    start = getattr(record, date_field)
    return start if start is not None and start <= as_of else None


def reference_held(records, target, district, day, as_of):
    """Records through which the building holds `target` on `day`."""
    held = []
    for record in records:
        start = reference_qualifies(record, target, district, as_of)
        if start is None or start > day:
            continue
        revoked = record.revoked_on if record.revoked_on and record.revoked_on <= as_of else None
        if revoked is not None and revoked <= day:
            continue
        held.append((start, record))
    return held


def reference_days(records, target, district, as_of, last_day):
    """day -> (episode start, area) for every day the building holds the target."""
    days, current = {}, None
    day = FIRST_DAY - timedelta(days=1)
    while day <= last_day:
        held = reference_held(records, target, district, day, as_of)
        if not held:
            current = None
        elif current is None:
            # Everything held on an episode's first day starts that day; the lowest id opens it.
            opener = min((r for s, r in held if s == day), key=lambda r: r.record_id)
            current = (day, opener.counted_area_m2)
        if current is not None:
            days[day] = current
        day += timedelta(days=1)
    return days


def reference_tally(buildings, records, start, end, as_of):
    result = {t: {"added": 0.0, "removed": 0.0, "cumulative": 0.0} for t in REFERENCE_RULES}
    districts_with_pilot = set()
    for building in buildings:
        own = [r for r in records if r.building_id == building.building_id]
        for target in REFERENCE_RULES:
            days = reference_days(own, target, building.district_code, as_of, end)
            counted = {d: v for d, v in days.items() if v[0] >= BASELINE}
            if end in counted:
                result[target]["cumulative"] += counted[end][1]
                if target == "nzeb_pilots":
                    districts_with_pilot.add(building.district_code)
            day = start
            while day <= end:
                before = day - timedelta(days=1)
                if day in counted and before not in counted:
                    result[target]["added"] += counted[day][1]
                if before in counted and day not in counted:
                    result[target]["removed"] += counted[before][1]
                day += timedelta(days=1)
    return result, districts_with_pilot


# ---------------------------------------------------------------------------------------
# Random histories.

LEVELS = {
    "green_label": ["basic", "1", "2", "3"],
    "energy": ["ultra_low", "nearly_zero", "zero"],
    "retrofit": ["residential_green", "public_efficiency", "old_community"],
}
days_in_range = st.integers(0, (LAST_DAY - FIRST_DAY).days).map(
    lambda n: FIRST_DAY + timedelta(days=n)
)


@st.composite
def histories(draw):
    count = draw(st.integers(1, 4))
    buildings = [
        BuildingFact(
            building_id=i + 1,
            name=f"楼{i + 1}",
            district_code=draw(st.sampled_from(["370202", "370211", "370212", "370285"])),
            building_type=draw(st.sampled_from(["residential", "school", "hotel"])),
            floor_area_m2=10_000.0,
            is_new_build=draw(st.booleans()),
            completion_year=draw(st.sampled_from([None, 2020, 2021, 2022])),
            prefabricated=draw(st.booleans()),
        )
        for i in range(count)
    ]
    records = []
    for record_id in range(1, draw(st.integers(0, 8)) + 1):
        kind = draw(st.sampled_from(sorted(LEVELS)))
        notice = kind != "retrofit"
        statuses = ["draft", "submitted", "rejected", "revoked"]
        statuses += ["notice", "published"] if notice else ["approved"]
        status = draw(st.sampled_from(statuses))
        approved = status in ("notice", "approved", "published", "revoked")
        approved_on = draw(days_in_range) if approved else None
        # The notice runs after the review; publication follows it (a historic record's may
        # lie anywhere after its review).
        notice_end = approved_on + timedelta(days=draw(st.integers(6, 12))) if approved else None
        published = notice and status in ("published", "revoked")
        published_on = notice_end + timedelta(days=draw(st.integers(1, 40))) if published else None
        records.append(
            RecordFact(
                record_id=record_id,
                building_id=draw(st.integers(1, count)),
                kind=kind,
                level=draw(st.sampled_from(LEVELS[kind])),
                status=status,
                counted_area_m2=float(draw(st.integers(1, 50)) * 100),
                stage=draw(st.sampled_from(["evaluation", "pre_evaluation"]))
                if kind == "green_label"
                else None,
                label_number=f"L{record_id}" if kind != "retrofit" else None,
                approved_on=approved_on,
                issued_on=draw(days_in_range) if kind != "retrofit" else None,
                started_on=draw(days_in_range) if kind == "retrofit" else None,
                completed_on=draw(st.none() | days_in_range) if kind == "retrofit" else None,
                revoked_on=draw(days_in_range) if status == "revoked" else None,
                published_on=published_on,
            )
        )
    start = draw(days_in_range)
    end = draw(days_in_range.filter(lambda d: d >= start))
    as_of = draw(days_in_range)
    return buildings, records, start, end, as_of


@settings(max_examples=60, deadline=None)
@given(histories())
def test_matches_the_day_by_day_reference(history):
    buildings, records, start, end, as_of = history
    tally = compute_tally(buildings, records, start=start, end=end, as_of=as_of)
    expected, pilot_districts = reference_tally(buildings, records, start, end, as_of)
    progress = {t.key: t for t in tally.targets}
    for key in rules.AREA_TARGETS:
        got = progress[key]
        assert (got.added, got.removed, got.cumulative) == (
            expected[key]["added"],
            expected[key]["removed"],
            expected[key]["cumulative"],
        ), key
        assert got.period == got.added - got.removed
        counted = sum(r.area_m2 for r in tally.rows if r.target == key and r.removed_on is None)
        assert counted == got.cumulative
        assert sum(c[key]["cumulative"] for c in tally.by_district.values()) == got.cumulative
        assert sum(c[key]["period"] for c in tally.by_district.values()) == got.period
    assert {d.code for d in tally.nzeb if d.met} == pilot_districts
    assert progress["nzeb_pilots"].cumulative == len(pilot_districts)


@settings(max_examples=30, deadline=None)
@given(histories())
def test_a_period_is_the_difference_of_two_cumulatives(history):
    buildings, records, start, end, as_of = history
    tally = compute_tally(buildings, records, start=start, end=end, as_of=as_of)
    before = compute_tally(
        buildings,
        records,
        start=start - timedelta(days=1),
        end=start - timedelta(days=1),
        as_of=as_of,
    )
    for now, then in zip(tally.targets[:5], before.targets[:5], strict=True):
        assert now.cumulative == then.cumulative + now.period


@settings(max_examples=30, deadline=None)
@given(histories(), st.randoms(use_true_random=False))
def test_order_of_the_facts_changes_nothing(history, random):
    buildings, records, start, end, as_of = history
    shuffled = list(records)
    random.shuffle(shuffled)
    first = compute_tally(buildings, records, start=start, end=end, as_of=as_of)
    second = compute_tally(list(reversed(buildings)), shuffled, start=start, end=end, as_of=as_of)
    assert first.digest == second.digest and first.targets == second.targets


# ---------------------------------------------------------------------------------------
# Worked examples, one rule each.

TODAY = date(2023, 6, 1)


def building(building_id=1, district="370202", **kw):
    return BuildingFact(
        building_id,
        f"楼{building_id}",
        district,
        kw.pop("type", "school"),
        kw.pop("area", 10_000.0),
        **kw,
    )


def label(
    record_id,
    level,
    published,
    *,
    building_id=1,
    stage="evaluation",
    area=8000.0,
    issued=None,
    revoked=None,
    kind="green_label",
    status=None,
):
    """A label (or energy level) published on `published`, reviewed ten days before."""
    return RecordFact(
        record_id,
        building_id,
        kind,
        level,
        status or ("revoked" if revoked else "published"),
        area,
        stage=stage if kind == "green_label" else None,
        label_number=f"NO.{record_id}",
        approved_on=published - timedelta(days=10) if published else None,
        issued_on=issued or published,
        revoked_on=revoked,
        published_on=published if (status or "published") != "notice" else None,
    )


def year(records, year_=2021, buildings=None, as_of=TODAY, **kw):
    tally = compute_tally(
        buildings or [building()],
        records,
        start=date(year_, 1, 1),
        end=date(year_, 12, 31),
        as_of=as_of,
        **kw,
    )
    return tally, {t.key: t for t in tally.targets}


def test_pre_evaluation_and_basic_level_never_count_as_star_rated():
    _, got = year(
        [
            label(1, "3", date(2021, 3, 1), stage="pre_evaluation"),
            label(2, "basic", date(2021, 4, 1)),
        ]
    )
    assert got["star_rated"].cumulative == 0


def test_an_upgrade_adds_no_area():
    records = [
        label(1, "1", date(2021, 3, 1), area=8000),
        label(2, "3", date(2022, 5, 1), area=9000),
    ]
    _, got2021 = year(records, 2021)
    tally, got2022 = year(records, 2022)
    assert got2021["star_rated"].added == 8000
    assert (got2022["star_rated"].added, got2022["star_rated"].cumulative) == (0, 8000)
    assert [r.record_id for r in tally.rows] == [1]  # traced to the record that opened it


def test_ultra_low_to_nearly_zero_is_an_upgrade_and_feeds_the_pilot():
    records = [
        label(1, "ultra_low", date(2021, 3, 1), kind="energy"),
        label(2, "nearly_zero", date(2022, 3, 1), kind="energy"),
    ]
    tally, got = year(records, 2022, buildings=[building(district="370212")])
    assert got["ultra_low_energy"].cumulative == 8000 and got["ultra_low_energy"].added == 0
    assert [d.met for d in tally.nzeb] == [True, False, False, False]  # 崂山区 first
    assert got["nzeb_pilots"].cumulative == 1


def test_revocation_leaves_the_earlier_year_and_is_noted():
    records = [label(1, "2", date(2021, 3, 1), revoked=date(2022, 4, 1))]
    tally2021, got2021 = year(records, 2021)
    tally2022, got2022 = year(records, 2022)
    assert got2021["star_rated"].cumulative == 8000
    assert [(r.record_id, r.removed_on) for r in tally2021.later_revocations] == [
        (1, date(2022, 4, 1))
    ]
    assert (got2022["star_rated"].removed, got2022["star_rated"].cumulative) == (8000, 0)
    assert got2022["star_rated"].period == -8000
    # Frozen at a date before the revocation, 2022 still holds it.
    _, frozen = year(records, 2022, as_of=date(2022, 3, 31))
    assert frozen["star_rated"].cumulative == 8000


def test_a_building_counts_toward_several_targets_but_once_in_each():
    records = [
        label(1, "2", date(2021, 3, 1)),
        label(2, "3", date(2021, 3, 1)),  # same day, another label: still once
        RecordFact(
            3,
            1,
            "retrofit",
            "public_efficiency",
            "approved",
            6000,
            approved_on=date(2021, 9, 1),
            started_on=date(2021, 2, 1),
            completed_on=date(2021, 8, 1),
        ),
    ]
    _, got = year(records)
    assert got["star_rated"].cumulative == 8000
    assert got["public_efficiency"].cumulative == 6000


def test_a_label_counts_from_its_publication_never_under_notice():
    issued_early = label(1, "3", date(2022, 1, 4), issued=date(2021, 12, 10))
    under_notice = label(2, "3", date(2021, 12, 20), building_id=2, status="notice")
    buildings = [building(1), building(2)]
    _, got2021 = year([issued_early, under_notice], 2021, buildings=buildings)
    _, got2022 = year([issued_early, under_notice], 2022, buildings=buildings)
    assert got2021["star_rated"].added == 0  # issued in 2021, published in 2022
    assert got2022["star_rated"].added == 8000  # under notice: never counted
    _, before = year([issued_early], 2022, as_of=date(2022, 1, 3))
    assert before["star_rated"].cumulative == 0  # not yet published at that data date


def test_counting_dates_publication_completion_start_and_late_approval():
    records = [
        label(1, "1", date(2021, 12, 20)),
        RecordFact(
            2,
            1,
            "retrofit",
            "residential_green",
            "approved",
            5000,
            approved_on=date(2021, 6, 1),
            started_on=date(2021, 5, 1),
        ),
        RecordFact(
            3,
            1,
            "retrofit",
            "old_community",
            "approved",
            7000,
            approved_on=date(2021, 6, 1),
            started_on=date(2021, 5, 1),
        ),
    ]
    records[1] = RecordFact(**{**records[1].__dict__, "approved_on": date(2022, 1, 10)})
    _, got = year(records)
    assert got["star_rated"].added == 8000  # the year of publication
    assert got["residential_retrofit"].added == 0  # counts when completed
    assert got["old_community"].added == 7000  # counts when started
    _, early = year(records, as_of=date(2021, 12, 31))
    assert early["star_rated"].added == 8000
    assert early["old_community"].added == 7000
    _, late = year(records, as_of=date(2021, 5, 31))
    assert late["star_rated"].added == 0  # not yet published at that data date
    assert late["old_community"].added == 0  # not yet approved at that data date


def test_labels_before_the_baseline_do_not_count_even_when_upgraded():
    records = [label(1, "1", date(2020, 6, 1)), label(2, "3", date(2021, 6, 1))]
    _, got = year(records)
    assert got["star_rated"].cumulative == 0


def test_a_label_issued_again_after_revocation_counts_again_once():
    records = [
        label(1, "1", date(2021, 3, 1), revoked=date(2021, 6, 1)),
        label(2, "1", date(2021, 9, 1), area=7000),
    ]
    tally, got = year(records)
    assert (got["star_rated"].added, got["star_rated"].removed) == (15000, 8000)
    assert got["star_rated"].cumulative == 7000


def test_every_district_and_type_is_listed_with_zeros():
    tally, _ = year([label(1, "1", date(2021, 3, 1))])
    assert len(tally.by_district) == 10
    assert tally.by_district["370202"]["star_rated"]["cumulative"] == 8000
    assert tally.by_district["370285"]["star_rated"]["cumulative"] == 0
    assert tally.by_building_type["school"]["star_rated"]["period"] == 8000
    assert tally.by_building_type["hotel"]["star_rated"]["period"] == 0


def test_filters_by_district_and_building_type():
    buildings = [building(1, "370202"), building(2, "370212", type="hotel")]
    records = [label(1, "1", date(2021, 3, 1)), label(2, "1", date(2021, 3, 1), building_id=2)]
    _, got = year(records, buildings=buildings, district="370212")
    assert got["star_rated"].cumulative == 8000
    _, got = year(records, buildings=buildings, building_type="school")
    assert got["star_rated"].cumulative == 8000


def test_prefab_share_per_year():
    buildings = [
        building(1, completion_year=2021, prefabricated=True, area=6000),
        building(2, completion_year=2021, area=4000),
        building(3, completion_year=2021, area=9000, is_new_build=False, prefabricated=True),
    ]
    tally, got = year([], buildings=buildings)
    share = next(p for p in tally.prefab if p.year == 2021)
    assert (share.new_area_m2, share.prefab_area_m2, share.share_pct, share.met) == (
        10000,
        6000,
        60.0,
        True,
    )
    assert got["prefab_share"].period == 60.0


def test_straight_line_path_and_projection():
    spec = rules.DEFAULT_TARGETS[1]  # ultra-low energy, 300,000 m² by 2022-12-31
    half_way = date(2021, 12, 31)
    projection = aggregate.project(spec, 150_000, [(date(2021, 6, 1), 150_000)], half_way)
    assert round(projection.path_value) == round(300_000 * 365 / 730)
    assert projection.met and projection.met_on == date(2022, 12, 31)
    slow = aggregate.project(spec, 100_000, [(date(2021, 6, 1), 100_000)], half_way)
    assert not slow.met and slow.met_on == date(2023, 12, 31)
    done = aggregate.project(spec, 300_000, [(date(2021, 6, 1), 300_000)], half_way)
    assert done.met and done.met_on == date(2021, 6, 1)
    nothing = aggregate.project(spec, 0, [], half_way)
    assert not nothing.met and nothing.met_on is None


def test_digest_changes_when_a_counted_row_does():
    first, _ = year([label(1, "1", date(2021, 3, 1))])
    second, _ = year([label(1, "1", date(2021, 3, 1), area=8001)])
    assert len(first.digest) == 64 and first.digest != second.digest
