"""The main pages hold their layout at 1280 px in both languages: no page-wide horizontal
scroll, no table running past its card (a wide table scrolls inside its .table-wrap), the
navigation on one line. Screenshots of each go to test-output/layout/."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.models import User
from tests.browser.conftest import browser as browser  # noqa: F401  (fixture)
from tests.conftest import serve
from tests.security.conftest import PASSWORD
from tests.security.conftest import world as world  # noqa: F401  (the module's fixture)
from tests.web.test_user_language import done_check as done_check  # noqa: F401  (fixture)

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "layout"

# What overflows, measured in the page: [] when the layout holds.
OVERFLOWS = """() => {
  const found = [];
  const page = document.documentElement;
  if (page.scrollWidth > window.innerWidth + 1) {
    found.push(`page ${page.scrollWidth}px wide`);
  }
  for (const table of document.querySelectorAll("main table")) {
    if (table.closest(".table-wrap")) continue;  // scrolls inside its wrapper by design
    const box = table.getBoundingClientRect();
    const parent = table.parentElement.getBoundingClientRect();
    if (box.right > parent.right + 1) found.push(`table ${table.id || ""} past its container`);
  }
  const links = [...document.querySelectorAll("nav.mainnav > a, nav.mainnav summary")];
  const tops = new Set(links.map((a) => Math.round(a.getBoundingClientRect().top)));
  if (tops.size > 1) found.push(`navigation on ${tops.size} lines`);
  return found;
}"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_main_pages_hold_their_layout_at_1280_px(world, done_check, browser, lang):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    admin = world.users["admin"]
    # A long name, as a real account may carry: the name is cut short, the links stay on one
    # line (the suite's numbered user names once pushed one down).
    with world.session() as session:
        row = session.get(User, admin.id)
        row.display_name = "青岛市住房和城乡建设局系统管理员 administrator-1234"
        session.add(row)
        session.commit()
    paths = {
        "dashboard": "/dashboard",
        "buildings": "/buildings",
        "building": f"/buildings/{world.building_id}",
        "check": f"/checks/{done_check}",
        "quotas": "/admin/quotas",
        "notices": "/verify/notices",
    }
    failures = {}
    with serve(world.app) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{url}/login?lang={lang}")
        page.fill("#username", admin.username)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        for name, path in paths.items():
            page.goto(f"{url}{path}?lang={lang}")
            page.screenshot(path=str(SHOTS / f"{name}-{lang}.png"), full_page=True)
            if found := page.evaluate(OVERFLOWS):
                failures[name] = found
        context.close()
    assert failures == {}
