"""The public notice on the web: a 三星级 label goes through 公示 on the public site (listed with
its period, objections taken from anyone), officers see and resolve objections, publication
waits for the notice; maker-checker on the building page; the admin's settings page."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlmodel import select

from registry.models import AuditEvent, NoticeObjection, Record, TallyEpisode
from tests.web.conftest import text_of

DURING = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # Monday 7 December, 10:00 in Qingdao


@pytest.fixture
def people(app_session, make_user):
    return {
        "drafter": make_user(app_session, role="officer", districts=["370212"]),
        "checker": make_user(app_session, role="officer", districts=["370212"]),
        "admin": make_user(app_session, role="admin"),
    }


@pytest.fixture
def three_star(app_session, people, make_building, make_record):
    with time_machine.travel(DURING, tick=True):
        building = make_building(
            app_session,
            people["drafter"],
            name="崂山科创中心",
            district_code="370212",
            owner_name="青岛崂山城投",
            floor_area_m2="30000",
        )
        return make_record(
            app_session,
            people["drafter"],
            building,
            status="submitted",
            level="3",
            label_number="QD-LS-2026-3",
            issued_on=date(2026, 12, 1),
        )


def test_a_three_star_label_through_notice_on_the_public_site(
    app, app_session, people, three_star, login
):
    officer = app.test_client()
    with time_machine.travel(DURING, tick=True):
        login(officer, people["drafter"])
        page = officer.get(f"/buildings/{three_star.building_id}?lang=en")
        # The drafter is not offered the approval, and is told why.
        assert f'action="/records/{three_star.id}/approve"' not in page.get_data(as_text=True)
        assert "You submitted this record, so you cannot approve it" in text_of(page)
        refused = officer.post(f"/records/{three_star.id}/approve")
        assert refused.status_code == 403 and "cannot approve it" in text_of(refused)

        checker = app.test_client()
        login(checker, people["checker"])
        approved = checker.post(f"/records/{three_star.id}/approve", follow_redirects=True)
        assert "审查通过，进入公示：2026-12-07 至 2026-12-15。" in text_of(approved)

        public = app.test_client()
        listing = public.get("/verify/notices")
        text = text_of(listing)
        for shown in (
            "崂山科创中心",
            "崂山区",
            "三星级",
            "青岛崂山城投",
            "2026-12-07 – 2026-12-15",
        ):
            assert shown in text
        objected = public.post(
            f"/verify/notices/{three_star.id}/objections",
            data={"reason": "实际面积不足三万平方米", "contact": "李女士 13900000000"},
            follow_redirects=True,
        )
        assert "您的异议已收到" in text_of(objected)
        empty = public.post(
            f"/verify/notices/{three_star.id}/objections", data={"reason": "", "contact": ""}
        )
        assert empty.status_code == 422

        detail = checker.get(f"/buildings/{three_star.building_id}")
        assert "实际面积不足三万平方米" in text_of(detail) and "李女士" in text_of(detail)
        objection = app_session.exec(select(NoticeObjection)).one()
        checker.post(
            f"/objections/{objection.id}/resolve",
            data={"outcome": "dismissed", "note": "经现场核实面积无误"},
        )
        early = checker.post(f"/records/{three_star.id}/publish", data={"date": "2026-12-15"})
        assert early.status_code == 422 and "须晚于公示期最后一天" in text_of(early)

    with time_machine.travel(datetime(2026, 12, 16, 1, 0, tzinfo=UTC), tick=True):
        # Nine days on, the session has outlived its 12 hours: the checker logs in again.
        login(checker, people["checker"])
        published = checker.post(
            f"/records/{three_star.id}/publish", data={"date": "2026-12-16"}, follow_redirects=True
        )
        assert "记录已公布" in text_of(published)
        app_session.expire_all()
        assert app_session.get(Record, three_star.id).published_on == date(2026, 12, 16)
        episodes = app_session.exec(select(TallyEpisode)).all()
        assert {(e.target, e.start_on) for e in episodes} == {("star_rated", date(2026, 12, 16))}
        assert "QD-LS-2026-3" not in text_of(public.get("/verify/notices"))
        verified = text_of(public.get("/verify/QD-LS-2026-3"))
        assert "有效" in verified and "公布日期 2026-12-16" in verified


def test_the_admin_settings_page_shows_and_changes_maker_checker(app, app_session, people, login):
    client = app.test_client()
    login(client, people["admin"])
    page = client.get("/admin/settings?lang=en")
    text = text_of(page)
    assert "Approval by a second person (maker-checker)" in text and "On" in text
    assert "国务院办公厅关于2026年部分节假日安排的通知" in text
    client.post("/admin/settings/maker_checker", data={"reason": "试运行"})
    assert "Off" in text_of(client.get("/admin/settings?lang=en"))
    event = app_session.exec(select(AuditEvent).where(AuditEvent.entity == "setting")).one()
    assert (event.after, event.reason) == ({"maker_checker": False}, "试运行")
    bad = client.post("/admin/settings/notice_working_days", data={"value": "0"})
    assert bad.status_code == 422
    officer = app.test_client()
    login(officer, people["drafter"])
    assert officer.get("/admin/settings").status_code == 403


def test_an_admin_enters_a_new_year_of_holidays(app, app_session, people, login):
    client = app.test_client()
    login(client, people["admin"])
    saved = client.post(
        "/admin/calendar",
        data={
            "year": "2027",
            "source": "国务院办公厅关于2027年部分节假日安排的通知（测试数据）",
            "holidays": "2027-01-01 元旦\n2027-02-06..2027-02-12 春节",
            "workdays": "2027-02-14 春节",
        },
        follow_redirects=True,
    )
    assert saved.status_code == 200
    assert "2027" in text_of(saved)
    bad = client.post(
        "/admin/calendar",
        data={"year": "2027", "source": "x", "holidays": "2027-13-01 元旦", "workdays": ""},
    )
    assert bad.status_code == 422
