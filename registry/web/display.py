"""How registry values look on a page: localized names, labels, history rows, language links.

Every template can use these (they are installed as template globals by the auth
blueprint), so pages written by other features share the same words.
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from registry import i18n, vocabulary
from registry.domain import dates
from registry.extensions import request_locale
from registry.i18n import Locale, has_message, render
from registry.services.tally.targets import target_name

FIELD_LABELS = {
    "name": _l("Building name"),
    "address": _l("Address"),
    "district_code": _l("District"),
    "building_type": _l("Building type"),
    "sub_type": _l("Sub-type"),
    "hvac_class": _l("HVAC class"),
    "heating_type": _l("Heating"),
    "floor_area_m2": _l("Floor area (m²)"),
    "heated_area_m2": _l("Heated area (m²)"),
    "storeys": _l("Storeys"),
    "is_new_build": _l("New build or existing"),
    "completion_year": _l("Completion year"),
    "prefabricated": _l("Prefabricated"),
    "assembly_rate_pct": _l("Assembly rate (%)"),
    "owner_name": _l("Owner"),
    "owner_credit_code": _l("Owner's unified social credit code"),
    "design_unit": _l("Design unit"),
    "land_parcel_id": _l("Land parcel id"),
    "latitude": _l("Latitude"),
    "longitude": _l("Longitude"),
    "annual_use_hours": _l("Annual use (hours)"),
    "area_per_person_m2": _l("Area per person (m²)"),
    "kind": _l("Record kind"),
    "level": _l("Level"),
    "stage": _l("Stage"),
    "label_number": _l("Label number"),
    "issued_on": _l("Issue date"),
    "started_on": _l("Started on"),
    "completed_on": _l("Completed on"),
    "counted_area_m2": _l("Counted area (m²)"),
    "notes": _l("Notes"),
    "status": _l("Status"),
    "approved_on": _l("Approved on"),
    "published_on": _l("Published on"),
    "notice_start_on": _l("Notice from"),
    "notice_end_on": _l("Notice until"),
    "approved_by_id": _l("Approved by"),
    "submitted_by_id": _l("Submitted by"),
    "idf_sha256": _l("Model SHA-256"),
    "weather": _l("Weather"),
    "cached": _l("Reused an identical earlier run"),
    "record_id": _l("Record"),
    "resolution": _l("Resolution"),
    "submitted_at": _l("Submitted at"),
    "rejected_reason": _l("Rejection reason"),
    "revoked_on": _l("Revoked on"),
    "revoke_reason": _l("Revocation reason"),
    "reason": _l("Reason"),
    "date": _l("Date"),
}

ACTION_LABELS = {
    "create": _l("Created"),
    "update": _l("Edited"),
    "submit": _l("Submitted"),
    "approve": _l("Approved"),
    "reject": _l("Rejected"),
    "revoke": _l("Revoked"),
    "correct": _l("Corrected"),
    "publish": _l("Published"),
    "lodge": _l("Objection lodged"),
    "dismissed": _l("Objection dismissed"),
    "upheld": _l("Objection upheld"),
    "confirm": _l("Confirmed"),
}

# Bookkeeping columns that say nothing a reader of the history needs.
_HIDDEN_IN_HISTORY = {
    "id",
    "building_id",
    "created_by_id",
    "created_at",
    "updated_at",
    "import_id",
    # The event names who acted; the ids would only repeat it as numbers.
    "submitted_by_id",
    "approved_by_id",
}


def locale() -> Locale:
    """The reader's locale (registry.i18n.Locale), for the vocabulary and messages."""
    return request_locale()


def message(code: str, params: dict | None = None) -> str:
    """A message code in the reader's language: the one way code messages reach a page."""
    return render(code, params, locale())


