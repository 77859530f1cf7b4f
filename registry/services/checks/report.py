"""The energy check report: one check as a plain dict, then that dict as PDF bytes.

The same pattern as the annual tally (`registry.documents.tally_report`): the context holds
only plain values (no ORM objects), the template is `reports/check.html`, WeasyPrint loads
nothing but files in `reports/` and `data:` URIs, and the text is Chinese unless the reader
chose English.
The QR code points at the check's page in the registry, so a printed copy leads back to it.
"""

from __future__ import annotations

import io
from datetime import datetime

from sqlmodel import Session

from registry import vocabulary
from registry.documents.rendering import render_pdf, svg_data_uri
from registry.domain import dates
from registry.domain.quotas.verdict import typeset_unit
from registry.i18n import Locale, lang_code, locale_of
from registry.models import Building, User, WeatherFile
from registry.services.checks import uploads as check_service
from registry.services.checks.payload import check_payload


# End uses and fuels print in the reader's language only: a bilingual label
# ("室内照明 Interior Lighting") reads as a code on a document the bureau signs.
def _fuel(fuel: str, locale: Locale) -> str:
    return vocabulary.fuel(fuel, locale)


def _end_use(end_use: str, locale: Locale) -> str:
    return vocabulary.end_use(end_use, locale)


def _iso(moment: datetime | None) -> str | None:
    """A time of the check as the report prints it: Beijing time (named once, by the report)."""
    return dates.shown(moment, seconds=True) if moment else None


def check_url(base_url: str, check_id: int) -> str:
    return f"{base_url.rstrip('/')}/checks/{check_id}"


def qr_data_uri(url: str) -> str:
    """An SVG QR code of `url` as a data: URI (the report's fetcher accepts those)."""
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        buffer, kind="svg", scale=4, border=2, xmldecl=False, svgns=True
    )
    return svg_data_uri(buffer.getvalue().decode("utf-8"))


def _building(building: Building, locale: Locale) -> dict:
    return {
        "id": building.id,
        "name": building.name,
        "address": building.address,
        "district": vocabulary.district(building.district_code, locale),
        "building_type": vocabulary.building_type(building.building_type, locale),
        "sub_type": vocabulary.sub_type(building.building_type, building.sub_type, locale),
        "hvac_class": vocabulary.hvac_class(building.hvac_class, locale) or None,
        "heating_type": vocabulary.heating_type(building.heating_type, locale) or None,
        "floor_area_m2": building.floor_area_m2,
        "heated_area_m2": building.heated_area_m2,
        "annual_use_hours": building.annual_use_hours,
        "area_per_person_m2": building.area_per_person_m2,
    }


def _verdict(verdict: dict | None, locale: Locale) -> dict | None:
    """The verdict dict with readable source statuses and fuel names added."""
    if verdict is None:
        return None
    indicators = []
    for item in verdict["indicators"]:
        row = item["row"]
        if row is not None:
            row = {
                **row,
                "source_status_name": vocabulary.source_status_name(row["source_status"], locale),
                "unverified": row["source_status"] == "unverified",
            }
        indicators.append({**item, "row": row})
    accounting = verdict["accounting"]
    assessed_at = verdict.get("assessed_at")
    return {
        **verdict,
        "assessed_at_shown": dates.shown(datetime.fromisoformat(assessed_at), seconds=True)
        if assessed_at
        else "",
        "indicators": indicators,
        "unverified": any(i["row"] and i["row"]["unverified"] for i in indicators),
        "accounting": {
            **accounting,
            "heating": [
                (_fuel(f, locale), kwh)
                for f, kwh in sorted(accounting["heating_kwh_by_fuel"].items())
            ],
            "non_heating": [
                (_fuel(f, locale), kwh)
                for f, kwh in sorted(accounting["non_heating_kwh_by_fuel"].items())
            ],
            "excluded": [
                {
                    **e,
                    "end_use": _end_use(e["end_use"], locale),
                    "fuel": _fuel(e["fuel"], locale),
                }
                for e in accounting["excluded"]
            ],
            "factors": [
                {
                    **f,
                    "name": vocabulary.conversion_factor(f["key"], locale),
                    "unit_label": typeset_unit(f["unit"]),
                    # As the standard prints it: no padding zeros (0.31, 1.2143, 29.3076).
                    "value_shown": f"{f['value']:g}",
                    "status": vocabulary.source_status_name(f["status"], locale),
                }
                for f in accounting["factors"]
            ],
        },
    }


