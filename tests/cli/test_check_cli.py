"""`registry check` through click: upload, refusals as messages, waiting, and a light start."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from sqlmodel import Session

from registry.i18n import render
from registry.services.checks import weather_seed
from tests.cli.conftest import failed_by_a_worker, model_file
from tests.conftest import MODELS_DIR

MODELS = MODELS_DIR


@pytest.fixture
def building(app, make_user, make_building):
    with Session(app.extensions["registry.engine"], expire_on_commit=False) as session:
        weather_seed.seed(session)
        admin = make_user(session, role="admin", districts=())
        return make_building(session, admin)


def test_check_is_queued_and_printed_as_json(cli, building, tmp_path):
    model = model_file(tmp_path, (MODELS / "office_box.idf").read_bytes())
    result = cli("check", model, "--building", building.id, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["status"] == "queued" and payload["building_id"] == building.id
    assert payload["error"] is None and payload["result"] is None


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_refused_model_is_a_message_not_a_traceback(cli, building, tmp_path, lang):
    model = model_file(tmp_path, b"   \n")
    result = cli("check", model, "--building", building.id, "--lang", lang)
    assert result.exit_code == 1
    assert render("idf.empty", {}, lang) in result.stderr
    as_json = cli("check", model, "--building", building.id, "--json", "--lang", lang)
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["error"]["errors"]["idf"] == render("idf.empty", {}, lang)


def test_wait_follows_the_check_to_its_end(cli, app, building, tmp_path):
    model = model_file(tmp_path, (MODELS / "office_box.idf").read_bytes())
    started = time.monotonic()
    with failed_by_a_worker(app.extensions["registry.engine"], 0.05):
        result = cli(
            "check",
            model,
            "--building",
            building.id,
            "--wait",
            "--timeout",
            "60",
            "--json",
            "--lang",
            "en",
        )
    assert time.monotonic() - started < 30
    assert result.exit_code == 2, result.output
    payload = json.loads(result.stdout)
    assert payload["status"] == "failed"
    assert payload["error"]["message"] == render("energyplus.failed", {"returncode": 1}, "en")


def test_wait_gives_up_at_the_timeout_with_the_state_so_far(cli, building, tmp_path):
    model = model_file(tmp_path, (MODELS / "office_box.idf").read_bytes())
    result = cli("check", model, "--building", building.id, "--wait", "--timeout", "0", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == "queued"


def test_help_still_lists_every_command(cli):
    result = cli("--help")
    assert result.exit_code == 0
    for name in (
        "init",
        "create-user",
        "building",
        "record",
        "check",
        "weather",
        "tally",
        "import",
        "export",
    ):
        assert f"  {name} " in result.stdout or f"  {name}\n" in result.stdout, name


def test_every_command_is_found_in_its_own_module():
    # A command missing from COMMAND_HOMES still works, by loading every module: slower, and
    # silently so. Each module's commands must be listed against that module.
    import click

    from registry.cli import COMMAND_HOMES, COMMAND_MODULES

    for module in COMMAND_MODULES:
        group = click.Group()
        __import__(module, fromlist=["register"]).register(group)
        assert {name: COMMAND_HOMES.get(name) for name in group.commands} == dict.fromkeys(
            group.commands, module
        )


def test_check_command_loads_neither_the_web_app_nor_eppy():
    # What `registry check` imports before it uploads: each of these cost 0.1–0.5 s per run.
    code = (
        "import sys\n"
        "from registry.cli import main\n"
        "main.get_command(None, 'check')\n"
        "from registry.services.checks.payload import preload_payload\n"
        "preload_payload()\n"
        "print(sorted(m for m in ('flask', 'eppy', 'numpy', 'alembic', 'registry.cli.admin',"
        " 'registry.cli.imports', 'registry.cli.tally') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_weather_library_is_listed_by_place_in_the_chosen_language(cli, building):
    lines = cli("weather").stdout.splitlines()
    qingdao = next(line for line in lines if "qingdao-synthetic" in line)
    assert qingdao.split()[1:] == ["qingdao-synthetic", "青岛", "默认", "合成数据"], qingdao
    english = cli("weather", "--lang", "en").stdout
    assert "default" in english and "synthetic" in english and "青岛" not in english
