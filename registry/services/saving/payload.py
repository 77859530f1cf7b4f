"""A saving-rate check's rates as plain data: `saving_rate` in --json, the API, page and PDF."""

from __future__ import annotations

from sqlmodel import Session, select

from registry import vocabulary
from registry.i18n import Locale, render
from registry.models import CheckSavingRate
from registry.services.saving.parameters import parameter_rows
from registry.services.saving.residential import residential_payload

VERIFIED = ("verified-primary", "verified-secondary")


def saving_payload(session: Session, check_id: int, lang: Locale) -> dict | None:
    row = session.exec(select(CheckSavingRate).where(CheckSavingRate.check_id == check_id)).first()
    if row is None:  # a residential check judges demands, with no reference building
        return residential_payload(session, check_id, lang)
    params = row.parameters or {}
    unverified = sorted(k for k, p in params.items() if p.get("source_status") not in VERIFIED)
    return {
        "design_kwh": row.design_kwh,
        "reference_kwh": row.reference_kwh,
        "renewable_kwh": row.renewable_kwh,
        "itself_pct": row.itself_pct,
        "comprehensive_pct": row.comprehensive_pct,
        "renewable_pct": row.renewable_pct,
        "level_met": row.level_met,
        "level_name": vocabulary.saving_level(row.level_met, lang),
        "airtightness": {
            "n50_declared": row.n50_declared,
            "n50_max": row.n50_max,
            "met": None if row.n50_declared is None else row.n50_declared <= row.n50_max,
        },
        "energy_basis": "electricity_equivalent_kwh",
        "reference_sha256": row.reference_sha256,
        "reference_run_seconds": row.reference_run_seconds,
        "reference_unmet_hours": {
            "occupied_heating": row.reference_unmet_heating_hours,
            "occupied_cooling": row.reference_unmet_cooling_hours,
        },
        "end_uses": row.end_uses,
        "reference_validity": row.reference_validity or [],
        "reference_valid": all(item["held"] for item in row.reference_validity or []),
        "reference_energyplus_messages": {
            k: (row.reference_err or {}).get(k, 0) for k in ("warnings", "severes", "fatals")
        },
        "changes": row.changes or [],
        # "designer": the designer's own reference model, compared with the design and run
        # as uploaded (no changes made); "generated": built from the design by the registry.
        "reference_source": (row.end_uses or {}).get("reference_source", "generated"),
        "consistency": (row.end_uses or {}).get("consistency"),
        "parameters": params,
        "parameter_rows": parameter_rows(params, lang),
        "parameters_unverified": bool(unverified),
        "unverified_note": render("saving.unverified", {}, lang) if unverified else None,
        "summary": render(
            "saving.summary",
            {
                "itself": f"{row.itself_pct:.1f}",
                "comprehensive": f"{row.comprehensive_pct:.1f}",
                "renewable": f"{row.renewable_pct:.1f}",
                "level": vocabulary.saving_level(row.level_met, lang),
            },
            lang,
        ),
    }
