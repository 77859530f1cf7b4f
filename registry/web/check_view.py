"""Plain data for the check pages (shared by the HTML view and, later, the PDF report)."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from registry.errors import ValidationFailed
from registry.i18n import Locale, render
from registry.models import ACTIVE_STATES, Building, User, WeatherFile, utcnow
from registry.services import permissions
from registry.services.checks import uploads as check_service
from registry.services.saving import designer

STEPS = ("queued", "validating", "running", "reading", "done")


def read_upload(storage, max_bytes: int, field: str = "idf") -> tuple[bytes, str]:
    """The uploaded file's bytes and its (display-only) name, or an error on `field`."""
    if storage is None or not storage.filename:
        raise ValidationFailed({field: ("check.file_required", {})})
    name = Path(storage.filename).name
    if not name.lower().endswith(".idf"):
        raise ValidationFailed({field: ("check.wrong_extension", {"name": name[:80]})})
    data = storage.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValidationFailed(
            {
                field: (
                    "check.too_large",
                    {
                        "size_mb": f">{max_bytes / 1048576:.2g}",
                        "max_mb": f"{max_bytes / 1048576:.2g}",
                    },
                )
            }
        )
    return data, name


def read_reference(storage, max_bytes: int) -> tuple[bytes | None, str]:
    """The optional reference model's upload: (None, "") when the field was left empty."""
    if storage is None or not storage.filename:
        return None, ""
    return read_upload(storage, max_bytes, field="reference")


def _elapsed_s(check) -> float | None:
    start = check.started_at or check.queued_at
    end = check.finished_at or (utcnow() if check.status != "cancelled" else None)
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds())


def _saving(session: Session, check, locale: Locale) -> dict | None:
    from registry.services.saving.payload import saving_payload
    from registry.services.saving.runs import is_saving_check

    if not is_saving_check(check.options) or check.status != "done":
        return None
    return saving_payload(session, check.id, locale)


def _citable(session: Session, actor: User, check) -> list:
    from registry.services.saving.evidence import citable_records
    from registry.services.saving.runs import is_saving_check

    if not is_saving_check(check.options) or check.status != "done":
        return []
    return citable_records(session, actor, check)


def check_context(session: Session, actor: User, check_id: int, locale: Locale) -> dict:
    check = check_service.get_check(session=session, actor=actor, check_id=check_id)
    building = session.get(Building, check.building_id)
    weather = session.get(WeatherFile, check.weather_id) if check.weather_id else None
    result, end_uses = check_service.result_of(session=session, check_id=check.id)
    error = designer.refusal_message(check.error_code, check.error_params, locale)
    warnings = [render(w["code"], w.get("params") or {}, locale) for w in check.warnings or []]
    verdict = None
    if check.status == "done":
        from registry.services.quotas.verdicts import verdict_for_check

        verdict = verdict_for_check(session=session, check_id=check.id, locale=locale)
    rules = {r["key"]: r for r in verdict["rules"]} if verdict else {}
    step = STEPS.index(check.status) if check.status in STEPS else None
    from registry.services.checks.charts import check_charts  # matplotlib: loaded on first use only

    return {
        "check": check,
        "building": building,
        "weather": weather,
        "result": result,
        "submitted_by": session.get(User, check.created_by_id) if check.created_by_id else None,
        "end_uses": end_uses,
        "charts": check_charts(result, end_uses, locale),
        "verdict": verdict,
        "saving": _saving(session, check, locale),
        "saving_citable": _citable(session, actor, check),
        "own_cache_source": check_service.own_cache_source(session, check),
        "area_rule": rules.get("floor_area"),
        "weather_official": rules["official_weather"]["held"] if rules else False,
        "error": error,
        "differences": designer.differences(check.error_code, check.error_params, locale),
        "warnings": warnings,
        "steps": STEPS,
        "step_index": step,
        "active": check.status in ACTIVE_STATES or check.status == "queued",
        "elapsed_s": _elapsed_s(check),
        "err": check.err_summary or {},
        "can_cancel": check.status not in ("done", "failed", "cancelled")
        and permissions.can_cancel_check(actor, created_by_id=check.created_by_id),
    }