def _charts(session: Session, check_id: int, locale: Locale) -> dict[str, str]:
    """The check page's charts, as images the report embeds (the same figures on paper)."""
    from registry.services.checks.charts import check_charts  # matplotlib: on first use

    result, end_uses = check_service.result_of(session=session, check_id=check_id)
    return {name: svg_data_uri(svg) for name, svg in check_charts(result, end_uses, locale).items()}


def _who(user: User | None) -> str:
    if user is None:
        return "—"
    return (
        f"{user.display_name} ({user.username})"
        if user.display_name != user.username
        else user.username
    )


def report_context(
    *,
    session: Session,
    actor: User,
    check_id: int,
    locale: object,
    base_url: str,
    generated_at: datetime | None = None,
) -> dict:
    """Everything the check report shows, as plain values; raises if `actor` may not see it."""
    check = check_service.get_check(session=session, actor=actor, check_id=check_id)
    locale = locale_of(locale)
    payload = check_payload(session, check, locale)
    building = session.get(Building, check.building_id)
    weather = session.get(WeatherFile, check.weather_id) if check.weather_id else None
    result = payload["result"]
    verdict = payload.get("verdict")
    if result is not None:
        area_rule = next(
            (r for r in (verdict or {}).get("rules", []) if r["key"] == "floor_area"), None
        )
        result = {
            **result,
            "area_mismatch": area_rule is not None and not area_rule["held"],
            "fuels": [
                (_fuel(f, locale), kwh) for f, kwh in sorted((result["by_fuel_kwh"] or {}).items())
            ],
            "end_uses": [
                {
                    **e,
                    "end_use": _end_use(e["end_use"], locale),
                    "fuel": _fuel(e["fuel"], locale),
                }
                for e in result["end_uses"]
            ],
        }
    url = check_url(base_url, check.id)
    return {
        "charts": _charts(session, check.id, locale),
        "locale": locale,
        "lang": lang_code(locale),
        "time_zone": vocabulary.time_zone(locale),
        "generated_at": _iso(generated_at or dates.now_utc()),
        "url": url,
        "qr": qr_data_uri(url),
        "check": {
            "id": check.id,
            "status": check.status,
            "status_name": payload["status_name"],
            "model_name": check.idf_original_name,
            "model_size_bytes": check.idf_size_bytes,
            "model_sha256": check.idf_sha256,
            # The engine's version as its maker numbers it (25.2.0), not the package pin.
            "engine_version": (
                result["engine_version"] if result else check.engine_version or ""
            ).rsplit("==", 1)[-1],
            "queued_at": _iso(check.queued_at),
            "started_at": _iso(check.started_at),
            "finished_at": _iso(check.finished_at),
            "run_seconds": check.run_seconds,
            "attempts": check.attempts,
            "cached": payload["cached"],
            "cached_from_id": check.cached_from_id,
            "submitted_by": _who(session.get(User, check.created_by_id)),
            "warnings": payload["warnings"],
            "error": payload["error"]["message"] if payload["error"] else None,
            "energyplus_messages": {
                k: (check.err_summary or {}).get(k, 0) for k in ("warnings", "severes", "fatals")
            },
        },
        "weather": {
            "name": weather.name,
            "location": vocabulary.weather(weather.name, weather.location, locale),
            "synthetic": weather.synthetic,
            "official": payload["weather"]["official"],
            "source": weather.source,
            "sha256": weather.sha256,
        }
        if weather
        else None,
        "building": _building(building, locale),
        "result": result,
        "verdict": _verdict(verdict, locale),
        "saving": payload.get("saving_rate"),
    }


def report_filename(context: dict) -> str:
    return f"check-{context['check']['id']}-{context['lang']}.pdf"


def check_pdf(context: dict) -> bytes:
    """The check report as PDF bytes, from `report_context`'s dict."""
    return render_pdf("check.html", context)
