"""The saving-rate check's refusal, light to import (no eppy): the worker and the tests catch
it without loading the transformation."""

from __future__ import annotations


class SavingRejected(Exception):
    """The model cannot be turned into a reference building; `code` is a message key."""

    def __init__(self, code: str, params: dict | None = None):
        super().__init__(code)
        self.code = code
        self.params = params or {}
