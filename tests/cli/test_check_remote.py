"""`registry check --server URL --token T`: the API from the command line, over real HTTP.

The app is served from a thread (tests.conftest.serve); no worker runs here, so a check stays
queued unless a test ends it itself, as a worker would.
"""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
import time

import pytest
from sqlmodel import Session

from registry.cli.checks.messages import MESSAGES
from registry.i18n import render
from registry.models import Check
from registry.services.checks import weather_seed
from registry.services.users import issue_api_token
from tests.cli.conftest import failed_by_a_worker, model_file
from tests.conftest import MODELS_DIR, serve, waiting_slots_taken
from tests.messages import bilingual

MODELS = MODELS_DIR


@pytest.fixture
def remote(app, make_user, make_building):
    """The served app, a designer's token and a building the designer registered."""
    with Session(app.extensions["registry.engine"], expire_on_commit=False) as session:
        weather_seed.seed(session)
        designer = make_user(session, role="designer", districts=())
        building = make_building(session, designer)
        token = issue_api_token(session=session, actor=designer, user=designer)
    with serve(app) as url:
        yield type(
            "Remote",
            (),
            {"url": url, "token": token, "building": building, "username": designer.username},
        )


def _check(cli, remote, model, *args):
    return cli(
        "check",
        model,
        "--building",
        remote.building.id,
        "--server",
        remote.url,
        "--token",
        remote.token,
        *args,
    )


