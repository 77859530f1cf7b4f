"""How sure a number's source is, named once for the check page, the check report (PDF), the
quota tables and the validity rules, so a status never reaches a page as a bare code
(registry.vocabulary puts the names in the reader's language)."""

from __future__ import annotations

from registry.domain.text import NC_

SOURCE_STATUS_NAMES = {
    "verified-primary": NC_("source status", "verified (primary source)"),
    "verified-secondary": NC_("source status", "verified (secondary source)"),
    "derived": NC_("source status", "derived"),
    "assumption": NC_("source status", "assumption"),
    "unverified": NC_("source status", "UNVERIFIED"),
    # A validity rule the registry sets itself, after the practice its source names.
    "registry-rule": NC_("source status", "the registry's own rule"),
}
