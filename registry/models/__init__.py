"""Every table, imported here so SQLModel.metadata knows them all (Alembic, create_all)."""

from registry.models.accounts import ApiToken, ApiTokenPublic, LoginThrottle  # noqa: F401
from registry.models.checks import (  # noqa: F401, E402
    ACTIVE_STATES,
    CHECK_STATES,
    FINAL_STATES,
    Check,
    CheckEndUse,
    CheckResult,
    WeatherFile,
)
from registry.models.core import (  # noqa: F401
    AuditEvent,
    AuditEventPublic,
    Building,
    BuildingBase,
    BuildingPublic,
    Record,
    RecordBase,
    RecordPublic,
    User,
    utcnow,
)
from registry.models.imports import (  # noqa: F401, E402
    ImportBatch,
    ImportBatchPublic,
    ImportClaim,
    ImportJob,
    ImportMapping,
)
from registry.models.metered import (  # noqa: F401, E402
    DegreeDayYear,
    MeteredYear,
    MeteredYearBase,
)
from registry.models.notice import (  # noqa: F401, E402
    CalendarDay,
    CalendarYear,
    NoticeObjection,
    NoticeObjectionPublic,
    Setting,
)
from registry.models.parcels import Parcel, ParcelCondition, PolicyFloor  # noqa: F401, E402
from registry.models.quotas import (  # noqa: F401, E402
    CheckVerdict,
    QuotaRow,
    QuotaRowPublic,
    QuotaRowUpdate,
)
from registry.models.saving import (  # noqa: F401, E402
    CheckResidentialDemand,
    CheckSavingRate,
    RecordSavingEvidence,
    SavingParameter,
)
from registry.models.targets import (  # noqa: F401, E402
    TallyDocument,
    TallyEpisode,
    TallyHorizon,
    TallyStamp,
    Target,
)
from registry.models.validity import (  # noqa: F401, E402
    CheckValidity,
    ValidityRule,
    ValidityRuleUpdate,
)
