"""The breach list for the natural-resources bureau, as rows for the page, the XLSX and the
Chinese PDF: every building short, overdue or revoked, and every area condition short, with
the clause, what was required and reached, the shortfall and the dates."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from registry import vocabulary
from registry.documents import rendering
from registry.domain import dates
from registry.domain.text import NC_
from registry.i18n import bracketed, pgettext
from registry.services.parcels import compliance

COLUMNS = (
    NC_("breach list", "Parcel"),
    NC_("breach list", "District"),
    NC_("breach list", "Contract"),
    NC_("breach list", "Developer"),
    NC_("breach list", "Item"),
    NC_("breach list", "Status"),
    NC_("breach list", "Clause"),
    NC_("breach list", "Required"),
    NC_("breach list", "Held or reached"),
    NC_("breach list", "Shortfall"),
    NC_("breach list", "Completed on"),
    NC_("breach list", "Deadline"),
)


def _stars(count) -> str:
    return "—" if count is None else ("★" * count if count else "0")


def _amount(kind: str, value) -> str:
    if value is None:
        return "—"
    return f"{value:,.1f} %" if kind == "min_prefab_pct" else f"{value:,.0f} m²"


def rows(reports_: list[dict], locale) -> list[dict]:
    """One row per failing building or short area condition, in the reader's language."""
    out = []
    for report in reports_:
        head = {
            "number": report["number"],
            "district": vocabulary.district(report["district_code"], locale),
            "contract": report["contract_number"],
            "developer": report["developer_name"],
        }
        star_clauses = "; ".join(
            c["clause"] for c in report["conditions"] if c["kind"] == "min_star" and c["clause"]
        )
        for building in report["buildings"]:
            if building["status"] not in {"short", "overdue", "revoked"}:
                continue
            shortfall = building["shortfall_stars"]
            out.append(
                {
                    **head,
                    "item": f"{building['name']} (#{building['id']})",
                    "status": vocabulary.name("parcel compliance", building["status"], locale),
                    "clause": star_clauses,
                    "required": _stars(building["required_stars"]),
                    "held": _stars(building["held_stars"]),
                    "shortfall": _stars(shortfall) if shortfall else "—",
                    "completed_on": building["completed_on"] or "",
                    "deadline": building["deadline"] or "",
                    "floor_area_m2": building["floor_area_m2"],
                }
            )
        for condition in report["conditions"]:
            if condition["outcome"] != "short":
                continue
            out.append(
                {
                    **head,
                    "item": vocabulary.name("parcel condition", condition["kind"], locale),
                    "status": vocabulary.name("parcel compliance", "short", locale),
                    "clause": condition["clause"],
                    "required": _amount(condition["kind"], condition["value"]),
                    "held": _amount(condition["kind"], condition["reached"]),
                    "shortfall": _amount(condition["kind"], condition["shortfall"]),
                    "completed_on": "",
                    "deadline": "",
                    "floor_area_m2": None,
                }
            )
    return out


def context(
    *, session: Session, locale, district_code: str | None = None, today: date | None = None
) -> dict:
    """Everything the page, the XLSX and the PDF show, as plain values."""
    today = today or dates.today()
    breached = compliance.breaches(session=session, district_code=district_code, today=today)
    return {
        "locale": locale,
        "as_of": today.isoformat(),
        "generated_at": dates.shown(dates.now_utc()),
        "time_zone": vocabulary.time_zone(locale),
        "district": vocabulary.district(district_code, locale) if district_code else "",
        "parcels": len(breached),
        "rows": rows(breached, locale),
    }


_KEYS = (
    "number", "district", "contract", "developer", "item", "status", "clause", "required",
    "held", "shortfall", "completed_on", "deadline",
)  # fmt: skip


def xlsx(data: dict) -> bytes:
    headers = [pgettext("breach list", column, data["locale"]) for column in COLUMNS]
    table = [[row[key] for key in _KEYS] for row in data["rows"]]
    locale = data["locale"]
    meta = [
        (pgettext("breach list", "Data as of", locale), data["as_of"]),
        (
            pgettext("breach list", "Generated at", locale),
            f"{data['generated_at']}{bracketed(data['time_zone'], locale)}",
        ),
        (pgettext("breach list", "District", locale), data["district"]),
    ]
    sheet = pgettext("breach list", "Breaches", locale)
    about = pgettext("breach list", "About", locale)
    return rendering.xlsx_bytes({sheet: (headers, table)}, meta, about)


def pdf(data: dict) -> bytes:
    return rendering.render_pdf(
        "parcel_breaches.html",
        {**data, "columns": COLUMNS, "keys": _KEYS},
    )
