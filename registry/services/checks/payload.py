"""A check as plain data: what the CLI prints with --json and the API returns."""

from __future__ import annotations

from registry import citations, vocabulary
from registry.i18n import Locale, messages, render
from registry.models import WeatherFile
from registry.services.checks import uploads as check_service
from registry.services.checks.weather import default_weather
from registry.services.quotas import verdicts as quotas
from registry.services.saving import designer
from registry.services.saving import runs as saving_runs
from registry.services.saving.payload import saving_payload


def preload_payload() -> None:
    """Load what a finished check's payload needs, for callers that wait for the end."""
    messages()


def _verdict(session, check_id: int, lang: Locale):
    return quotas.verdict_for_check(session=session, check_id=check_id, locale=lang)


def _weather(session, check, verdict: dict | None, lang: Locale) -> dict | None:
    weather = session.get(WeatherFile, check.weather_id) if check.weather_id else None
    if weather is None:
        return None
    if verdict is not None:  # as judged when the result came, by the rule's pinned outcome
        rule = next(r for r in verdict["rules"] if r["key"] == "official_weather")
        official = rule["held"]
    else:
        designated = default_weather(session)
        official = designated is not None and designated.id == weather.id
    return {
        "name": weather.name,
        "place": vocabulary.weather(weather.name, weather.location, lang),
        "synthetic": weather.synthetic,
        "sha256": weather.sha256,
        "official": official,
    }


def _result(result, end_uses) -> dict:
    return {
        "total_site_kwh": result.total_site_kwh,
        "eui_kwh_per_m2": result.eui_kwh_per_m2,
        "registered_area_m2": result.registered_area_m2,
        "registered_heated_area_m2": result.registered_heated_area_m2,
        "model_total_area_m2": result.model_total_area_m2,
        "model_conditioned_area_m2": result.model_conditioned_area_m2,
        "area_mismatch_pct": result.area_mismatch_pct,
        "unmet_hours": {
            "occupied_heating": result.unmet_heating_hours,
            "occupied_cooling": result.unmet_cooling_hours,
        },
        "by_fuel_kwh": result.by_fuel_kwh,
        "monthly_kwh": result.monthly_kwh,
        "end_uses": [
            {"end_use": e.end_use, "fuel": e.fuel, "energy_kwh": e.energy_kwh} for e in end_uses
        ],
        "engine_version": result.engine_version,
        "idf_sha256": result.idf_sha256,
        "epw_sha256": result.epw_sha256,
    }


def _summary(payload: dict, lang: Locale) -> list[str]:
    """The sentences `registry check` prints after the EUI: the verdict or why it was
    withheld, the weather used, the cache, the engine's messages."""
    lines = []
    verdict = payload.get("verdict")
    if verdict is not None and verdict["official"]:
        if verdict["band"]:
            row = verdict["row"]
            primary = next(i for i in verdict["indicators"] if i["basis"] == verdict["basis"])
            lines.append(
                render(
                    "check.summary.official",
                    {
                        "basis": primary["basis_label"],
                        "value": f"{verdict['indicator_value']:,.2f}",
                        "unit": verdict["unit_label"],
                        "band": verdict["band_label"],
                        "standard": row["standard"],
                        "table": citations.table_name(row["table"], lang),
                    },
                    lang,
                )
            )
        else:
            reason = verdict["no_quota_reason"] or ""
            lines.append(render("check.summary.official_no_quota", {"reason": reason}, lang))
    elif verdict is not None:
        lines.append(render("check.summary.withheld", {}, lang))
        lines.extend(f"  - {item['message']}" for item in verdict["withheld"])
    weather = payload["weather"]
    if weather is not None and payload["result"] is not None:
        code = "weather_official" if weather["official"] else "weather_other"
        lines.append(render(f"check.summary.{code}", {"name": weather["place"]}, lang))
    if payload["result"] is not None:
        lines.append(
            render(f"check.summary.{'cached' if payload['cached'] else 'fresh'}", {}, lang)
        )
    saving = payload.get("saving_rate")
    if saving:
        lines.append(saving["summary"])
        if saving["unverified_note"]:
            lines.append(saving["unverified_note"])
    err = payload["energyplus_messages"]
    if err:
        counts = {k: err.get(k, 0) for k in ("warnings", "severes", "fatals")}
        lines.append(render("check.summary.engine", counts, lang))
    return lines


def check_payload(session, check, lang: Locale) -> dict:
    result, end_uses = check_service.result_of(session=session, check_id=check.id)
    verdict = _verdict(session, check.id, lang) if check.status == "done" else None
    payload = {
        "id": check.id,
        "building_id": check.building_id,
        "status": check.status,
        "status_name": vocabulary.check_state(check.status, lang),
        "attempts": check.attempts,
        "idf_sha256": check.idf_sha256,
        "weather": _weather(session, check, verdict, lang),
        "engine_version": check.engine_version,
        "run_seconds": check.run_seconds,
        "cached": check.cached_from_id is not None,
        "cached_from_id": check_service.own_cache_source(session, check),
        "warnings": [render(w["code"], w.get("params") or {}, lang) for w in check.warnings or []]
        + (
            # Queued, but the broker was down: it runs once the sweeper reaches the broker.
            [render("check.broker_unavailable", {}, lang)]
            if check.status == "queued" and check.enqueue_error
            else []
        ),
        "error": {
            "code": check.error_code,
            "message": designer.refusal_message(check.error_code, check.error_params, lang),
            "differences": designer.differences(check.error_code, check.error_params, lang),
        }
        if check.error_code
        else None,
        "energyplus_messages": check.err_summary,
        "result": _result(result, end_uses) if result is not None else None,
    }
    if check.status == "done":
        payload["verdict"] = verdict
    if saving_runs.is_saving_check(check.options):
        payload["saving_rate"] = saving_payload(session, check.id, lang)
    payload["summary"] = _summary(payload, lang)
    return payload
