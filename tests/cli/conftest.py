"""The CLI tests' shared fixture: `registry ARGS...` run by click against the test app."""

from __future__ import annotations

import pytest

import registry.cli.common
from registry.cli import main


@pytest.fixture
def cli(app, runner, monkeypatch):
    """Run `registry ARGS...` against the test app; returns click's Result. A command may end
    with SystemExit (its exit code); any other exception, or a traceback shown, fails."""
    monkeypatch.setattr(registry.cli.common, "_app", app)

    def invoke(*args):
        result = runner.invoke(main, [str(arg) for arg in args])
        assert "Traceback" not in result.output
        if result.exception is not None:
            assert isinstance(result.exception, SystemExit), result.exception
        return result

    return invoke
