"""What every journey shares: Chromium, screenshots (the app is served by tests.conftest.serve).

Browser tests read the Chinese pages, so they need the compiled catalogue too.
"""

import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlmodel import Session, SQLModel

from registry import create_app
from registry.db import make_engine
from tests.conftest import make_config, serve
from tests.jobs.conftest import start_worker, stop_worker
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

    def take(page, name: str, *, full_page: bool = True) -> Path:
        # A page listing thousands of rows is shot as the window shows it: a full-page shot of
        # it took over 15 s in CI, with four test processes sharing two cores.
        path = folder / f"{next(counter):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
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


@contextmanager
def served_with_worker(tmp_path, seed):
    """A SQLite registry in tmp, filled by `seed(session)`, served from a thread, with a real
    Celery worker (a subprocess) sharing its database, broker file and instance folder, as a
    deployment on one machine would. Yields the stack: its `url`, `engine` and worker `log`."""
    database_url = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    engine = make_engine(database_url)
    SQLModel.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as session:
        seed(session)
    config = make_config(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    app = create_app(config)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": config.CELERY_BROKER_URL,
        "REGISTRY_INSTANCE_DIR": str(config.INSTANCE_DIR),
        "SECRET_KEY": "test-secret",
        "REGISTRY_UPLOAD_DIR": str(config.UPLOAD_DIR),
        "REGISTRY_WEATHER_DIR": str(config.WEATHER_DIR),
    }
    log = tmp_path / "worker.log"
    worker = start_worker(env, log, "journey", 1)
    try:
        with serve(app) as url:
            yield type("Stack", (), {"url": url, "engine": engine, "log": log})
    finally:
        stop_worker(worker)
        engine.dispose()
