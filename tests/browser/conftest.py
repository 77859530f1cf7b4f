"""What every journey shares: Chromium, screenshots (the app is served by tests.conftest.serve).

Browser tests read the Chinese pages, so they need the compiled catalogue too.
"""

import re
from pathlib import Path

import pytest

from tests.web.conftest import compiled_translations  # noqa: F401  (autouse fixture)

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "journeys"


@pytest.fixture
def shot(request):
    """Save a numbered full-page screenshot of each journey step under test-output/."""
    folder = SHOTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    counter = iter(range(1, 100))

    def take(page, name: str) -> Path:
        path = folder / f"{next(counter):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def browser(chromium_path):
    """Debian's Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


def new_page(browser):
    """A fresh zh-CN browsing context (its own cookies) and a tab in it."""
    context = browser.new_context(locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def page(browser):
    return new_page(browser)
