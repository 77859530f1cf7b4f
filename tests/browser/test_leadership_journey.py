"""What a leader and the public see, in a real browser: the targets dashboard, the annual
tally PDF, and the public label check a plaque's QR code leads to.

An officer of 崂山区 has two approved labels from 2022, one of them revoked in 2023. The
officer opens the dashboard for 2022, reads progress per target, downloads the tally PDF;
then an anonymous visitor checks both label numbers.
"""

from __future__ import annotations

import subprocess
from datetime import date
from urllib.parse import quote

import pytest
from sqlmodel import Session, SQLModel

from registry import create_app
from registry.db import make_engine
from registry.services.buildings import records as record_service
from registry.services.users import create_user
from tests.browser.conftest import new_page
from tests.conftest import make_config, poppler, seed_reference, serve

pytestmark = pytest.mark.requires_chromium

PASSWORD = "leader-password-1"
VALID_LABEL = "鲁绿标 QD-2022-0601"
REVOKED_LABEL = "QD/2022/0715"


@pytest.fixture
def live_server(tmp_path, make_building, make_record):
    """The app on a free port, with approved 2022 labels in 崂山区 (one revoked in 2023)."""
    url = f"sqlite:///{tmp_path / 'leadership.sqlite3'}"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    seed_reference(engine)
    engine.dispose()
    app = create_app(make_config(tmp_path, url, WTF_CSRF_ENABLED=True))
    with Session(app.extensions["registry.engine"], expire_on_commit=False) as session:
        officer = create_user(
            session=session,
            actor=None,
            username="laoshan-officer",
            password=PASSWORD,
            role="officer",
            districts=["370212"],
            display_name="崂山区审核员",
        )
        tower = make_building(
            session, officer, district_code="370212", name="崂山科创中心", floor_area_m2="12000"
        )
        make_record(
            session,
            officer,
            tower,
            level="3",
            issued_on=date(2022, 6, 1),
            label_number=VALID_LABEL,
            status="approved",
        )
        annex = make_building(
            session, officer, district_code="370212", name="崂山会展配楼", floor_area_m2="3000"
        )
        revoked = make_record(
            session,
            officer,
            annex,
            level="1",
            issued_on=date(2022, 7, 15),
            label_number=REVOKED_LABEL,
            status="approved",
        )
        record_service.revoke_record(
            session=session,
            actor=officer,
            record_id=revoked.id,
            reason="复核不达标",
            on=date(2023, 3, 1),
        )
    with serve(app) as url:
        yield url


def test_leader_reads_progress_downloads_the_tally_and_the_public_verifies_labels(
    live_server, browser, tmp_path, shot
):
    from playwright.sync_api import expect

    page = new_page(browser)
    page.goto(f"{live_server}/dashboard")
    expect(page).to_have_url(f"{live_server}/login?next=/dashboard")
    page.fill("#username", "laoshan-officer")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_contain_text("绿色城市建设发展试点目标进度")

    page.select_option("#year", "2022")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("h1")).to_contain_text("2022")
    star = page.locator('#targets tr[data-target="star_rated"]')
    expect(star).to_contain_text("完成星级认证绿色建筑")
    expect(star).to_contain_text("5,000,000 m²")  # the target
    expect(star).to_contain_text("15,000")  # both labels counted in 2022
    expect(page.locator("#targets tbody tr[data-target]")).to_have_count(7)
    # the upgrade and ultra-low targets each carry a line of their evidence beneath
    expect(page.locator("#targets tbody tr.evidence")).to_have_count(2)
    expect(page.locator("#later-revocations")).to_contain_text(REVOKED_LABEL)
    expect(page.locator("#later-revocations")).to_contain_text("2023-03-01")
    expect(page.locator("section.charts svg")).to_have_count(3)
    shot(page, "dashboard-2022")
    dashboard_total = star.locator("td").nth(3).inner_text().strip()  # cumulative column

    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == "tally-2022.pdf"
    pdf = tmp_path / "tally-2022.pdf"
    download.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(
        [poppler("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "建筑领域目标统计" in text and "崂山科创中心" in text
    # The PDF shows the totals the dashboard shows.
    assert dashboard_total and dashboard_total in text, dashboard_total

    # A member of the public, no login: type a number, then follow a QR code's URL.
    visitor = new_page(browser)
    visitor.goto(f"{live_server}/verify")
    expect(visitor.locator("h1")).to_have_text("标识查验")
    visitor.fill("#label", VALID_LABEL)
    visitor.press("#label", "Enter")
    expect(visitor.locator("#verify-status")).to_have_text("有效")
    shot(visitor, "verify-valid")
    result = visitor.locator("#verify-result")
    expect(result).to_contain_text("崂山科创中心")
    expect(result).to_contain_text("崂山区")
    expect(result).to_contain_text("2022-06-01")
    expect(result.locator(".qr svg")).to_have_count(1)

    visitor.goto(f"{live_server}/verify/{quote(REVOKED_LABEL, safe='')}")
    expect(visitor.locator("#verify-status")).to_have_text("已于 2023-03-01 撤销")
    expect(visitor.locator("#verify-result")).to_contain_text("崂山会展配楼")
    expect(visitor.locator("#verify-result")).not_to_contain_text("复核不达标")
    visitor.goto(f"{live_server}/dashboard")
    expect(visitor).to_have_url(f"{live_server}/login?next=/dashboard")
