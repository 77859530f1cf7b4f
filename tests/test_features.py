"""Optional feature modules: an absent one is skipped, a broken one is not."""

from __future__ import annotations

import sys

import pytest

from registry.features import optional_module


def test_a_module_not_in_the_build_is_none():
    assert optional_module("registry.no_such_feature") is None
    assert optional_module("registry.messages") is sys.modules["registry.messages"]


def test_a_missing_import_inside_a_present_module_still_raises(tmp_path, monkeypatch):
    (tmp_path / "broken_feature.py").write_text("import no_such_dependency_here\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError, match="no_such_dependency_here"):
        optional_module("broken_feature")
