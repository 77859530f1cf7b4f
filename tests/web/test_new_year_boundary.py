"""The bureau's clock at the year boundary (issue 18): at 23:30 UTC on 31 December it is
07:30 on 1 January in Qingdao. An approval then is dated 1 January, a label published then
counts in the new year, and every time people read says 07:30 Beijing time: the dashboard,
the PDF, the CSV and the API, on SQLite and PostgreSQL. The clock is faked in-process."""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlmodel import Session

from registry.models import Record
from registry.services import users as user_service
from registry.services.tally import tallies
from tests.conftest import poppler
from tests.web.conftest import text_of

NEW_YEAR_IN_QINGDAO = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)


@pytest.fixture
def people(app_both, make_user):
    with Session(app_both.extensions["registry.engine"], expire_on_commit=False) as session:
        drafter = make_user(session, role="officer", districts=["370202"])
        checker = make_user(session, role="officer", districts=["370202"])
        token = user_service.issue_api_token(session=session, actor=checker, user=checker)
    return drafter, checker, token


def test_approval_and_publication_at_07_30_on_new_years_day(
    app_both, people, make_building, make_record, login
):
    drafter, checker, token = people
    engine = app_both.extensions["registry.engine"]
    # The record was entered, reviewed and put under notice before Christmas.
    with time_machine.travel(datetime(2026, 12, 21, 2, 0, tzinfo=UTC), tick=True):
        session = Session(engine, expire_on_commit=False)
        building = make_building(session, drafter, name="新年大厦", floor_area_m2="20000")
        label = make_record(
            session,
            drafter,
            building,
            status="notice",
            approver=checker,
            level="3",
            label_number="QD-2026-NY-3",
            issued_on=date(2026, 12, 15),
            approved_on=date(2026, 12, 18),
        )
        assert label.notice_end_on == date(2026, 12, 28)
        retrofit = make_record(
            session,
            drafter,
            building,
            status="submitted",
            kind="retrofit",
            level="old_community",
            stage=None,
            label_number=None,
            issued_on=None,
            started_on=date(2026, 12, 20),
        )
        session.close()
    client = app_both.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    with time_machine.travel(NEW_YEAR_IN_QINGDAO, tick=True):
        approved = client.post(f"/api/v1/records/{retrofit.id}/approve", headers=auth)
        assert approved.status_code == 200, approved.get_json()
        assert approved.get_json()["approved_on"] == "2027-01-01"
        published = client.post(f"/api/v1/records/{label.id}/publish", headers=auth)
        assert published.status_code == 200, published.get_json()
        assert published.get_json()["published_on"] == "2027-01-01"

        with Session(engine) as session:
            assert session.get(Record, label.id).published_on == date(2027, 1, 1)
            old = tallies.compute(session=session, year=2026)
            new = tallies.compute(session=session, year=2027)
            frozen = tallies.compute(session=session, year=2026, as_of=date(2026, 12, 31))
        star = {t.key: t for t in old.targets}["star_rated"]
        assert star.cumulative == 0  # published on 1 January: not in 2026
        assert {t.key: t for t in new.targets}["star_rated"].added == 20000
        # The retrofit was approved on 1 January: the year-end tally of 2026 does not hold it.
        assert {t.key: t for t in frozen.targets}["old_community"].cumulative == 0

        login(client, checker)
        page = client.get("/dashboard?year=2027")
        text = text_of(page)
        assert "生成于 2027-01-01 07:30（北京时间）" in text and "UTC" not in text
        assert "QD-2026-NY-3" in text
        assert "QD-2026-NY-3" not in text_of(client.get("/dashboard?year=2026"))

        pdf = client.get("/dashboard/tally-2027.pdf")
        pdf_text = subprocess.run(
            [poppler("pdftotext"), "-", "-"], input=pdf.data, capture_output=True, check=True
        ).stdout.decode()
        assert "2027-01-01 07:30" in pdf_text and "北京时间" in pdf_text

        rows = list(
            csv.reader(
                io.StringIO(
                    client.get("/dashboard/tally-2027.csv?table=records").data.decode("utf-8-sig")
                )
            )
        )
        label_rows = [row for row in rows if "QD-2026-NY-3" in row]
        assert label_rows and "2027-01-01" in label_rows[0]

        body = client.get("/api/v1/tally?year=2027", headers=auth).get_json()
        assert body["generated_at"] == "2027-01-01 07:30"
        counted = [row for row in body["rows"] if row["label_number"] == "QD-2026-NY-3"]
        assert counted and counted[0]["counted_on"] == "2027-01-01"
