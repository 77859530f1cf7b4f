"""The weather library: list it, add a user's EPW (validated, stored under a generated name)."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlmodel import Session, select

from registry.config import Config
from registry.domain.checks.weather import BOM, EpwRejected, validate_epw
from registry.errors import ValidationFailed
from registry.models import User, WeatherFile
from registry.services import permissions
from registry.services.audit import record_event


def is_qingdao(latitude: float, longitude: float) -> bool:
    """Within about 50 km of Qingdao's station 54857 (36.07 N, 120.33 E)."""
    return abs(latitude - 36.07) <= 0.5 and abs(longitude - 120.33) <= 0.5


def default_weather(session: Session) -> WeatherFile | None:
    """The official weather year: the one an administrator designated (or the seeded one)."""
    return session.exec(
        select(WeatherFile).where(WeatherFile.is_default).order_by(WeatherFile.id.desc())
    ).first()


def list_weather(*, session: Session) -> list[WeatherFile]:
    return list(
        session.exec(select(WeatherFile).order_by(WeatherFile.is_default.desc(), WeatherFile.name))
    )


def add_weather(
    *,
    session: Session,
    actor: User,
    config: Config,
    data: bytes,
    name: str,
    source: str = "",
) -> WeatherFile:
    """Validate and store an EPW; identical files are stored once and reused."""
    permissions.require_writer(actor)
    data = data.removeprefix(BOM)  # stored, hashed and run without it
    try:
        info = validate_epw(data)
    except EpwRejected as exc:
        raise ValidationFailed({"epw": (exc.code, exc.params)}) from None
    same = session.exec(select(WeatherFile).where(WeatherFile.sha256 == info.sha256)).first()
    if same is not None:
        return same
    folder = Path(config.WEATHER_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"{uuid.uuid4().hex}.epw"
    stored.write_bytes(data)
    base = Path(name or info.city or "weather").stem[:80] or "weather"
    unique = base
    while session.exec(select(WeatherFile).where(WeatherFile.name == unique)).first():
        unique = f"{base}-{info.sha256[:8]}"
        if unique == base:
            break
    # A measured Qingdao year (e.g. the CSWD file) replaces the synthetic default, when an
    # administrator adds it: the default decides every check's weather, so a designer's file
    # (`registry check --epw`) is used for that designer's checks only.
    measured_qingdao = (
        permissions.can_designate_default_weather(actor)
        and is_qingdao(info.latitude, info.longitude)
        and "SYNTHETIC" not in data[:2000].decode("latin-1").upper()
    )
    if measured_qingdao:
        for other in session.exec(select(WeatherFile).where(WeatherFile.is_default)):
            other.is_default = False
            session.add(other)
    row = WeatherFile(
        is_default=measured_qingdao,
        name=unique,
        location=f"{info.city}, {info.country}".strip(", "),
        source=source or "uploaded",
        sha256=info.sha256,
        path=stored.name,
        latitude=info.latitude,
        longitude=info.longitude,
        time_zone=info.time_zone,
        elevation_m=info.elevation_m,
        uploaded_by_id=actor.id,
    )
    session.add(row)
    session.flush()
    record_event(
        session=session,
        actor=actor,
        entity="weather",
        entity_id=row.id,
        action="create",
        after={"name": row.name, "sha256": row.sha256, "default": row.is_default},
    )
    session.commit()
    return row
