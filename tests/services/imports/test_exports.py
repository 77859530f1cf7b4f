"""Exports: Chinese or English headers, the list's filters, and an export → import round trip
that recreates every field."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
from sqlmodel import select

from registry.models import Building, Record
from registry.services.buildings import records as record_service
from registry.services.buildings.registration import BuildingFilters
from registry.services.imports import exports
from registry.services.imports.commit import commit_import
from registry.services.imports.preview import preview_import

SKIP = {
    "id",
    "created_by_id",
    "created_at",
    "updated_at",
    "import_id",
    "building_id",
    "approved_by_id",
    "submitted_by_id",
    "submitted_at",
    # The notice a record went through is the procedure's history, not a fact the sheet
    # carries: a re-imported record is a historic one, published on its publication date.
    "notice_start_on",
    "notice_end_on",
}


def _csv(session, **kwargs) -> bytes:
    return "".join(exports.export_csv(session=session, **kwargs)).encode("utf-8")


def _registry(session, make_user, make_building, make_record):
    admin = make_user(session, role="admin")
    office = make_building(
        session,
        admin,
        name="市南办公楼",
        sub_type="city",
        assembly_rate_pct=None,
        latitude="36.06",
        longitude="120.38",
    )
    make_record(session, admin, office, status="approved", label_number="GL-1")
    revoked = make_record(
        session,
        admin,
        office,
        status="approved",
        label_number="GL-2",
        level="3",
        issued_on=date(2022, 1, 5),
    )
    record_service.revoke_record(
        session=session, actor=admin, record_id=revoked.id, reason="复核不合格", on=date(2023, 2, 1)
    )
    flat = make_building(
        session,
        admin,
        name="崂山住宅",
        district_code="370212",
        building_type="residential",
        sub_type=None,
        prefabricated="true",
        assembly_rate_pct="0.5",
        floor_area_m2="8000.5",
        is_new_build="false",
    )
    make_record(
        session,
        admin,
        flat,
        kind="retrofit",
        level="residential_green",
        stage=None,
        label_number=None,
        issued_on=None,
        started_on=date(2022, 3, 1),
        completed_on=date(2022, 9, 1),
        counted_area_m2="4000",
        notes="一期",
    )
    make_building(session, admin, name="无记录大楼", district_code="370203", sub_type=None)
    return admin


def _dump(session) -> list[dict]:
    rows = []
    for building in session.exec(select(Building).order_by(Building.name)):
        data = {k: v for k, v in building.model_dump().items() if k not in SKIP}
        records = session.exec(
            select(Record).where(Record.building_id == building.id).order_by(Record.id)
        )
        data["records"] = [
            {k: v for k, v in r.model_dump().items() if k not in SKIP} for r in records
        ]
        rows.append(data)
    return rows


def test_csv_has_chinese_headers_and_one_row_per_record(
    session, make_user, make_building, make_record
):
    _registry(session, make_user, make_building, make_record)
    rows = list(csv.reader(io.StringIO(_csv(session).decode("utf-8-sig"))))
    assert rows[0][:3] == ["项目名称", "项目地址", "所在区（市）"]
    assert len(rows) == 1 + 4  # two records, one retrofit, one building without records
    english = list(csv.reader(io.StringIO(_csv(session, lang="en").decode("utf-8-sig"))))
    assert english[0][:3] == ["Project name", "Address", "District"]
    assert "Revoked" in {cell for row in english for cell in row}


def test_filters_are_honoured(session, make_user, make_building, make_record):
    _registry(session, make_user, make_building, make_record)
    rows = list(
        csv.reader(
            io.StringIO(
                _csv(session, filters=BuildingFilters(district_code="370212")).decode("utf-8-sig")
            )
        )
    )
    assert [row[0] for row in rows[1:]] == ["崂山住宅"]


def test_export_import_round_trip_preserves_everything(
    tmp_path, session, make_user, make_building, make_record
):
    from sqlmodel import Session, SQLModel

    from registry.db import make_engine
    from registry.services import users as user_service

    _registry(session, make_user, make_building, make_record)
    before = _dump(session)
    for fmt, data in (
        ("csv", _csv(session)),
        ("xlsx", exports.export_xlsx(session=session)),
        ("csv", _csv(session, lang="en")),
    ):
        engine = make_engine(f"sqlite:///{tmp_path / f'copy-{fmt}-{len(data)}.sqlite3'}")
        SQLModel.metadata.create_all(engine)
        with Session(engine, expire_on_commit=False) as other:
            admin = user_service.create_user(
                session=other,
                actor=None,
                username="copy",
                password="long-enough-pw",
                role="admin",
                districts=[],
            )
            preview = preview_import(
                session=other, actor=admin, data=data, filename=f"export.{fmt}"
            )
            assert preview.unknown_columns == [] and preview.counts["rejected"] == 0, [
                (r.row_number, [p.message for p in r.problems]) for r in preview.rows
            ]
            commit_import(session=other, actor=admin, data=data, filename=f"export.{fmt}")
            after = _dump(other)
        engine.dispose()
        assert after == before


def test_xlsx_keeps_codes_as_text(session, make_user, make_building, make_record):
    _registry(session, make_user, make_building, make_record)
    book = openpyxl.load_workbook(io.BytesIO(exports.export_xlsx(session=session)))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    code_column = header.index("统一社会信用代码")
    assert all(isinstance(row[code_column].value, str) for row in sheet.iter_rows(min_row=2))
