"""Bulk import on real messy sheets: the dry run names every problem, the commit is all or
nothing, re-importing changes nothing, and imported records count like hand-entered ones."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
from sqlmodel import func, select

from registry.domain.buildings.credit_code import make_credit_code
from registry.errors import PermissionDenied, RegistryError
from registry.models import AuditEvent, Building, ImportBatch, Record
from registry.services.imports import preview as imports
from registry.services.imports import store as import_store
from registry.services.imports.commit import commit_import
from registry.services.imports.preview import preview_import, save_mapping
from registry.services.tally.facts import load_facts

TODAY = date(2024, 6, 1)
CODE_A = make_credit_code("91370200MA3C0001X")
CODE_B = make_credit_code("91370200MA3C0002X")
BAD_CODE = CODE_A[:-1] + ("0" if CODE_A[-1] != "0" else "1")


def messy_workbook() -> bytes:
    """A district office's sheet: title row, merged two-row header, every kind of mess."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2023年青岛市绿色建筑标识项目汇总表"])
    sheet.merge_cells("A1:L1")
    sheet.append(
        [
            "序号",
            "项目名称",
            "项目地址",
            "所在区（市）",
            "建设单位",
            "统一社会信用代码",
            "建筑类型",
            "建筑面积",
            "绿色建筑标识",
            None,
            None,
            None,
            "备用列",
        ]
    )
    sheet.append(
        [
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "（万㎡）",
            "星级",
            "评价阶段",
            "标识编号",
            "发证日期",
            None,
        ]
    )
    sheet.merge_cells("I2:L2")
    rows = [
        [
            1,
            "海尔大厦",
            "崂山区海尔路1号",
            "崂山",
            "海尔集团",
            CODE_A,
            "办公",
            2.35,
            "★★★",
            "运行评价",
            "QD-2021-001",
            datetime(2021, 9, 1),
            "x",
        ],
        [
            2,
            "即墨商城",
            "即墨区鹤山路",
            "即墨市",
            "某公司",
            CODE_B,
            "商场",
            "1.1",
            "二星级",
            "评价",
            "QD-２０２１-002",
            "2021.12.8",
            None,
        ],
        [
            3,
            "胶南酒店",
            "西海岸新区",
            "胶南市",
            "某公司",
            CODE_B,
            "酒店",
            0.8,
            "一星级",
            "运行标识",
            "QD-2021-003",
            "2021-02-30",
            None,
        ],  # bad date
        [
            4,
            "四方小学",
            "市北区",
            "四方区",
            "某公司",
            BAD_CODE,
            "学校",
            0.5,
            "二星级",
            "评价",
            "QD-2021-004",
            "2021-05-01",
            None,
        ],  # bad credit code
        [None] * 13,  # empty row
        [
            5,
            "海尔大厦",
            "崂山区海尔路1号",
            "370212",
            "海尔集团",
            CODE_A,
            "办公",
            2.35,
            "★★★",
            "评价",
            "QD-2021-001",
            datetime(2021, 9, 1),
            None,
        ],  # duplicate of row 4 in the file
        [
            6,
            "即墨商城",
            "即墨区鹤山路",
            "370282",
            "某公司",
            CODE_B,
            "商场",
            1.1,
            "三星级",
            "评价",
            "QD-2022-009",
            "2022-03-01",
            None,
        ],  # same building as row 5, a new record
        ["合计", None, None, None, None, None, None, 5.0, None, None, None, None, None],
    ]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


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
]


def label_row(
    name, label, district="市南区", area="12000", code=CODE_A, star="二星级", issued="2021-06-01"
):
    return [name, f"{name}路1号", district, code, "办公", area, star, "评价", label, issued]


@pytest.fixture
def admin(session, make_user):
    return make_user(session, role="admin")


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _preview(session, actor, data, filename="sheet.xlsx", **kwargs):
    return preview_import(
        session=session, actor=actor, data=data, filename=filename, today=TODAY, **kwargs
    )


def _commit(session, actor, data, filename="sheet.xlsx", **kwargs):
    return commit_import(
        session=session, actor=actor, data=data, filename=filename, today=TODAY, **kwargs
    )


