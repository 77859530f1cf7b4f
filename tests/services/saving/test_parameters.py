"""An administrator confirms a reference parameter: its next version, the old one kept, the
change audited; a check made afterwards reads the new version and says so."""

from __future__ import annotations

import pytest
from sqlmodel import select

from registry.errors import PermissionDenied, ValidationFailed
from registry.models import AuditEvent, SavingParameter
from registry.services.saving import seed
from registry.services.saving.parameters import edit_parameter


def test_a_confirmed_parameter_is_its_next_version_and_audited(session, make_user):
    admin = make_user(session, role="admin", username="root")
    seed.seed(session)
    row = edit_parameter(
        session=session,
        actor=admin,
        key="wall_u",
        reason="read in the printed GB 50189-2015",
        source_status="verified-primary",
        source="GB 50189-2015 表3.3.1-3, p. 12",
    )
    assert (row.version, row.value, row.source_status) == (2, 0.5, "verified-primary")
    versions = session.exec(
        select(SavingParameter)
        .where(SavingParameter.key == "wall_u")
        .order_by(SavingParameter.version)
    ).all()
    assert [v.superseded_at is not None for v in versions] == [True, False]
    current = seed.current(session)["wall_u"]
    assert (current["version"], current["source_status"]) == (2, "verified-primary")
    event = session.exec(select(AuditEvent).where(AuditEvent.entity == "saving_parameter")).one()
    assert event.reason == "read in the printed GB 50189-2015"


def test_bad_edits_are_refused_with_messages(session, make_user):
    admin = make_user(session, role="admin", username="root")
    designer = make_user(session, role="designer", districts=())
    seed.seed(session)
    with pytest.raises(PermissionDenied):
        edit_parameter(session=session, actor=designer, key="wall_u", reason="x", value="0.4")
    with pytest.raises(ValidationFailed) as caught:
        edit_parameter(session=session, actor=admin, key="wall_u", reason="", value="thin")
    assert set(caught.value.field_errors) == {"reason", "value"}
    with pytest.raises(ValidationFailed):
        edit_parameter(session=session, actor=admin, key="wall_u", reason="r", value="-1")


def test_a_consistency_tolerance_is_an_editable_registry_rule(session, make_user):
    """The designer-reference tolerances are seeded as the registry's own rule; an edit is a
    new version the next comparison reads (`check_pair` takes them from these parameters)."""
    from registry.domain.saving.consistency_terms import tolerances

    admin = make_user(session, role="admin", username="root")
    seed.seed(session)
    seeded = seed.current(session)["consistency.air_rel"]
    assert (seeded["value"], seeded["source_status"]) == (0.01, "registry-rule")
    row = edit_parameter(
        session=session,
        actor=admin,
        key="consistency.air_rel",
        reason="fresh air rounded to 0.1 L/s in the design office's tool",
        value="0.02",
    )
    assert (row.version, row.value, row.source_status) == (2, 0.02, "registry-rule")
    assert tolerances(seed.current(session))["air_rel"] == 0.02
