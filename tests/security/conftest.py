"""A registry with one user of every role and real rows, made through the services.

The world is built once per module: every request in the role matrix gets its own fresh
target row (a new draft, a new submitted record, a new check), so the order the cases run
in never changes what they see.
"""

from __future__ import annotations

import itertools
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, SQLModel

from registry import create_app
from registry.db import make_engine
from registry.models import User
from registry.services import users as user_service
from registry.services.buildings import records as record_service
from registry.services.buildings import registration as building_service
from registry.services.checks import uploads as check_service
from registry.services.checks import weather_seed
from registry.services.quotas import seed as quota_seed
from registry.services.tally import targets_seed
from tests.conftest import building_data, make_config, seed_reference, take_to
from tests.web.conftest import compiled_translations  # noqa: F401  (autouse fixture)

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "energyplus_models" / "office_box.idf"
PASSWORD = "correct-horse-battery"
DISTRICT = "370202"  # 市南区: the building's district
OTHER_DISTRICT = "370203"  # 市北区

# Who asks. "designer_own" registered the building every target sits on; "designer_other"
# did not. "officer" works in the building's district, "officer_other" in another one.
ROLES = (
    "anonymous",
    "viewer",
    "designer_own",
    "designer_other",
    "officer_other",
    "officer",
    "admin",
)
_counter = itertools.count(1)


@dataclass
class World:
    app: object
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    building_id: int = 0
    approved_label: str = ""

    def session(self) -> Session:
        return Session(self.app.extensions["registry.engine"], expire_on_commit=False)

    def record(self, status: str = "draft", approved_on=None, **data) -> int:
        """A new record on the building, brought to `status` by its designer and officer
        ("notice": reviewed on its issue date, so its notice has ended unless `approved_on`
        is today)."""
        with self.session() as session:
            record = record_service.add_record(
                session=session,
                actor=self.users["designer_own"],
                building_id=self.building_id,
                data=record_data(**data),
            )
            take_to(
                session,
                record,
                status,
                actor=self.users["designer_own"],
                approver=self.users["officer"],
                approved_on=approved_on,
            )
            return record.id

    def objection(self) -> tuple[int, int]:
        """A record under notice today and an objection to it: (record id, objection id)."""
        from registry.domain import dates
        from registry.services.notice import objections

        today = dates.today()
        record_id = self.record("notice", approved_on=today, issued_on=today)
        with self.session() as session:
            objection = objections.lodge(
                session=session, record_id=record_id, reason="面积不符", contact="王 139"
            )
        return record_id, objection.id

    def check(self) -> int:
        """A new queued energy check of the building, uploaded by its designer."""
        with self.session() as session:
            check = check_service.create_check(
                session=session,
                actor=self.users["designer_own"],
                config=self.app.extensions["registry.config"],
                building_id=self.building_id,
                idf_bytes=MODEL.read_bytes() + f"\n! {uuid.uuid4().hex}\n".encode(),
                filename="office_box.idf",
                enqueue=None,
            )
            return check.id

    def stand_in(self, role: str) -> User:
        """A new user of `role`'s kind, for a request that ends its user's sessions (logout)
        and must not end the world's."""
        base = role.split("_")[0]
        districts = {"officer": [DISTRICT], "officer_other": [OTHER_DISTRICT]}.get(role, [])
        with self.session() as session:
            return user_service.create_user(
                session=session,
                actor=None,
                username=f"{role}-{next(_counter)}",
                password=PASSWORD,
                role=base,
                districts=districts,
            )

    def client(self, role: str, lang: str | None = None, user: User | None = None):
        """A test client logged in as `role` (anonymous: not logged in), or as `user`."""
        client = self.app.test_client()
        if role != "anonymous":
            user = user or self.users[role]
            with client.session_transaction() as cookie_session:
                # What a login stamps in the cookie (registry/auth.py).
                cookie_session["_user_id"] = f"{user.id}:{user.session_generation}"
                cookie_session["_login_at"] = int(time.time())
                cookie_session["_fresh"] = True
                if lang:
                    cookie_session["lang"] = lang
        return client

    def headers(self, role: str, lang: str | None = None) -> dict[str, str]:
        headers = {}
        if role != "anonymous":
            headers["Authorization"] = f"Bearer {self.tokens[role]}"
        if lang:
            headers["Accept-Language"] = lang
        return headers


def record_data(**overrides) -> dict:
    data = {
        "kind": "green_label",
        "level": "2",
        "stage": "evaluation",
        # Digits only after the prefix: a PDF cell that wraps the number leaves a fragment,
        # and hex letters there ("de") read as stray Latin to the language scanner.
        "label_number": f"QD-SEC-{uuid.uuid4().int % 10**10:010d}",
        "issued_on": date(2021, 6, 1),
    }
    data.update(overrides)
    return data


def build_world(app) -> World:
    world = World(app=app)
    engine = app.extensions["registry.engine"]
    with Session(engine, expire_on_commit=False) as session:
        weather_seed.seed(session)
        quota_seed.seed(session)
        targets_seed.seed(session)
        for role in ROLES[1:]:
            base = role.split("_")[0]
            districts = {"officer": [DISTRICT], "officer_other": [OTHER_DISTRICT]}.get(role, [])
            user = user_service.create_user(
                session=session,
                actor=None,
                username=f"{role}-{next(_counter)}",
                password=PASSWORD,
                role=base,
                districts=districts,
            )
            world.users[role] = user
            world.tokens[role] = user_service.issue_api_token(
                session=session, actor=user, user=user
            )
        building = building_service.register_building(
            session=session,
            actor=world.users["designer_own"],
            data=building_data(district_code=DISTRICT),
        )
        world.building_id = building.id
    approved = world.record("approved")
    with world.session() as session:
        world.approved_label = record_service.get_record(
            session=session, record_id=approved
        ).label_number
    return world


def new_app(tmp_path: Path, **overrides):
    database_url = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    engine = make_engine(database_url)
    SQLModel.metadata.create_all(engine)
    seed_reference(engine)
    engine.dispose()
    overrides.setdefault("WTF_CSRF_ENABLED", False)
    # Every case comes from one address; the limits have tests of their own.
    overrides.setdefault("VERIFY_RATE_LIMIT", "100000 per minute")
    overrides.setdefault("LOGIN_RATE_LIMIT", "100000 per minute")
    # Every case uploads a check of its own; the per-user waiting limit has its own tests
    # (tests/services/checks/test_turns.py).
    overrides.setdefault("CHECK_MAX_QUEUED_PER_USER", 0)
    return create_app(make_config(tmp_path, database_url, **overrides))


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    app = new_app(tmp_path_factory.mktemp("security"))
    yield build_world(app)
    app.extensions["registry.engine"].dispose()