def test_dry_run_of_a_messy_workbook_names_each_problem(session, admin):
    preview = _preview(session, admin, messy_workbook(), locale="en")
    by_row = {row.row_number: row for row in preview.rows}
    assert preview.header_rows == (2, 3) and preview.unknown_columns == ["备用列"]
    assert [by_row[n].outcome for n in (4, 5, 6, 7, 9, 10)] == [
        "new_building",
        "new_building",
        "rejected",
        "rejected",
        "duplicate",
        "new_record",
    ]
    assert preview.skipped == 2  # the empty row and 合计
    assert preview.counts == {"new_building": 2, "new_record": 1, "duplicate": 1, "rejected": 2}
    bad_date = by_row[6].problems[0]
    assert (bad_date.field, bad_date.column) == ("issued_on", "绿色建筑标识/发证日期")
    assert "2021-02-30" in bad_date.message
    assert [p.field for p in by_row[7].problems] == ["owner_credit_code"]
    assert "row 4" in by_row[9].note and "QD-2021-001" in by_row[9].note
    assert "row 5" in by_row[10].note
    planned = {p.row.row_number: p.row for p in preview.plan}
    assert planned[4].floor_area_m2 == 23500.0 and planned[4].district_code == "370212"
    assert planned[5].district_code == "370215" and planned[5].label_number == "QD-2021-002"
    assert _count(session, Building) == 0  # a dry run stores nothing


def test_problems_are_rendered_in_the_users_language(session, admin):
    preview = _preview(session, admin, messy_workbook(), locale="zh")
    problem = next(r for r in preview.rows if r.row_number == 6).problems[0]
    assert "2021-02-30" in problem.message and "date" not in problem.message.lower()


def test_commit_stores_accepted_rows_as_approved_records_that_count(session, admin):
    result = _commit(session, admin, messy_workbook())
    batch = result.batch
    assert (batch.new_buildings, batch.new_records, batch.duplicates, batch.rejected) == (
        2,
        3,
        1,
        2,
    )
    assert batch.created_by_id == admin.id and len(batch.sha256) == 64
    buildings = session.exec(select(Building).order_by(Building.id)).all()
    assert [b.name for b in buildings] == ["海尔大厦", "即墨商城"]
    assert all(b.import_id == batch.id for b in buildings)
    records = session.exec(select(Record).order_by(Record.id)).all()
    assert [(r.label_number, r.status, r.building_id) for r in records] == [
        ("QD-2021-001", "published", buildings[0].id),
        ("QD-2021-002", "published", buildings[1].id),
        ("QD-2022-009", "published", buildings[1].id),
    ]
    assert records[0].counted_area_m2 == 23500.0  # defaults to the floor area, as add_record
    assert records[0].approved_by_id == admin.id and records[0].approved_on == TODAY
    # A historic label is published on its approval date (no notice in the registry then).
    assert records[0].published_on == TODAY and records[0].submitted_by_id == admin.id
    events = session.exec(select(AuditEvent).where(AuditEvent.import_id.is_not(None))).all()
    assert len(events) == 5 and {e.import_id for e in events} == {batch.id}
    assert {(e.entity, e.action) for e in events} == {
        ("building", "create"),
        ("record", "create"),
    }
    # The tally counts them like hand-entered approved records.
    buildings_facts, record_facts = load_facts(session=session)
    assert {r.label_number for r in record_facts} == {"QD-2021-001", "QD-2021-002", "QD-2022-009"}


def test_reimporting_the_same_file_changes_nothing(session, admin):
    data = messy_workbook()
    first = _commit(session, admin, data)
    counts = (
        _count(session, Building),
        _count(session, Record),
        _count(session, AuditEvent),
        _count(session, ImportBatch),
    )
    again = _commit(session, admin, data)
    # The first batch's result, not a second batch (issue 24: concurrent commits).
    assert again.repeated and again.batch.id == first.batch.id == again.previous_batch_id
    assert again.preview.counts["new_building"] == again.preview.counts["new_record"] == 0
    assert again.preview.counts["duplicate"] == 4
    assert (
        _count(session, Building),
        _count(session, Record),
        _count(session, AuditEvent),
        _count(session, ImportBatch),
    ) == counts


