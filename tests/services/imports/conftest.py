"""Fixtures of the import tests."""

from __future__ import annotations

import pytest

from registry.services.imports import kept, preview
from registry.services.imports import plan as import_plan


@pytest.fixture
def sorted_rows(monkeypatch):
    """How many rows each dry run sorted (`classify_chunk`), one entry per run's chunk."""
    sorted_: list[int] = []
    real = import_plan.classify_chunk

    def counted(*, chunk, **kwargs):
        sorted_.append(len(chunk))
        return real(chunk=chunk, **kwargs)

    monkeypatch.setattr(preview, "classify_chunk", counted)
    kept.keep(None)
    yield sorted_
    kept.keep(None)
