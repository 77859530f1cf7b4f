"""The commit's bulk inserts link every row to the right ids (issue 23), on both databases.

The commit writes buildings, then records, then audit events with multi-row INSERTs and
reads the new ids back by the batch's `import_id`; these tests check the links a row-by-row
ORM commit made: each record on its own building (new in the file, earlier in the file, or
registered before), one "create" event per stored row whose snapshot is that row.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from sqlmodel import select

from registry.domain.buildings.credit_code import make_credit_code
from registry.models import AuditEvent, Building, ImportBatch, Record, TallyHorizon
from registry.services.imports import checking
from registry.services.imports import preview as imports_preview
from registry.services.imports import store as import_store
from registry.services.imports.commit import commit_import
from registry.services.tally import index as tally_index

TODAY = date(2024, 6, 1)
HEADER = [
    "项目名称",
    "项目地址",
    "所在区（市）",
    "统一社会信用代码",
    "建筑类型",
    "建筑面积（㎡）",
    "星级",
    "评价阶段",
    "标识编号",
    "发证日期",
    "改造类型",
    "开工日期",
]
CODES = [make_credit_code(f"91370200MA3C{n:05d}") for n in range(7)]


def _row(n: int, *, label: str = "", retrofit: bool = False, name: str = "") -> list:
    """Building `n` (name, address and credit code follow from n) with at most one record."""
    return [
        name or f"楼{n}",
        f"某路{n}号",
        ["市南区", "崂山区", "即墨市"][n % 3],
        CODES[n % 7],
        ["办公", "住宅", "学校"][n % 3],
        5000 + n,
        "二星级" if label else "",
        "评价" if label else "",
        label,
        "2023-05-01" if label else "",
        "老旧小区改造" if retrofit else "",
        "2023-03-01" if retrofit else "",
    ]


def _sheet(rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _commit(session, actor, rows):
    return commit_import(
        session=session, actor=actor, data=_sheet(rows), filename="bulk.csv", today=TODAY
    )


def test_a_500_row_commit_links_every_record_and_event(session, make_user, monkeypatch):
    # Small chunks, so the rows cross several multi-row INSERTs.
    monkeypatch.setattr(import_store, "BULK_ROWS", 64)
    admin = make_user(session, role="admin")
    first = _commit(session, admin, [_row(n, label=f"OLD-{n}") for n in range(1000, 1010)])
    registered = {
        b.name: b.id
        for b in session.exec(select(Building).where(Building.import_id == first.batch.id))
    }
    assert len(registered) == 10

    rows, expected_building = [], {}  # label or ("retrofit", n) -> the building's name
    for n in range(400):  # new buildings, each with a label
        rows.append(_row(n, label=f"L-{n:04d}"))
        expected_building[f"L-{n:04d}"] = f"楼{n}"
    for n in range(50):  # a retrofit on a building earlier in this file
        rows.append(_row(n * 7, retrofit=True))
        expected_building[("retrofit", n * 7)] = f"楼{n * 7}"
    for n in range(1000, 1010):  # a second label on a building registered before
        rows.append(_row(n, label=f"NEW-{n}"))
        expected_building[f"NEW-{n}"] = f"楼{n}"
    for n in range(400, 440):  # buildings without a record
        rows.append(_row(n))
    assert len(rows) == 500

    result = _commit(session, admin, rows)
    batch = session.get(ImportBatch, result.batch.id)
    assert (batch.new_buildings, batch.new_records, batch.rejected) == (440, 460, 0)

    buildings = {
        b.id: b for b in session.exec(select(Building).where(Building.import_id == batch.id))
    }
    records = list(session.exec(select(Record).where(Record.import_id == batch.id)))
    assert len(buildings) == 440 and len(records) == 460
    all_buildings = {b.id: b for b in session.exec(select(Building))}
    for record in records:
        key = record.label_number or ("retrofit", int(all_buildings[record.building_id].name[1:]))
        assert all_buildings[record.building_id].name == expected_building[key], record
        if record.label_number and record.label_number.startswith("NEW-"):
            assert record.building_id == registered[expected_building[key]]
        else:
            assert record.building_id in buildings
        # A historic label was published when approved; a retrofit is approved.
        status = "published" if record.label_number else "approved"
        assert (record.status, record.approved_by_id) == (status, admin.id)

    events = list(session.exec(select(AuditEvent).where(AuditEvent.import_id == batch.id)))
    building_events = [e for e in events if e.entity == "building"]
    record_events = [e for e in events if e.entity == "record"]
    assert len(events) == len(building_events) + len(record_events)
    assert sorted(e.entity_id for e in building_events) == sorted(buildings)
    assert sorted(e.entity_id for e in record_events) == sorted(r.id for r in records)
    by_record = {r.id: r for r in records}
    for event in building_events:
        stored = buildings[event.entity_id]
        assert (event.action, event.actor_id, event.building_id) == ("create", admin.id, stored.id)
        assert event.after["id"] == stored.id
        assert (event.after["name"], event.after["address"]) == (stored.name, stored.address)
        assert event.after["owner_credit_code"] == stored.owner_credit_code
        assert event.after["floor_area_m2"] == stored.floor_area_m2
    for event in record_events:
        stored = by_record[event.entity_id]
        assert (event.action, event.actor_id) == ("create", admin.id)
        assert event.building_id == stored.building_id == event.after["building_id"]
        assert event.after["id"] == stored.id
        assert event.after["label_number"] == stored.label_number
        assert (event.after["kind"], event.after["status"]) == (stored.kind, stored.status)
        assert event.after["started_on"] == (
            stored.started_on.isoformat() if stored.started_on else None
        )


def test_names_differing_only_in_width_and_case_stay_one_building(session, make_user):
    """The ids are matched back by the stored values; the plan's key (spaces, case and
    full-width forms ignored) already made the second spelling a record on the first."""
    admin = make_user(session, role="admin")
    rows = [
        _row(1, label="W-1", name="ABC大厦"),
        _row(1, label="W-2", name="ａｂｃ 大厦"),
        _row(2, label="W-3", name="abc大厦"),  # another address and code: another building
    ]
    result = _commit(session, admin, rows)
    assert (result.batch.new_buildings, result.batch.new_records) == (2, 3)
    records = {
        r.label_number: r
        for r in session.exec(select(Record).where(Record.import_id == result.batch.id))
    }
    assert records["W-1"].building_id == records["W-2"].building_id != records["W-3"].building_id


def test_a_commit_reuses_its_previews_rows_but_checks_the_database_again(
    session, make_user, monkeypatch
):
    """The rows a preview checked serve the commit of the same bytes, name, columns and day
    (no row read again); a label registered between the two is still a duplicate."""
    admin = make_user(session, role="admin")
    calls = []
    real = checking.row_reader  # where the dry run's check looks it up

    def counted(*args, **kwargs):
        read = real(*args, **kwargs)

        def counted_read(raw, number):
            calls.append(number)
            return read(raw, number)

        return counted_read

    monkeypatch.setattr(checking, "row_reader", counted)
    data = _sheet([_row(n, label=f"R-{n}") for n in range(20)])
    preview = imports_preview.preview_import(
        session=session, actor=admin, data=data, filename="r.csv", today=TODAY
    )
    assert preview.counts["new_building"] == 20 and len(calls) == 20
    session.rollback()
    # Row 5's building and label are registered meanwhile (an import of another file
    # would do it too, but would take this process's kept rows).
    building = Building(
        name="楼5",
        address="某路5号",
        district_code="370212",
        building_type="residential",
        floor_area_m2=5005.0,
        owner_credit_code=CODES[5],
    )
    session.add(building)
    session.flush()
    session.add(
        Record(
            building_id=building.id,
            kind="green_label",
            level="2",
            stage="evaluation",
            label_number="R-5",
            issued_on=date(2023, 5, 1),
            counted_area_m2=5005.0,
            status="published",
        )
    )
    session.commit()

    calls.clear()
    result = commit_import(session=session, actor=admin, data=data, filename="r.csv", today=TODAY)
    assert calls == []  # the preview's rows, not read again
    assert (result.batch.new_buildings, result.preview.counts["duplicate"]) == (19, 1)

    # The commit let them go; another day or other columns read the file again.
    other = _sheet([_row(n, label=f"S-{n}") for n in range(3)])
    for today in (TODAY, date(2024, 6, 2)):
        imports_preview.preview_import(
            session=session, actor=admin, data=other, filename="s.csv", today=today
        )
        session.rollback()
    assert len(calls) == 6
    imports_preview.preview_import(
        session=session,
        actor=admin,
        data=other,
        filename="s.csv",
        today=TODAY,
        mapping={"改造类型": "ignore"},
    )
    session.rollback()
    assert len(calls) == 9


def test_the_tally_index_after_a_commit_is_a_recount(session, make_user, monkeypatch):
    # The commit counts its new buildings from the rows it wrote, not read back: the index
    # must hold exactly what a recount of the stored rows gives, drafts left out.
    monkeypatch.setattr(import_store, "BULK_ROWS", 16)
    admin = make_user(session, role="admin")
    _commit(session, admin, [_row(n, label=f"OLD-{n}") for n in range(900, 905)])
    statuses = ["draft", "approved", "published", ""]
    rows = []
    for n in range(60):
        row = _row(n, label=f"T-{n:03d}") if n % 5 else _row(n, retrofit=True)
        rows.append([*row, statuses[n % 4]])
    rows += [[*_row(n, retrofit=True), "approved"] for n in range(0, 60, 6)]  # a second record
    rows += [[*_row(n, label=f"NEW-{n}"), "published"] for n in range(900, 905)]  # registered
    rows += [[*_row(n), ""] for n in range(200, 210)]  # no record
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*HEADER, "状态"])
    writer.writerows(rows)
    result = commit_import(
        session=session, actor=admin, data=out.getvalue().encode(), filename="t.csv", today=TODAY
    )
    assert result.batch.new_records > 60  # a retrofit cannot be "published": 3 refused
    assert tally_index.differences(session) == []
    counted = session.exec(
        select(Record.building_id).where(Record.status.in_(("approved", "published")))
    ).all()
    horizons = session.exec(select(TallyHorizon.building_id)).all()
    assert sorted(set(counted)) == sorted(horizons)
    assert len(horizons) > 40  # new buildings' and registered ones'


def test_a_record_on_its_own_rows_floor_area_is_stored_as_add_record_would(session, make_user):
    """The plan does not run the record rules a second time for a row on its own building
    (issue 23): what it keeps is what `_checked_fields`, which `add_record` applies, gives
    for the same values, for every kind, with and without a counted area, label or notes."""
    from types import SimpleNamespace

    from registry.services.buildings.records import _checked_fields

    admin = make_user(session, role="admin")
    header = ["项目名称", "项目地址", "所在区（市）", "建筑类型", "建筑面积（㎡）", "星级"]
    header += ["评价阶段", "标识编号", "发证日期", "能效等级", "改造类型", "开工日期"]
    header += ["改造完成日期", "计入面积", "备注"]
    rows = []
    for n in range(60):
        label, energy, retrofit = n % 3 == 0, n % 3 == 1, n % 3 == 2
        rows.append(
            [
                f"楼{n}",
                f"某路{n}号",
                "市南区",
                "办公",
                5000 + n,
                "二星级" if label else "",
                "评价" if label else "",
                f"L-{n}" if label or energy else ("" if n % 2 else f"R-{n}"),
                "2023-05-01" if label or energy else "",
                "超低能耗建筑" if energy else "",
                "既有居住建筑节能改造" if retrofit else "",
                "2023-03-01" if retrofit else "",
                "2023-09-30" if retrofit and n % 4 else "",
                4000 + n if n % 5 == 0 else "",
                "备注" * (n % 7) * 200,
            ]
        )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    preview = imports_preview.preview_import(
        session=session,
        actor=admin,
        data=out.getvalue().encode("utf-8"),
        filename="kinds.csv",
        today=TODAY,
    )
    planned = [p for p in preview.plan if p.row.kind]
    assert preview.counts["new_building"] == 60 and len(planned) == 60, preview.rows[:3]
    assert {p.row.kind for p in planned} == {"green_label", "energy", "retrofit"}
    for p in planned:
        expected = _checked_fields(
            {**p.row.record_data(), "notes": p.extras.get("notes", "")},
            SimpleNamespace(floor_area_m2=p.row.floor_area_m2),
            TODAY,
        )
        assert p.record_fields == expected, p.row.row_number
