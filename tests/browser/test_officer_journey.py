"""An officer's day in a real browser: log in, register, add a 三星级 label, submit; a second
officer approves it into its public notice, the public sees it, it is published; find it in
the filtered list, see the dashboard move, read the history.

Drives Debian's chromium through Playwright against a real server on a free port, with
CSRF on, so forms, cookies, the stylesheet and the form script all take part.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, SQLModel

from registry import create_app
from registry.db import make_engine
from registry.domain import dates
from registry.domain.buildings.credit_code import make_credit_code
from registry.models import Record
from registry.services.users import create_user
from tests.conftest import make_config, seed_reference, serve

pytestmark = pytest.mark.requires_chromium

PASSWORD = "officer-password-1"


@pytest.fixture
def live_server(tmp_path):
    """The app served over HTTP from a thread; yields its base URL."""
    url = f"sqlite:///{tmp_path / 'browser.sqlite3'}"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    seed_reference(engine)
    engine.dispose()
    app = create_app(make_config(tmp_path, url, WTF_CSRF_ENABLED=True))
    with Session(app.extensions["registry.engine"], expire_on_commit=False) as session:
        for username, display_name in (
            ("shinan-officer", "市南审核员"),
            ("shinan-checker", "市南复核员"),  # maker-checker: the second pair of eyes
        ):
            create_user(
                session=session,
                actor=None,
                username=username,
                password=PASSWORD,
                role="officer",
                districts=["370202"],
                display_name=display_name,
            )
    with serve(app) as base_url:
        yield base_url


def _log_in(page, base_url, username):
    page.goto(f"{base_url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_officer_registers_labels_and_approves_a_building(live_server, page, shot, tmp_path):
    from playwright.sync_api import expect

    page.goto(f"{live_server}/buildings")
    expect(page).to_have_url(f"{live_server}/login?next=/buildings")
    page.fill("#username", "shinan-officer")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_have_text("建筑")
    shot(page, "building-list")

    page.get_by_role("link", name="登记建筑").click()
    page.fill("#name", "青岛海天中心办公楼")
    page.fill("#address", "青岛市市南区香港西路 48 号")
    expect(page.locator("#district_code")).to_have_value("370202")
    page.select_option("#building_type", "office_commercial")
    # Commercial offices have no sub-types: the form script hides the sub-type field.
    expect(page.locator("#sub_type")).to_be_hidden()
    page.fill("#floor_area_m2", "52,000")
    page.fill("#storeys", "30")
    page.fill("#completion_year", "2021")
    expect(page.locator("#assembly_rate_pct")).to_be_disabled()
    page.fill("#owner_name", "青岛海天置业有限公司")
    page.fill("#owner_credit_code", make_credit_code("91370200MA3C5678X"))
    shot(page, "register-form")
    page.get_by_role("button", name="登记").click()
    expect(page.locator(".flash-success")).to_have_text("建筑已登记。")
    expect(page.locator("h1")).to_have_text("青岛海天中心办公楼")
    building_url = page.url

    page.get_by_role("link", name="新增认证记录").click()
    expect(page.locator("#counted_area_m2")).to_have_value("52000")
    page.select_option("#kind", "green_label")
    page.select_option("#level", "3")
    page.select_option("#stage", "evaluation")
    page.fill("#label_number", "QD-GB-2022-0815")
    page.fill("#issued_on", "2022-08-15")
    shot(page, "three-star-label")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash-success")).to_have_text("记录已保存为草稿。")
    record_row = page.locator("#records tbody tr").first
    expect(record_row).to_contain_text("三星级")
    expect(record_row.locator(".badge")).to_have_text("草稿")

    record_row.get_by_role("button", name="提交").click()
    record_row = page.locator("#records tbody tr").first
    expect(record_row.locator(".badge")).to_have_text("已提交")
    # Whoever submitted it does not approve it, and is told why.
    expect(record_row.get_by_role("button", name="批准")).to_have_count(0)
    expect(record_row).to_contain_text("您提交了这条记录，不能由您本人批准")
    page.get_by_role("button", name="退出登录").click()

    _log_in(page, live_server, "shinan-checker")
    page.goto(building_url)
    page.locator("#records tbody tr").first.get_by_role("button", name="批准").click()
    expect(page.locator(".flash-success")).to_contain_text("审查通过，进入公示")
    record_row = page.locator("#records tbody tr").first
    expect(record_row.locator(".badge")).to_have_text("公示中")
    expect(record_row).to_contain_text(dates.today().isoformat())
    shot(page, "under-notice")

    # The public sees it under notice, with its period.
    page.goto(f"{live_server}/verify/notices")
    expect(page.locator("section.notice").first).to_contain_text("青岛海天中心办公楼")
    expect(page.locator("section.notice").first).to_contain_text("三星级")
    shot(page, "public-notice")

    # A notice that ran in August 2022 (the label's year), moved there for the journey.
    engine = make_engine(f"sqlite:///{tmp_path / 'browser.sqlite3'}")
    with engine.begin() as connection:
        connection.execute(
            Record.__table__.update().values(
                approved_on=date(2022, 8, 15),
                notice_start_on=date(2022, 8, 15),
                notice_end_on=date(2022, 8, 23),
            )
        )
    engine.dispose()
    page.goto(building_url)
    page.locator("#records tbody tr").first.get_by_role("link", name="公布").click()
    page.fill("#date", "2022-08-24")
    page.get_by_role("button", name="公布").click()
    expect(page.locator(".flash-success")).to_have_text("记录已公布。")
    record_row = page.locator("#records tbody tr").first
    expect(record_row.locator(".badge")).to_have_text("已公布")
    shot(page, "published")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="建筑").click()
    page.select_option("#level", "3")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#total")).to_have_text("共 1 栋建筑")
    expect(page.locator("table.data tbody")).to_contain_text("青岛海天中心办公楼")
    expect(page.locator("table.data tbody")).to_contain_text("三星级 已公布")
    shot(page, "filtered-list")
    page.select_option("#level", "2")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#total")).to_have_text("共 0 栋建筑")

    # The dashboard moves: the label counts toward the star-rated target in 2022.
    page.goto(f"{live_server}/dashboard?year=2022")
    star = page.locator('#targets tr[data-target="star_rated"]')
    expect(star).to_contain_text("52,000")
    shot(page, "dashboard")

    page.goto(building_url)
    history = page.locator("#history tbody")
    expect(history.locator("tr")).to_have_count(5)  # newest first
    expect(history.locator("tr").nth(0)).to_contain_text("公示中 → 已公布")
    expect(history.locator("tr").nth(0)).to_contain_text("shinan-checker")
    expect(history.locator("tr").nth(1)).to_contain_text("已提交 → 公示中")
    expect(history.locator("tr").nth(2)).to_contain_text("草稿 → 已提交")
    expect(history.locator("tr").nth(4)).to_contain_text("shinan-officer")

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#history")).to_contain_text("Submitted → Under public notice")
