"""Feature modules that a build may leave out: imported by name, or None when absent."""

from __future__ import annotations

import importlib
from types import ModuleType


def optional_module(name: str) -> ModuleType | None:
    """The module `name`, or None when it is not in this build.

    Only the module's own absence is forgiven: a missing import *inside* it still raises, so
    a broken feature is never silently skipped.
    """
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None
