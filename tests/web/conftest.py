"""Fixtures for the HTML pages: logged-in clients, a CSRF-enforcing app, compiled translations."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from registry import create_app
from tests.conftest import make_config

PASSWORD = "correct-horse-battery"
TRANSLATIONS = Path(__file__).resolve().parents[2] / "registry" / "translations"


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """`make test` compiles the catalogue first; this keeps `pytest tests/web` honest too."""
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)


@pytest.fixture
def login():
    """Log a test client in through the real form; returns the response."""

    def do_login(client, user, password=PASSWORD):
        response = client.post("/login", data={"username": user.username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return do_login


@pytest.fixture
def csrf_app(tmp_path, sqlite_url):
    application = create_app(make_config(tmp_path, sqlite_url, WTF_CSRF_ENABLED=True))
    yield application
    application.extensions["registry.engine"].dispose()


def text_of(response) -> str:
    """The page's visible text, tags stripped and whitespace collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def field_error(response, field: str) -> str | None:
    """The error shown next to `field`, or None."""
    match = re.search(
        rf'<p class="field-error" id="{re.escape(field)}-error">(.*?)</p>',
        response.get_data(as_text=True),
        flags=re.S,
    )
    return unescape(match.group(1)).strip() if match else None


def input_value(response, field: str) -> str | None:
    """The value an <input name=field> was rendered with."""
    match = re.search(
        rf'<input id="{re.escape(field)}" name="{re.escape(field)}"[^>]*?value="([^"]*)"',
        response.get_data(as_text=True),
        flags=re.S,
    )
    return unescape(match.group(1)) if match else None


def run_import_job(app, response):
    """Do the worker's part for an import job the page queued (the redirect names it):
    the same `run_import` the Celery task calls, on the app's database; the job page after."""
    from pathlib import Path

    from registry.services.imports.jobs import run_import

    assert response.status_code == 303, response.status_code
    job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    state = run_import(
        engine=app.extensions["registry.engine"],
        folder=Path(app.config["UPLOAD_DIR"]) / "imports",
        job_id=job_id,
        worker="test",
    )
    return job_id, state