def lang_url(lang: str) -> str:
    """This page's URL with ?lang= switched, other query arguments kept."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    args.append(("lang", lang))
    return f"{request.path}?{urlencode(args)}"


def html_lang() -> str:
    return i18n.html_lang(locale())


def languages() -> list[tuple[str, str, str]]:
    """(locale, its own name, BCP 47 tag) for the language switch."""
    return [(code, i18n.locale_name(code), i18n.html_lang(code)) for code in i18n.LOCALES]


def district_label(code: str | None) -> str:
    return vocabulary.district(code, locale())


def type_label(code: str | None) -> str:
    return vocabulary.building_type(code, locale())


def sub_type_label(type_code: str | None, sub_code: str | None) -> str:
    return vocabulary.sub_type(type_code, sub_code, locale())


def kind_label(kind: str | None) -> str:
    return vocabulary.record_kind(kind, locale())


def level_label(kind: str | None, level: str | None) -> str:
    return vocabulary.record_level(kind, level, locale())


def stage_label(stage: str | None) -> str:
    return vocabulary.record_stage(stage, locale())


def status_label(status: str | None) -> str:
    return vocabulary.record_status(status, locale())


def yes_no(value: bool | None) -> str:
    if value is None:
        return "—"
    return str(_l("Yes") if value else _l("No"))


def number(value, digits: int = 2) -> str:
    """A number without a trailing .0 and with thousands separators."""
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}".rstrip("0").rstrip(".")


def plain_number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def when(value) -> str:
    """A timestamp in the bureau's time (Beijing), to the minute: `dates.shown`."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return dates.shown(value)


def field_label(field: str) -> str:
    return str(FIELD_LABELS.get(field, field))


def display_value(field: str, value, context: dict | None = None) -> str:
    """One stored value as a reader should see it (names instead of codes)."""
    context = context or {}
    if value is None or value == "":
        return "—"
    if field == "district_code":
        return district_label(value)
    if field == "building_type":
        return type_label(value)
    if field == "sub_type":
        return sub_type_label(context.get("building_type"), value)
    if field == "hvac_class":
        return vocabulary.hvac_class(value, locale())
    if field == "heating_type":
        return vocabulary.heating_type(value, locale())
    if field == "kind":
        return kind_label(value)
    if field == "level":
        return level_label(context.get("kind"), value)
    if field == "stage":
        return stage_label(value)
    if field == "status":
        return status_label(value)
    if field == "is_new_build":
        return str(_l("New build") if value else _l("Existing building"))
    if isinstance(value, bool):
        return yes_no(value)
    if field == "submitted_at":
        return when(value)
    if field == "weather":
        return vocabulary.weather(value, None, locale())
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        # Areas get thousands separators; years, storeys and coordinates read better bare.
        return number(value) if field.endswith("_m2") else plain_number(value)
    return str(value)


def history_rows(events) -> list[dict]:
    """Audit events as rows of (field, before, after), hiding bookkeeping columns."""
    rows = []
    for event in events:
        before = event.before or {}
        after = event.after or {}
        # Each side read with its own neighbours: a level before a change of kind is a level
        # of the old kind.
        before_context = {**after, **before}
        after_context = {**before, **after}
        changes = []
        for field in dict.fromkeys([*before, *after]):
            if field in _HIDDEN_IN_HISTORY:
                continue
            old, new = before.get(field), after.get(field)
            if event.action == "create" and new in (None, ""):
                continue
            if field in before and field in after and old == new:
                # Transitions snapshot every review column; only the moved ones matter.
                continue
            changes.append(
                {
                    "field": field_label(field),
                    "before": display_value(field, old, before_context) if field in before else "",
                    "after": display_value(field, new, after_context),
                }
            )
        rows.append(
            {
                "at": when(event.at),
                "actor": event.actor_name,
                "entity": event.entity,
                "entity_id": event.entity_id,
                "action": str(ACTION_LABELS.get(event.action, event.action)),
                "changes": changes,
                "reason": event.reason or "",
            }
        )
    return rows


def signed_in_user():
    """The signed-in user for the page header, or None; None too when the database is down,
    so that the error page saying so can still render."""
    try:
        return current_user if current_user.is_authenticated else None
    except SQLAlchemyError:
        return None


def template_globals() -> dict:
    return {
        "signed_in_user": signed_in_user,
        "languages": languages,
        "locale_name": i18n.locale_name,
        "target_name": lambda target: target_name(target, locale()),
        "lang_url": lang_url,
        "html_lang": html_lang,
        "ui_locale": locale,
        "message": message,
        "has_message": has_message,
        "district_label": district_label,
        "type_label": type_label,
        "sub_type_label": sub_type_label,
        "kind_label": kind_label,
        "level_label": level_label,
        "stage_label": stage_label,
        "status_label": status_label,
        "field_label": field_label,
        "display_value": display_value,
        "yes_no": yes_no,
        "number": number,
        "when": when,
        "colon": lambda: i18n.colon(locale()),
        "bracketed": lambda text: i18n.bracketed(text, locale()),
        # {code: name} of a flat vocabulary (registry.vocabulary), in its order.
        "vocabulary": lambda context: dict(vocabulary.choices(context, locale())),
    }
