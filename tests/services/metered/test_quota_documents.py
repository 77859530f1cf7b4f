"""The quota list's PDF and XLSX as jobs (issue 23): queued once however often asked, made
by the worker's function, served from the file while the data's digest holds, made again
when the data moves; a small list is made in the request."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from registry.models import QuotaListDocument
from registry.services.metered import documents, years
from registry.services.quotas import seed as quota_seed


@pytest.fixture
def listed(session, make_user, make_building):
    quota_seed.seed(session)
    officer = make_user(session)
    building = make_building(session, officer, name="市府大楼", heating_type="district")
    years.enter_year(
        session=session,
        actor=officer,
        building_id=building.id,
        year=2022,
        values={"electricity_kwh": "400000", "district_heat_gj": "2500"},
    )
    return officer, building


def _get(session, folder, sent, fmt="xlsx", retry=False):
    return documents.get_document(
        session=session,
        folder=folder,
        request=documents.Request(fmt, 2022, None, None, None, "zh_Hans_CN"),
        enqueue=lambda document_id: sent.append(document_id),
        retry=retry,
    )


def test_a_large_list_is_a_job_then_a_cached_file(session, listed, tmp_path, monkeypatch):
    officer, building = listed
    monkeypatch.setattr(documents, "MAKE_IN_REQUEST_ENTRIES", 0)
    sent: list[int] = []
    first = _get(session, tmp_path, sent)
    assert first.body is None and first.path is None
    assert first.row.status == "queued" and first.row.rows_total == 1 and sent == [first.row.id]
    again = _get(session, tmp_path, sent)  # asked again meanwhile: not queued twice
    assert again.row.id == first.row.id and sent == [first.row.id]

    assert documents.make(session=session, folder=tmp_path, document_id=sent[0], worker="w")
    assert not documents.make(session=session, folder=tmp_path, document_id=sent[0], worker="w")
    ready = _get(session, tmp_path, sent)
    assert ready.path is not None and sent == [first.row.id]
    sheet = load_workbook(io.BytesIO(ready.path.read_bytes())).worksheets[1]
    assert [row[1] for row in sheet.iter_rows(values_only=True)][1] == "市府大楼"

    # The data moves: the file is not served (never stale); the document is queued again.
    years.enter_year(
        session=session,
        actor=officer,
        building_id=building.id,
        year=2022,
        values={"electricity_kwh": "380000", "district_heat_gj": "2500"},
        change_reason="meter misread",
    )
    moved = _get(session, tmp_path, sent)
    assert moved.path is None and moved.row.status == "queued" and sent == [first.row.id] * 2
    old_file = ready.path
    assert documents.make(session=session, folder=tmp_path, document_id=sent[0], worker="w")
    assert _get(session, tmp_path, sent).path != old_file and not old_file.exists()


def test_a_file_made_by_other_code_is_made_again_not_served(session, listed, tmp_path, monkeypatch):
    """The same data, but the registry was updated since (its template, layout or words):
    the file is not served; the document is queued once and made again."""
    monkeypatch.setattr(documents, "MAKE_IN_REQUEST_ENTRIES", 0)
    sent: list[int] = []
    row = _get(session, tmp_path, sent).row
    assert documents.make(session=session, folder=tmp_path, document_id=row.id, worker="w")
    assert _get(session, tmp_path, sent).path is not None and len(sent) == 1

    monkeypatch.setattr(documents.quota_list_report, "template_version", lambda: "updated")
    stale = _get(session, tmp_path, sent)
    assert stale.path is None and stale.row.status == "queued" and len(sent) == 2
    assert _get(session, tmp_path, sent).path is None and len(sent) == 2  # not queued twice
    assert documents.make(session=session, folder=tmp_path, document_id=row.id, worker="w")
    assert _get(session, tmp_path, sent).path is not None and len(sent) == 2
    session.expire_all()
    assert session.exec(select(QuotaListDocument)).one().template_version == "updated"


def test_a_failed_document_is_made_again_only_when_asked(session, listed, tmp_path, monkeypatch):
    monkeypatch.setattr(documents, "MAKE_IN_REQUEST_ENTRIES", 0)
    sent: list[int] = []
    row = _get(session, tmp_path, sent, fmt="pdf").row

    def broken(report, fmt, locale, **_options):
        raise RuntimeError("renderer down")

    monkeypatch.setattr(documents, "render", broken)
    assert documents.make(session=session, folder=tmp_path, document_id=row.id, worker="w")
    session.expire_all()
    failed = session.exec(select(QuotaListDocument)).one()
    assert failed.status == "failed" and "renderer down" in failed.error
    assert _get(session, tmp_path, sent, fmt="pdf").row.status == "failed" and len(sent) == 1
    assert _get(session, tmp_path, sent, fmt="pdf", retry=True).row.status == "queued"
    assert len(sent) == 2


def test_a_small_list_is_made_in_the_request(session, listed, tmp_path):
    sent: list[int] = []
    small = _get(session, tmp_path, sent, fmt="pdf")
    assert small.body[:5] == b"%PDF-" and sent == []
    assert session.exec(select(QuotaListDocument)).first() is None
