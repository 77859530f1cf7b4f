"""A temp dir that cannot be written, or fills up during the run, fails that check only."""

from __future__ import annotations

import tempfile

import pytest

from registry.i18n import render
from registry.services.checks.runner import execute_check
from tests.faults.conftest import office_variant

pytestmark = [pytest.mark.energyplus, pytest.mark.slow]


def _run(registry_db, make_user, make_building, label: str):
    check = registry_db.submit(make_user, make_building, office_variant(label))
    outcome = execute_check(
        engine=registry_db.engine,
        config=registry_db.config,
        check_id=check.id,
        worker=f"test:{label}",
    )
    return outcome, registry_db.check(check.id)


@pytest.mark.parametrize(
    ("size", "readonly", "reason"),
    [
        # A temp dir removed under the worker (a tmp cleaner): needs no privileges.
        (None, False, "No such file or directory"),
        ("64k", True, "Read-only file system"),
        # Smaller than the prepared model: writing in.idf fails in the registry's own code.
        ("16k", False, "No space left on device"),
        # Room for the model but not the engine's output: EnergyPlus exits 0 with an empty .err.
        ("64k", False, "No space left on device"),
    ],
    ids=["missing", "read-only", "full-before-run", "full-during-run"],
)
def test_unwritable_temp_dir_fails_the_check_clearly_and_the_next_one_runs(
    registry_db, make_user, make_building, monkeypatch, request, size, readonly, reason
):
    if size is None:
        bad = registry_db.tmp_path / "removed-tmp"
    else:
        bad = request.getfixturevalue("tmpfs")("tmp", size=size, readonly=readonly)
    monkeypatch.setattr(tempfile, "tempdir", str(bad))
    outcome, check = _run(registry_db, make_user, make_building, "bad-tmp")

    assert outcome == "failed"
    assert check.status == "failed" and check.error_code == "check.workdir_error"
    assert reason in check.error_params["error"]
    message = render(check.error_code, check.error_params, "zh")
    assert message.startswith("服务器临时目录不可写") and reason in message
    assert check.engine_pid is None and check.finished_at is not None
    # The run's folder was removed, even on a full disk.
    assert not bad.exists() or list(bad.iterdir()) == []

    monkeypatch.setattr(tempfile, "tempdir", str(registry_db.tmp_path))
    outcome, check = _run(registry_db, make_user, make_building, "good-tmp")
    assert (outcome, check.status) == ("done", "done"), (check.error_code, check.error_params)
