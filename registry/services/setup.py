"""Installation: migrate, load reference data, create the first admin."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from werkzeug.security import check_password_hash

from registry import vocabulary
from registry.domain.users.passwords import generate_password
from registry.i18n import DEFAULT_LOCALE
from registry.migrate import upgrade
from registry.models import User
from registry.services import permissions
from registry.services.checks import validity as validity_rules
from registry.services.checks import weather_seed
from registry.services.notice import calendar as holiday_calendar
from registry.services.quotas import seed as quota_seed
from registry.services.saving import seed as saving_seed
from registry.services.tally import targets_seed
from registry.services.users import create_user

# Reference-data loaders, each `seed(session) -> str` (a line for the log); idempotent.
SEEDERS = (targets_seed, quota_seed, validity_rules, weather_seed, holiday_calendar, saving_seed)


def initialise(engine: Engine, database_url: str) -> list[str]:
    """Bring the database to the newest schema and load reference data; safe to rerun."""
    upgrade(database_url)
    lines = ["schema: up to date"]
    with Session(engine, expire_on_commit=False) as session:
        for seeder in SEEDERS:
            lines.append(seeder.seed(session))
    return lines


def ensure_first_admin(engine: Engine, instance_dir: Path) -> tuple[str, str | None]:
    """Create `admin` with a random password if no admin exists.

    The password is kept in instance/first_login.txt (mode 600) so `make run` can show it
    again until the admin changes it; returns (username, password or None if unknown).
    """
    path = instance_dir / "first_login.txt"
    with Session(engine, expire_on_commit=False) as session:
        admin = session.exec(select(User).where(User.role == permissions.ADMIN)).first()
        if admin is None:
            password = generate_password("admin")
            admin = create_user(
                session=session,
                actor=None,
                username="admin",
                password=password,
                role="admin",
                # The first user's name, in the registry's default language.
                display_name=vocabulary.role(permissions.ADMIN, DEFAULT_LOCALE),
            )
            instance_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(f"{admin.username}\n{password}\n")
            path.chmod(0o600)
            return admin.username, password
    if path.exists():
        username, password = (path.read_text().splitlines() + ["", ""])[:2]
        if (
            username == admin.username
            and password
            and check_password_hash(admin.password_hash, password)
        ):
            return username, password
        # The admin changed the password: the note is stale, so it goes.
        path.unlink()
    return admin.username, None
