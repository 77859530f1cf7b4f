"""QR codes and links point at the address the reader used: the request's host, or the
configured REGISTRY_PUBLIC_BASE_URL behind a proxy; a worker-made tally PDF keeps the address
of the request that asked for it."""

from __future__ import annotations

import random
from datetime import date

from registry import create_app
from registry.extensions import public_base_url
from registry.services.tally import documents
from tests.conftest import make_config
from tests.services.checks.test_report import pdf_text
from tests.services.tally.test_tallies import build_history
from tests.web.conftest import PASSWORD


def test_the_request_host_is_the_base_url_unless_one_is_configured(app, tmp_path, sqlite_url):
    with app.test_request_context("/", base_url="http://10.0.0.7:8123"):
        assert public_base_url() == "http://10.0.0.7:8123"
    proxied = create_app(
        make_config(tmp_path, sqlite_url, PUBLIC_BASE_URL="https://registry.example.gov.cn/")
    )
    with proxied.test_request_context("/", base_url="http://127.0.0.1:5000"):
        # Config strips the slash when read from the environment; a literal keeps it.
        assert public_base_url().rstrip("/") == "https://registry.example.gov.cn"
    proxied.extensions["registry.engine"].dispose()


def test_the_check_pdf_links_to_the_host_the_reader_used(
    app, app_session, client, make_user, make_building, tmp_path
):
    from registry.services.quotas import seed as quota_seed
    from tests.services.checks.test_report import add_done_check, add_weather

    quota_seed.seed(app_session)
    designer = make_user(app_session, role="designer", districts=())
    building = make_building(app_session, designer)
    check = add_done_check(app_session, building, designer, add_weather(app_session))
    host = "http://10.1.2.3:8123"  # the session cookie is the host's: log in there
    client.post("/login", data={"username": designer.username, "password": PASSWORD}, base_url=host)
    pdf = client.get(f"/checks/{check.id}/report.pdf", base_url=host)
    assert pdf.status_code == 200
    text = "".join(pdf_text(pdf.data, tmp_path).split())
    assert f"http://10.1.2.3:8123/checks/{check.id}" in text
    assert "127.0.0.1" not in text


def test_a_worker_made_tally_pdf_carries_the_asking_requests_host(
    session, make_user, make_building, tmp_path, database_url, monkeypatch
):
    admin = make_user(session, role="admin")
    build_history(session, admin, make_building, random.Random(7))
    config = make_config(tmp_path, database_url)
    monkeypatch.setattr(documents, "MAKE_IN_REQUEST_ROWS", 0)  # the worker's, not the request's
    made = {}
    for host in ("http://qd-a.example:8080", "https://qd-b.example"):
        request = documents.Request(date(2022, 1, 1), date(2022, 12, 31), None, None, "en", host)
        row = documents.get_document(
            session=session, config=config, request=request, enqueue=lambda _id: None
        )
        assert documents.Request.of(row).base_url == host
        assert documents.make(session=session, config=config, document_id=row.id, worker="t")
        session.refresh(row)
        made[host] = pdf_text(documents.file_path(config, row).read_bytes(), tmp_path)
    # One cached document per host, each with its own address and never a localhost default.
    assert "qd-a.example:8080/verify" in made["http://qd-a.example:8080"]
    assert "qd-b.example/verify" in made["https://qd-b.example"]
    assert "qd-a.example" not in made["https://qd-b.example"]
    assert all("127.0.0.1" not in text for text in made.values())