def test_upload_over_the_api_prints_the_same_payload(cli, app, remote, tmp_path):
    model = model_file(tmp_path, (MODELS / "office_box.idf").read_bytes(), '办公楼 "A".idf')
    result = _check(cli, remote, model, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["status"] == "queued" and payload["building_id"] == remote.building.id
    with Session(app.extensions["registry.engine"]) as session:
        row = session.get(Check, payload["id"])
        assert row.idf_size_bytes == model.stat().st_size
        assert row.idf_original_name == "办公楼 _A_.idf"  # quotes would break the header
    direct = cli(
        "check", model, "--building", remote.building.id, "--as", remote.username, "--json"
    )
    assert direct.exit_code == 0, direct.output
    assert set(json.loads(direct.stdout)) == set(payload)


def test_environment_names_the_server_and_token(cli, remote, tmp_path, monkeypatch):
    monkeypatch.setenv("REGISTRY_URL", remote.url + "/")
    monkeypatch.setenv("REGISTRY_TOKEN", remote.token)
    model = model_file(tmp_path, (MODELS / "office_box.idf").read_bytes())
    result = cli("check", model, "--building", remote.building.id, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == "queued"


@pytest.fixture(params=["waiting", "server busy"])
def server_threads(request):
    """As served, or with every waiting slot taken (the client then asks once a second)."""
    if request.param == "server busy":
        with waiting_slots_taken():
            yield request.param
    else:
        yield request.param


def test_wait_follows_the_check_to_its_end_over_http(
    cli, app, remote, tmp_path, server_threads, caplog
):
    caplog.set_level("INFO", logger="werkzeug")
    model = model_file(tmp_path, (MODELS / "office_box.idf").read_bytes())
    started = time.monotonic()
    with failed_by_a_worker(app.extensions["registry.engine"], 0.3):
        result = _check(cli, remote, model, "--wait", "--timeout", "60", "--json", "--lang", "en")
    assert time.monotonic() - started < 30
    assert result.exit_code == 2, result.output
    payload = json.loads(result.stdout)
    assert payload["status"] == "failed"
    assert payload["error"]["message"] == render("energyplus.failed", {"returncode": 1}, "en")
    # One long request, or (server busy) one a second: never a client spinning on the server.
    asked = sum(f"GET /api/v1/checks/{payload['id']}" in r.getMessage() for r in caplog.records)
    assert 1 <= asked <= (1 if server_threads == "waiting" else 10), asked


def test_wait_gives_up_at_the_timeout_with_the_state_so_far(cli, remote, tmp_path):
    model = model_file(tmp_path, (MODELS / "office_box.idf").read_bytes())
    started = time.monotonic()
    result = _check(cli, remote, model, "--wait", "--timeout", "1", "--json")
    assert 0.9 < time.monotonic() - started < 10
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == "queued"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_refusal_is_the_servers_message_in_the_users_language(cli, remote, tmp_path, lang):
    model = model_file(tmp_path, b"   \n")
    result = _check(cli, remote, model, "--lang", lang)
    assert result.exit_code == 1
    assert render("idf.empty", {}, lang) in result.stderr
    as_json = _check(cli, remote, model, "--json", "--lang", lang)
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["error"]["errors"]["idf"] == render("idf.empty", {}, lang)


def test_a_wrong_token_is_refused_with_the_servers_words(cli, remote, tmp_path):
    model = model_file(tmp_path, (MODELS / "office_box.idf").read_bytes())
    result = cli(
        "check",
        model,
        "--building",
        remote.building.id,
        "--server",
        remote.url,
        "--token",
        "rgy_not-a-token",
        "--lang",
        "en",
        "--json",
    )
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"]["message"] == render("auth.token_invalid", {}, "en")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_client_side_refusals_are_messages(cli, remote, tmp_path, lang):
    model = model_file(tmp_path, (MODELS / "office_box.idf").read_bytes())
    words = {code: pair[lang == "en"] for code, pair in bilingual(MESSAGES).items()}

    no_token = cli("check", model, "--building", 1, "--server", remote.url, "--lang", lang)
    assert no_token.exit_code == 1 and words["cli.token_required"] in no_token.stderr

    bad_url = cli(
        "check",
        model,
        "--building",
        1,
        "--server",
        "registry.example",
        "--token",
        "t",
        "--lang",
        lang,
    )
    assert bad_url.exit_code == 1
    assert words["cli.server_url_invalid"].format(url="registry.example") in bad_url.stderr

    acting = cli(
        "check",
        model,
        "--building",
        1,
        "--server",
        remote.url,
        "--token",
        "t",
        "--as",
        "wang",
        "--lang",
        lang,
    )
    assert acting.exit_code == 1 and words["cli.as_needs_database"] in acting.stderr


def test_a_server_that_does_not_answer_is_named(cli, tmp_path):
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    model = model_file(tmp_path, (MODELS / "office_box.idf").read_bytes())
    result = cli(
        "check",
        model,
        "--building",
        1,
        "--server",
        f"http://127.0.0.1:{port}",
        "--token",
        "t",
        "--lang",
        "en",
        "--json",
    )
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "cli.server_unreachable"
    assert error["message"].startswith(f"Cannot reach the registry at http://127.0.0.1:{port}:")


def test_an_answer_that_is_not_the_registrys_is_said_so(cli, tmp_path):
    class Proxy(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            self.send_response(502)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html>Bad Gateway</html>")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Proxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        model = model_file(tmp_path, (MODELS / "office_box.idf").read_bytes())
        result = cli(
            "check",
            model,
            "--building",
            1,
            "--server",
            f"http://127.0.0.1:{server.server_port}",
            "--token",
            "t",
            "--lang",
            "zh",
        )
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 1
    assert bilingual(MESSAGES)["cli.server_error"][0].format(status=502) in result.stderr


def test_epw_is_added_over_the_api_and_used(cli, app, remote, tmp_path):
    from registry.services.checks.weather_seed import qingdao_epw_bytes

    epw = model_file(tmp_path, qingdao_epw_bytes(), "qingdao.epw")
    model = model_file(tmp_path, (MODELS / "office_box.idf").read_bytes())
    result = _check(cli, remote, model, "--epw", epw, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["weather"]["name"] == weather_seed.QINGDAO_NAME  # identical file: reused


def test_check_over_the_api_imports_no_database_code():
    # The reason for the API path: what the direct path imports costs ~0.5 s per run.
    code = (
        "import sys\n"
        "from registry.cli import main\n"
        "main.get_command(None, 'check')\n"
        "import registry.cli.checks.remote\n"
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'pydantic', 'flask', 'eppy',"
        " 'registry.models', 'registry.services') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_reference_model_is_sent_beside_the_design(cli, app, remote, tmp_path):
    """`--reference` over the API: the second multipart file, pinned by its hash and stored
    beside the design (no worker here: the pair is compared when a worker takes it)."""
    from registry.config import Config
    from registry.services.checks.uploads import sha256_bytes, stored_model_path
    from registry.services.saving import designer
    from registry.services.saving import seed as saving_seed

    with Session(app.extensions["registry.engine"]) as session:
        saving_seed.seed(session)
    design = model_file(tmp_path, (MODELS / "office_small.idf").read_bytes(), "design.idf")
    reference = model_file(tmp_path, design.read_bytes() + b"\n! ours\n", "reference.idf")
    result = _check(cli, remote, design, "--saving-rate", "--reference", reference, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    config: Config = app.extensions["registry.config"]
    with Session(app.extensions["registry.engine"]) as session:
        row = session.get(Check, payload["id"])
        assert designer.reference_sha256(row.options) == sha256_bytes(reference.read_bytes())
        stored = designer.reference_path(stored_model_path(config, row))
        assert stored.read_bytes() == reference.read_bytes()
