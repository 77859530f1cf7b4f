"""Every table, imported here so SQLModel.metadata knows them all (Alembic, create_all)."""

from registry.models.core import (  # noqa: F401
    AuditEvent,
    AuditEventPublic,
    Building,
    BuildingBase,
    BuildingPublic,
    Certificate,
    CertificateBase,
    CertificatePublic,
    User,
    utcnow,
)
from registry.models.checks import (  # noqa: F401, E402
    ACTIVE_STATES,
    CHECK_STATES,
    Check,
    CheckEndUse,
    CheckResult,
    WeatherFile,
)
from registry.models.targets import Target  # noqa: F401, E402
