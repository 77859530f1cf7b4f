"""The quota list's PDF at city scale (issue 23): summary pages by WeasyPrint, every building's
row by the tally's table engine, merged into one document numbered in one run with the list's
digest on every page; and the worker's sweep that sends again a lost document."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import insert, text, update
from sqlmodel import Session, select

from registry.db import make_engine
from registry.documents import quota_list_report
from registry.domain import dates
from registry.models import Building, MeteredYear, QuotaListDocument, utcnow
from registry.services import document_jobs
from registry.services.metered import documents
from registry.services.metered.quota_list import quota_list
from registry.services.quotas import seed as quota_seed
from tests.conftest import poppler

BUILDINGS = 240
DISTRICTS = ("370202", "370203", "370211")


@pytest.fixture
def sqlite_session(sqlite_url):
    engine = make_engine(sqlite_url)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


@pytest.fixture
def city(sqlite_session, make_user):
    """A few hundred office buildings with a measured 2022, some over the constraint value."""
    session = sqlite_session
    quota_seed.seed(session)
    officer = make_user(session, role="admin", districts=())
    now = utcnow()
    connection = session.connection()
    connection.execute(
        insert(Building.__table__),
        [
            {
                "name": f"测试楼 {n:03d}",
                "address": "",
                "district_code": DISTRICTS[n % len(DISTRICTS)],
                "building_type": "office_government",
                "sub_type": "city",
                "hvac_class": None,
                "heating_type": "district",
                "floor_area_m2": 5_000 + n * 10,
                "is_new_build": False,
                "prefabricated": False,
                "owner_name": "",
                "design_unit": "",
                "created_by_id": officer.id,
                "created_at": now,
                "updated_at": now,
                "platform_code": f"QP{n:05d}",
                "annual_use_hours": 2_500.0,
                "area_per_person_m2": 12.0,
            }
            for n in range(BUILDINGS)
        ],
    )
    ids = [r[0] for r in connection.execute(text("SELECT id FROM buildings ORDER BY id"))]
    connection.execute(
        insert(MeteredYear.__table__),
        [
            {
                "building_id": building_id,
                "year": 2022,
                "version": 1,
                "electricity_kwh": (5_000 + n * 10) * (30 + n % 80),
                "natural_gas_m3": 0.0,
                "district_heat_gj": (5_000 + n * 10) * 0.25,
                "source": "platform",
                "exclusions_note": "",
                "complete": True,
                "months": None,
                "created_at": now,
                "entered_by_id": officer.id,
            }
            for n, building_id in enumerate(ids)
        ],
    )
    session.commit()
    return session


def _read_back(pdf: bytes, tmp_path) -> tuple[list[str], str]:
    path = tmp_path / "quota-list.pdf"
    path.write_bytes(pdf)
    pages = subprocess.run(
        [poppler("pdftotext"), "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\f")[:-1]
    fonts = subprocess.run(
        [poppler("pdffonts"), str(path)], capture_output=True, text=True, check=True
    ).stdout
    return pages, fonts


@pytest.mark.parametrize(
    ("locale", "words", "page_number"),
    [
        (
            "zh_Hans_CN",
            ("公共建筑能耗限额管理名单", "所处区间", "数据核算方法", "党政机关办公建筑"),
            r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页",
        ),
        (
            "en",
            ("Public building energy quota list", "Action", "How the figures were counted"),
            r"Page (\d+) of (\d+)",
        ),
    ],
)
def test_the_pdf_lists_every_building_on_pages_numbered_in_one_run(
    city, tmp_path, locale, words, page_number
):
    report = quota_list(session=city, year=2022, locale=locale)
    assert report["count"] == BUILDINGS
    seen: list[tuple[int, int]] = []
    pdf = quota_list_report.quota_list_pdf(
        report,
        locale,
        generated_at="2026-12-05 12:00",
        progress=lambda done, total: seen.append((done, total)),
    )
    pages, fonts = _read_back(pdf, tmp_path)
    whole = "\f".join(pages)
    flat = re.sub(r"\s+", "", whole)
    assert all(f"测试楼{n:03d}" in flat for n in range(BUILDINGS))  # every row, none cut
    assert all(re.sub(r"\s+", "", w) in flat for w in words)
    assert "office_government" not in whole and "370202" not in whole  # names, not codes
    numbers = [re.findall(page_number, page) for page in pages]
    assert [n for found in numbers for n in found] == [
        (str(n), str(len(pages))) for n in range(1, len(pages) + 1)
    ]  # one footer on every page, the summary's included, numbered in one run
    listing = [page for page in pages if "测试楼" in page]
    assert len(listing) >= 3 and len(listing) < len(pages)  # summary pages, then the table
    header = words[1]
    assert all(header in page for page in listing)  # the header row repeated on each page
    digest = quota_list_report.digest(report)
    assert all(digest in page.replace("\n", "") for page in pages)
    assert seen[-1] == (BUILDINGS, BUILDINGS)
    cjk = [line for line in fonts.splitlines() if "NotoSansCJK" in line]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk)  # embedded
    assert "NotoSansCJK" in "".join(cjk).replace(" ", "")


def _document(session, status: str, **values) -> int:
    row = QuotaListDocument(
        key=f"pdf|2022|{len(session.exec(select(QuotaListDocument)).all())}||",
        fmt="pdf",
        year=2022,
        status=status,
        rows_total=BUILDINGS,
        **values,
    )
    session.add(row)
    session.commit()
    return row.id


def test_the_sweep_sends_again_a_lost_document_and_not_a_live_one(sqlite_session):
    session = sqlite_session
    long_ago = dates.now_utc() - timedelta(minutes=10)
    lost_message = _document(session, "queued", requested_at=long_ago)
    just_asked = _document(session, "queued")
    silent = _document(
        session, "running", requested_at=long_ago, started_at=long_ago, heartbeat_at=long_ago
    )
    beating = _document(
        session,
        "running",
        requested_at=long_ago,
        started_at=long_ago,
        heartbeat_at=dates.now_utc(),
        rows_done=120,
    )
    ready = _document(session, "ready", requested_at=long_ago)
    sent: list[int] = []

    def enqueue(document_id):
        sent.append(document_id)

    assert documents.sweep(session=session, enqueue=enqueue) == 2
    assert sorted(sent) == sorted([lost_message, silent])
    session.expire_all()
    states = dict(session.exec(select(QuotaListDocument.id, QuotaListDocument.status)).all())
    assert states == {
        lost_message: "queued",
        just_asked: "queued",
        silent: "queued",
        beating: "running",
        ready: "ready",
    }
    # Sent just now: the next sweep does not send them again; the claim makes each once.
    assert documents.sweep(session=session, enqueue=enqueue) == 0
    # A broker still down: nothing counted as sent, and the next sweep tries again.
    session.execute(
        update(QuotaListDocument)
        .where(QuotaListDocument.id == lost_message)
        .values(requested_at=long_ago)
    )
    session.commit()
    assert documents.sweep(session=session, enqueue=lambda document_id: "broker down") == 0
    assert documents.sweep(session=session, enqueue=enqueue) == 1 and sent[-1] == lost_message


def test_the_worker_records_progress_while_the_table_is_laid_out(city, tmp_path, monkeypatch):
    monkeypatch.setattr(documents, "MAKE_IN_REQUEST_ENTRIES", 0)
    monkeypatch.setattr(document_jobs, "HEARTBEAT_S", 0.0)
    sent: list[int] = []
    outcome = documents.get_document(
        session=city,
        folder=tmp_path,
        request=documents.Request("pdf", 2022, None, None, None, "zh_Hans_CN"),
        enqueue=sent.append,
    )
    beats: list[tuple[int, int, str]] = []
    real_render = documents.render

    def watched(report, fmt, locale, progress=None, digest=None):
        def heard(done, total):
            progress(done, total)
            with Session(city.bind) as other:  # what the waiting page reads meanwhile
                row = other.get(QuotaListDocument, outcome.row.id)
                beats.append((row.rows_done, row.rows_total, row.status))

        return real_render(report, fmt, locale, progress=heard, digest=digest)

    monkeypatch.setattr(documents, "render", watched)
    assert documents.make(session=city, folder=tmp_path, document_id=sent[0], worker="w")
    assert beats[-1] == (BUILDINGS, BUILDINGS, "running")
    city.expire_all()
    row = city.get(QuotaListDocument, sent[0])
    assert row.status == "ready" and row.rows_done == BUILDINGS and row.heartbeat_at is not None