def test_duplicates_against_the_database(session, admin, make_building, make_record):
    building = make_building(
        session, admin, name="已有大厦", address="已有大厦路1号", owner_credit_code=CODE_A
    )
    make_record(session, admin, building, label_number="OLD-1")
    data = csv_bytes(
        [
            HEADER,
            label_row("别的楼", "OLD-1"),  # label held by another building: a conflict
            label_row("已有大厦", "NEW-1"),  # new record on a known building
            ["已有大厦", "已有大厦路1号", "市南区", CODE_A, "办公", "12000"],
            label_row("已有大厦", "OLD-1"),  # its own label again: a duplicate
            label_row("第三楼", "NEW-1"),  # row 3's label on another building: a conflict
        ]
    )
    preview = _preview(session, admin, data, filename="a.csv", locale="en")
    outcomes = [(row.outcome, row.building_id) for row in preview.rows]
    assert outcomes == [
        ("rejected", None),
        ("new_record", building.id),
        ("duplicate", None),
        ("duplicate", building.id),
        ("rejected", None),
    ]
    assert [p.code for p in preview.rows[4].problems] == ["import.label_number_held_in_file"]
    assert preview.counts == {"new_building": 0, "new_record": 1, "duplicate": 2, "rejected": 2}
    (conflict,) = preview.rows[0].problems
    assert conflict.code == "import.label_number_held" and "已有大厦" in conflict.message
    assert (preview.rows[0].name, preview.rows[0].label_number) == ("别的楼", "OLD-1")
    assert f"id {building.id}" in preview.rows[2].note


def test_full_width_digits_gbk_csv_and_10k_units(session, admin):
    rows = [
        ["青岛市2023年超低能耗建筑清单"],
        [],
        [
            "项目名称",
            "所在区市",
            "建筑类型",
            "建筑面积(万平方米)",
            "超低能耗",
            "标识编号",
            "发证日期",
        ],
        ["青岛某中学", "黄岛区", "学校", "１.５", "是", "ＵＬ-００１", "２０２２年３月１日"],
        ["某住宅", "高新区", "住宅", "3", "是", "UL-002", "2022-03-01"],
    ]
    preview = _preview(session, admin, csv_bytes(rows, "gb18030"), filename="清单.csv", locale="en")
    first, second = preview.rows
    assert first.outcome == "new_building", first.problems
    row = preview.plan[0].row
    assert (row.floor_area_m2, row.level, row.label_number, row.issued_on) == (
        15000.0,
        "ultra_low",
        "UL-001",
        date(2022, 3, 1),
    )
    assert row.district_code == "370211"
    assert second.outcome == "rejected" and second.problems[0].field == "district_code"


def test_commit_is_all_or_nothing(session, admin, monkeypatch):
    def fail_after_buildings(session, model, rows, progress=None):
        if model is Record:
            raise RuntimeError("disk full")
        return real(session, model, rows, progress)

    real = import_store._insert
    monkeypatch.setattr(import_store, "_insert", fail_after_buildings)
    before = [_count(session, m) for m in (Building, Record, AuditEvent, ImportBatch)]
    with pytest.raises(RuntimeError):
        _commit(session, admin, messy_workbook())
    assert (
        [_count(session, m) for m in (Building, Record, AuditEvent, ImportBatch)]
        == (before)
        == [0, 0, before[2], 0]
    )


def test_officers_import_only_in_their_districts(session, make_user):
    officer = make_user(session, role="officer", districts=("370202",))
    data = csv_bytes(
        [
            HEADER,
            label_row("市南楼", "S-1"),
            label_row("崂山楼", "L-1", district="崂山区"),
            label_row("市南二号楼", "S-2"),
            label_row("崂山二号楼", "L-2", district="崂山区"),
        ]
    )
    preview = _preview(session, officer, data, filename="a.csv", locale="en")
    assert [r.outcome for r in preview.rows] == ["new_building", "rejected"] * 2
    # The district's answer is asked once and given to each of its rows.
    refused = [(r.row_number, r.problems[0].code) for r in preview.rows[1::2]]
    assert refused == [(3, "permission.district"), (5, "permission.district")]
    assert preview.rows[1].problems[0].message == preview.rows[3].problems[0].message
    designer = make_user(session, role="designer")
    with pytest.raises(PermissionDenied):
        _preview(session, designer, data, filename="a.csv")


def test_a_status_column_and_the_record_rules(session, admin):
    data = csv_bytes(
        [
            [*HEADER, "状态", "撤销日期", "原因", "计入面积"],
            [*label_row("撤销楼", "R-1"), "已撤销", "2023-01-01", "材料不实", ""],
            [*label_row("草稿楼", "D-1"), "草稿", "", "", ""],
            [*label_row("缺日期", "R-2"), "已撤销", "", "材料不实", ""],
            [*label_row("面积大", "A-1"), "", "", "", "99999"],
        ]
    )
    preview = _preview(session, admin, data, filename="a.csv", locale="en")
    assert [r.outcome for r in preview.rows] == [
        "new_building",
        "new_building",
        "rejected",
        "rejected",
    ]
    assert preview.rows[2].problems[0].field == "revoked_on"
    assert preview.rows[3].problems[0].code == "record.counted_area_exceeds_building"
    _commit(session, admin, data, filename="a.csv")
    revoked, draft = session.exec(select(Record).order_by(Record.id)).all()
    assert (revoked.status, revoked.revoked_on, revoked.revoke_reason) == (
        "revoked",
        date(2023, 1, 1),
        "材料不实",
    )
    assert draft.status == "draft" and draft.approved_on is None


