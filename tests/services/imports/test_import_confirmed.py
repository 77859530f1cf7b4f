"""A commit after its dry run on the same worker (issue 23): the dry run is taken as it
stands when the database answers its look-ups as it did (`preview.confirmed_preview`),
else made again. Either way the commit stores what a dry run made under its lock says:
a building changed or registered since is seen, and so is another importer or language."""

from __future__ import annotations

from datetime import date

import pytest

from bench.bench_import import build_csv
from registry.models import Building, Record
from registry.services.imports.commit import commit_import
from registry.services.imports.preview import preview_import
from tests.services.imports.test_import_bulk import CODES, _row, _sheet

TODAY = date(2024, 6, 1)


def _dry_run(session, actor, data: bytes, **kwargs):
    found = preview_import(
        session=session, actor=actor, data=data, filename="a.csv", today=TODAY, **kwargs
    )
    session.rollback()
    return found


def _commit(session, actor, data: bytes, **kwargs):
    return commit_import(
        session=session, actor=actor, data=data, filename="a.csv", today=TODAY, **kwargs
    )


def test_a_commit_after_its_dry_run_stores_what_a_commit_without_one_stores(stored_by, sorted_rows):
    data = build_csv(2_500)  # new buildings with labels, duplicates, refused rows
    written, results = {}, {}
    for after_dry_run in (True, False):

        def commit(_engine, session, importer, after_dry_run=after_dry_run):
            if after_dry_run:
                _dry_run(session, importer, data)
            sorted_rows.clear()
            result = _commit(session, importer, data)
            # The dry run taken as it stood: no row sorted again.
            assert sum(sorted_rows) == (0 if after_dry_run else 2_500)
            results[after_dry_run] = (
                result.preview.counts,
                [(r.row_number, r.outcome, r.note, r.problems) for r in result.preview.rows],
            )

        written[after_dry_run] = stored_by(commit)
    assert results[True] == results[False]
    assert written[True] == written[False]
    assert len(written[True]["buildings"]) > 2_000


def _registered(session, n: int, *, floor_area_m2: float) -> Building:
    """Building `n` of `_row` as registered by hand, with a retrofit record."""
    building = Building(
        name=f"楼{n}",
        address=f"某路{n}号",
        district_code=["370202", "370212", "370282"][n % 3],
        building_type="office",
        floor_area_m2=floor_area_m2,
        owner_credit_code=CODES[n % 7],
    )
    session.add(building)
    session.flush()
    return building


def test_a_building_changed_since_the_dry_run_is_seen_by_its_commit(
    session, make_user, sorted_rows
):
    """Row 3 adds a labelled record to a registered building: its counted area is the
    building's floor area. The floor area changes after the dry run; the commit counts
    the new one."""
    importer = make_user(session, role="admin", username="importer")
    building = _registered(session, 3, floor_area_m2=8_000.0)
    session.commit()
    rows = [_row(n) for n in range(3)] + [_row(3, label="C-3")]
    data = _sheet(rows)
    dry = _dry_run(session, importer, data)
    (planned,) = [p for p in dry.plan if p.row.label_number == "C-3"]
    assert planned.target == ("db", building.id) and planned.record_fields[
        "counted_area_m2"
    ] == pytest.approx(8_000.0)
    building = session.get(Building, building.id)
    building.floor_area_m2 = 9_000.0
    session.commit()
    sorted_rows.clear()
    result = _commit(session, importer, data)
    assert sum(sorted_rows) == 4  # made again
    (record,) = session.exec(Record.__table__.select().where(Record.label_number == "C-3")).all()
    assert record.counted_area_m2 == pytest.approx(9_000.0)
    assert result.batch.new_records == 1


def test_a_building_registered_since_the_dry_run_is_a_duplicate_at_its_commit(
    session, make_user, sorted_rows
):
    importer = make_user(session, role="admin", username="importer")
    data = _sheet([_row(n) for n in range(5)])
    dry = _dry_run(session, importer, data)
    assert dry.counts["new_building"] == 5
    _registered(session, 2, floor_area_m2=5_002.0)
    session.commit()
    sorted_rows.clear()
    result = _commit(session, importer, data)
    assert sum(sorted_rows) == 5
    assert (result.batch.new_buildings, result.preview.counts["duplicate"]) == (4, 1)


@pytest.mark.parametrize("other", ["importer", "language", "districts"])
def test_a_dry_run_is_not_taken_for_another_importer_language_or_districts(
    session, make_user, sorted_rows, other
):
    officer = make_user(
        session, role="officer", username="officer", districts=["370202", "370212", "370282"]
    )
    data = _sheet([_row(n) for n in range(4)])
    _dry_run(session, officer, data)
    actor, locale = officer, "zh_Hans_CN"
    if other == "importer":
        actor = make_user(session, role="admin", username="admin")
    elif other == "language":
        locale = "en"
    else:
        officer.districts = "370202"  # one district left: rows elsewhere are refused now
        session.add(officer)
        session.commit()
    sorted_rows.clear()
    result = _commit(session, actor, data, locale=locale)
    assert sum(sorted_rows) == 4  # made again, for this importer and in this language
    assert str(result.preview.locale) == locale
    if other == "districts":
        assert result.preview.counts["rejected"] > 0


@pytest.mark.parametrize("changed", [False, True])
def test_a_commits_rows_are_counted_once_whether_its_dry_run_is_taken_or_made_again(
    session, make_user, sorted_rows, changed
):
    importer = make_user(session, role="admin", username="importer")
    data = _sheet([_row(n) for n in range(5)])
    _dry_run(session, importer, data)
    if changed:
        _registered(session, 2, floor_area_m2=5_002.0)
        session.commit()
    told: dict[str, int] = {}

    def progress(phase, count):
        told[phase] = told.get(phase, 0) + count

    _commit(session, importer, data, progress=progress)
    assert (told["read"], told["checked"]) == (5, 5)  # the bar's first half: once, not twice


def test_the_pages_commit_with_every_column_as_previewed_takes_the_dry_run(
    session, make_user, sorted_rows
):
    """The page's dry run sends no column choices; its commit sends each column's field as
    the preview showed it. Both read the file alike, so the dry run is taken."""
    importer = make_user(session, role="admin", username="importer")
    data = _sheet([_row(n) for n in range(5)])
    dry = _dry_run(session, importer, data)
    shown = {column.header: column.field for column in dry.mapping}
    assert shown, dry.mapping
    sorted_rows.clear()
    result = _commit(session, importer, data, mapping=shown)
    assert sum(sorted_rows) == 0  # taken as it stood
    assert result.batch.new_buildings == 5


def test_a_commit_with_a_column_chosen_otherwise_checks_the_rows_again(
    session, make_user, sorted_rows
):
    importer = make_user(session, role="admin", username="importer")
    data = _sheet([_row(n) for n in range(5)])
    dry = _dry_run(session, importer, data)
    address = next(column.header for column in dry.mapping if column.field == "address")
    sorted_rows.clear()
    result = _commit(session, importer, data, mapping={address: "ignore"})
    assert sum(sorted_rows) == 5  # made again: the addresses are not read now
    assert result.batch.new_buildings == 5
    assert {b.address for b in session.exec(Building.__table__.select()).all()} == {""}
