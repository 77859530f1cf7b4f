"""Parcels from a spreadsheet: a dry run with each row's problems, then the commit."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from sqlmodel import select

from registry.models import AuditEvent, Parcel, ParcelCondition
from registry.services.parcels import imports

HEADERS = [
    "序号", "宗地编号", "出让合同号", "所在区（市）", "用地面积", "出让日期", "竞得人",
    "绿色建筑星级", "超低能耗建筑面积", "装配式建筑比例", "核实状态", "合同条款",
]  # fmt: skip


def _sheet(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["2024 年土地出让地块绿色建筑条件一览表"])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = [
    [1, "LS2024-01", "HT-1", "市南区", 12000, date(2024, 3, 1), "青岛某置业", "二星级", 10000,
     None, "", "二星级"],
    [2, "LS2024-02", "HT-2", "370202", "8,000", "2024-04-01", "青岛某地产", 3, None, 30,
     "待核实", ""],
]  # fmt: skip


def test_dry_run_gives_each_rows_problems_and_writes_nothing(session, make_user):
    officer = make_user(session, role="officer", districts=["370202"])
    bad = [
        *GOOD,
        [3, "ls2024-01", "", "市南区", -5, "昨天", "", "五星", "很多", 150, "", ""],
        [4, "LS2024-04", "", "市北区", 100, None, "", 2, None, None, "", ""],
    ]
    outcome = imports.import_parcels(
        session=session, actor=officer, data=_sheet(bad), filename="parcels.xlsx", dry_run=False
    )
    assert not outcome.committed
    problems = {r.row: r.problems for r in outcome.problem_rows}
    assert set(problems) == {5, 6}
    assert set(problems[5]) == {
        "number", "site_area_m2", "sale_date", "min_star", "min_ultra_low_m2", "min_prefab_pct",
    }  # fmt: skip
    assert problems[5]["number"] == ("parcel.number_repeated", {"row": 3})
    assert problems[6]["district_code"][0] == "permission.district"
    assert session.exec(select(Parcel)).all() == []


def test_commit_records_every_row_with_its_conditions(session, make_user):
    officer = make_user(session, role="officer", districts=["370202"])
    dry = imports.import_parcels(
        session=session, actor=officer, data=_sheet(GOOD), filename="parcels.xlsx"
    )
    assert (dry.problem_rows, dry.committed) == ([], False)
    assert session.exec(select(Parcel)).all() == []
    done = imports.import_parcels(
        session=session, actor=officer, data=_sheet(GOOD), filename="parcels.xlsx", dry_run=False
    )
    assert done.committed
    parcels = {p.number: p for p in session.exec(select(Parcel))}
    assert set(parcels) == {"LS2024-01", "LS2024-02"}
    assert parcels["LS2024-02"].site_area_m2 == 8000.0
    assert parcels["LS2024-01"].sale_date == date(2024, 3, 1)
    conditions = session.exec(select(ParcelCondition).order_by(ParcelCondition.id)).all()
    assert [(c.kind, c.value, c.status) for c in conditions] == [
        ("min_star", 2.0, "verified"),
        ("min_ultra_low_m2", 10000.0, "verified"),
        ("min_star", 3.0, "unverified"),
        ("min_prefab_pct", 30.0, "unverified"),
    ]
    events = session.exec(select(AuditEvent).where(AuditEvent.entity == "parcel")).all()
    assert len(events) == 2
    again = imports.import_parcels(
        session=session, actor=officer, data=_sheet(GOOD), filename="parcels.xlsx"
    )
    assert {r.problems["number"][0] for r in again.problem_rows} == {"parcel.number_taken"}
