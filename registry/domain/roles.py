"""The four roles and their names; what each may do is decided in services/permissions.py."""

from __future__ import annotations

from registry.domain.text import NC_

ADMIN, OFFICER, DESIGNER, VIEWER = ROLES = ("admin", "officer", "designer", "viewer")
ROLE_NAMES = {
    ADMIN: NC_("role", "Administrator"),
    OFFICER: NC_("role", "Certification officer"),
    DESIGNER: NC_("role", "Designer"),
    VIEWER: NC_("role", "Viewer"),
}
