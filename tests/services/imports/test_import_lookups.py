"""A sheet's look-ups at city scale (issue 23): a credit code shared by many registered
buildings is asked once a run, and only the buildings a row is about are loaded whole."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import event, insert

from registry.models import Building
from registry.services.imports import preview
from registry.services.imports.preview import preview_import
from tests.services.imports.test_import_bulk import CODES, _row, _sheet

TODAY = date(2024, 6, 1)


def test_a_code_shared_by_many_buildings_loads_only_the_ones_rows_are_about(
    session, make_user, monkeypatch
):
    monkeypatch.setattr(preview, "CHUNK_ROWS", 10)  # the sheet's 30 rows in three chunks
    admin = make_user(session, role="admin")
    at = datetime(2024, 1, 1, tzinfo=UTC)
    # 300 registered buildings of one developer (CODES[0]), two of them rows 0 and 7's.
    stored = [
        {
            **Building(
                name=f"登记楼{n}" if n not in (0, 7) else f"楼{n}",
                address=f"某路{n}号",
                district_code="370202",
                building_type="office",
                floor_area_m2=5000 + n,
                owner_credit_code=CODES[0],
            ).model_dump(exclude={"id"}),
            "created_at": at,
            "updated_at": at,
        }
        for n in range(300)
    ]
    session.connection().execute(insert(Building), stored)
    session.commit()
    loaded = []

    def count(target, _context):
        loaded.append(target.id)

    event.listen(Building, "load", count)
    try:
        result = preview_import(
            session=session,
            actor=admin,
            data=_sheet([_row(n * 7 % 49) for n in range(30)]),  # rows 0 and 7 among them
            filename="codes.csv",
            today=TODAY,
        )
    finally:
        event.remove(Building, "load", count)
    # Rows 0 and 7 (credit code CODES[0]) are the registered buildings: duplicates.
    assert result.counts["duplicate"] >= 2
    names = {r.name for r in result.rows if r.outcome == "duplicate"}
    assert {"楼0", "楼7"} <= names
    # Only those two loaded whole, once, though the code is in every chunk.
    assert sorted(loaded) == sorted(set(loaded)) and len(loaded) == 2
