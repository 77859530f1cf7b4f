"""A check as plain data: what the CLI prints with --json and the API returns."""

from __future__ import annotations

from registry import vocabulary
from registry.i18n import Locale, messages, render
from registry.models import WeatherFile
from registry.services.checks import uploads as check_service
from registry.services.quotas import verdicts as quotas


def preload_payload() -> None:
    """Load what a finished check's payload needs, for callers that wait for the end."""
    messages()


def _verdict(session, check_id: int, lang: Locale):
    return quotas.verdict_for_check(session=session, check_id=check_id, locale=lang)


def check_payload(session, check, lang: Locale) -> dict:
    result, end_uses = check_service.result_of(session=session, check_id=check.id)
    weather = session.get(WeatherFile, check.weather_id) if check.weather_id else None
    payload = {
        "id": check.id,
        "building_id": check.building_id,
        "status": check.status,
        "status_name": vocabulary.check_state(check.status, lang),
        "attempts": check.attempts,
        "idf_sha256": check.idf_sha256,
        "weather": {"name": weather.name, "synthetic": weather.synthetic, "sha256": weather.sha256}
        if weather
        else None,
        "engine_version": check.engine_version,
        "run_seconds": check.run_seconds,
        "cached_from_id": check.cached_from_id,
        "warnings": [render(w["code"], w.get("params") or {}, lang) for w in check.warnings or []]
        + (
            # Queued, but the broker was down: it runs once the sweeper reaches the broker.
            [render("check.broker_unavailable", {}, lang)]
            if check.status == "queued" and check.enqueue_error
            else []
        ),
        "error": {
            "code": check.error_code,
            "message": render(check.error_code, check.error_params or {}, lang),
        }
        if check.error_code
        else None,
        "energyplus_messages": check.err_summary,
        "result": None,
    }
    if result is not None:
        payload["result"] = {
            "total_site_kwh": result.total_site_kwh,
            "eui_kwh_per_m2": result.eui_kwh_per_m2,
            "registered_area_m2": result.registered_area_m2,
            "model_total_area_m2": result.model_total_area_m2,
            "area_mismatch_pct": result.area_mismatch_pct,
            "by_fuel_kwh": result.by_fuel_kwh,
            "monthly_kwh": result.monthly_kwh,
            "end_uses": [
                {"end_use": e.end_use, "fuel": e.fuel, "energy_kwh": e.energy_kwh} for e in end_uses
            ],
            "engine_version": result.engine_version,
            "idf_sha256": result.idf_sha256,
            "epw_sha256": result.epw_sha256,
        }
    if check.status == "done":
        payload["verdict"] = _verdict(session, check.id, lang)
    return payload
