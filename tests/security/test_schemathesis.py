"""Schemathesis with every check on, against every operation in /api/openapi.json, as an
admin with real rows seeded: no server error, no answer outside the document (status, content
type, headers, schema), every 405 with `Allow`, schema-invalid input refused, schema-valid
input accepted or refused only by a documented rule (tests/security/schemathesis.toml),
authentication never ignored.

The run is schemathesis' own command (`schemathesis run --checks all --mode all`: its
examples, coverage, fuzzing and stateful phases) against the app served on a free port, so
every check it has is the one it ships; the run's report is kept in test-output/.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select

from registry.models import ParcelCondition
from registry.services import users as user_service
from tests.conftest import serve
from tests.faults.conftest import ROOT, write_figures

pytestmark = pytest.mark.slow

CONFIG = Path(__file__).with_name("schemathesis.toml")
EXAMPLES_PER_OPERATION = 25
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def _run_config(world, tmp_path: Path) -> Path:
    """The repository's settings plus the ids of real rows: user-changing operations act on
    a user of their own (never the admin whose token runs them)."""
    target = world.stand_in("viewer")
    with world.session() as session:
        user_service.issue_api_token(session=session, actor=target, user=target, name="fuzzed")
        token = user_service.list_tokens(session=session, actor=target, user=target)[0]
    from registry.services.parcels import parcels as parcel_service

    with world.session() as session:
        parcel = parcel_service.add_parcel(
            session=session,
            actor=world.users["officer"],
            data={"number": "FUZZ-1", "district_code": "370202"},
            conditions=[{"kind": "min_star", "status": "unverified"}],
        )
        condition_id = session.exec(
            select(ParcelCondition.id).where(ParcelCondition.parcel_id == parcel.id)
        ).one()
    parameters = {
        "path.number": f'"{parcel.number}"',
        "path.condition_id": condition_id,
        "path.user_id": target.id,
        "path.token_id": token.id,
        "path.building_id": world.building_id,
        "path.record_id": world.record("submitted"),
        "path.check_id": world.check(),
        "path.label": f'"{world.approved_label}"',
    }
    lines = [CONFIG.read_text(), "", "[parameters]"]
    lines += [f'"{name}" = {value}' for name, value in parameters.items()]
    path = tmp_path / "schemathesis.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_every_check_passes_on_every_operation(world, tmp_path):
    config = _run_config(world, tmp_path)
    operations = {
        (method, rule.rule)
        for rule in world.app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in (rule.methods or ()) - {"HEAD", "OPTIONS"}
    }
    with serve(world.app) as base:
        result = subprocess.run(
            [
                str(SCHEMATHESIS),
                "--config-file",
                str(config),
                "--no-color",
                "run",
                f"{base}/api/openapi.json",
                "--checks",
                "all",
                "--mode",
                "all",
                "--max-examples",
                str(EXAMPLES_PER_OPERATION),
                "--generation-deterministic",
                "--workers",
                "1",
                "--header",
                f"Authorization: Bearer {world.tokens['admin']}",
                "--report",
                "junit",
                "--report-junit-path",
                str(ROOT / "test-output" / "schemathesis-junit.xml"),
            ],
            capture_output=True,
            text=True,
            timeout=900,
            cwd=tmp_path,  # where schemathesis keeps its cache of crashes
        )
    output = result.stdout + result.stderr
    tested = re.search(r"Tested: (\d+)", output)
    cases = re.search(r"(\d+) generated", output)
    write_figures(
        "schemathesis",
        {
            "exit_code": result.returncode,
            "operations_tested": int(tested.group(1)) if tested else None,
            "cases_generated": int(cases.group(1)) if cases else None,
            "summary": output[output.rfind("SUMMARY") :][:2000],
        },
    )
    assert result.returncode == 0, output[-8000:]
    # Every API route but the document itself, which schemathesis reads rather than tests.
    assert tested and int(tested.group(1)) == len(operations) - 1, output[-3000:]
    assert "Authentication failed" not in output, output[-3000:]