def test_unknown_columns_mapped_by_hand_and_saved(session, admin):
    data = csv_bytes(
        [["楼名", "所在区（市）", "建筑类型", "建筑面积"], ["甲楼", "市南区", "办公", "1000"]]
    )
    preview = _preview(session, admin, data, filename="a.csv", locale="en")
    assert preview.unknown_columns == ["楼名"] and preview.file_problems
    assert preview.rows[0].outcome == "rejected"
    save_mapping(session=session, actor=admin, mapping={"楼名": "name"})
    assert imports.saved_mapping(session=session, actor=admin) == {"楼名": "name"}
    again = _preview(session, admin, data, filename="a.csv")
    assert again.unknown_columns == [] and again.rows[0].outcome == "new_building"


def test_unreadable_files(session, admin):
    with pytest.raises(RegistryError) as caught:
        _preview(session, admin, b"\xd0\xcf\x11\xe0 old excel", filename="old.xls")
    assert caught.value.code == "import.file_type_unknown"
    with pytest.raises(RegistryError) as caught:
        _preview(session, admin, csv_bytes([["a", "b"], ["1", "2"]]), filename="x.csv")
    assert caught.value.code == "import.no_header"


def test_a_row_over_a_limit_refuses_the_whole_file_and_writes_nothing(session, admin):
    """A cell over the limit far down the sheet is found while rows are read: the whole
    import is refused with the reason, not a stack trace, and nothing is stored."""
    good = "".join(f"楼{n},市南区,办公,1000\n" for n in range(50))
    data = (
        "项目名称,所在区,建筑类型,建筑面积\n" + good + "长," + "x" * 40_000 + ",办公,1\n"
    ).encode()
    with pytest.raises(RegistryError) as caught:
        _commit(session, admin, data, filename="long.csv")
    assert caught.value.code == "import.cell_too_long" and caught.value.params["row"] == 52
    assert _count(session, Building) == 0 and _count(session, ImportBatch) == 0


def test_a_batch_message_counts_with_thousands_separators_and_keeps_its_id_plain():
    from registry.i18n import render
    from registry.services.imports.messages import batch_message

    batch = ImportBatch(
        id=12345, new_buildings=24925, new_records=24925, duplicates=50, rejected=1025
    )
    text = render(*batch_message(batch, repeated=False), "zh_Hans_CN")
    assert "12345" in text and "24,925" in text and "1,025" in text and "24925" not in text
    again = render(*batch_message(batch, repeated=True), "en")
    assert "batch 12345: 24,925 new buildings, 24,925 new records" in again


def test_a_label_registered_by_hand_during_the_commit_is_a_conflict_and_stores_nothing(
    session, admin, make_building, make_record, monkeypatch
):
    """A record entered by hand does not wait for the import's lock: its label can be stored
    between the commit's duplicate check and its insert. The label's UNIQUE constraint then
    refuses the insert, and the importer reads a conflict, not a failure (on PostgreSQL the
    rows go by COPY, whose errors are psycopg's own unless translated)."""
    from registry.errors import Conflict
    from registry.services.imports import plan

    building = make_building(session, admin, name="已有大厦", address="已有大厦路1号")
    make_record(session, admin, building, label_number="RACE-1")
    data = csv_bytes([HEADER, label_row("新大厦", "NEW-2"), label_row("别的楼", "RACE-1")])
    stock = plan._load
    # The check ran before the hand-entered label was there.
    monkeypatch.setattr(plan, "_load", lambda *args: {} if stock(*args) is not None else None)
    before = [_count(session, model) for model in (Building, Record, AuditEvent, ImportBatch)]
    with pytest.raises(Conflict) as raised:
        _commit(session, admin, data, filename="race.csv")
    assert raised.value.code == "import.label_conflict"
    after = [_count(session, model) for model in (Building, Record, AuditEvent, ImportBatch)]
    assert after == before
