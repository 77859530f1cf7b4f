"""Objections to a record under public notice: how one can end."""

from __future__ import annotations

from registry.domain.text import NC_

OUTCOMES = {
    "dismissed": NC_("objection status", "Dismissed"),
    "upheld": NC_("objection status", "Upheld"),
}
OBJECTION_STATUSES = {"open": NC_("objection status", "Open"), **OUTCOMES}
