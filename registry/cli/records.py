"""`registry building ...` and `registry record ...`: the registry core from the command line."""

from __future__ import annotations

import click

from registry import vocabulary
from registry.cli.common import open_session, resolve_actor
from registry.cli.output import actor_option, emit, handles_errors, json_option, locale_option
from registry.domain.buildings import districts
from registry.errors import ValidationFailed, date_from_user
from registry.i18n import Locale, pgettext
from registry.models import BuildingPublic, RecordPublic
from registry.services.buildings import records as record_service
from registry.services.buildings import registration as building_service


def register(main: click.Group) -> None:
    main.add_command(building)
    main.add_command(record)


def _building_payload(row) -> dict:
    return BuildingPublic.model_validate(row).model_dump(mode="json")


def _record_payload(row) -> dict:
    return RecordPublic.model_validate(row).model_dump(mode="json")


def _building_line(payload: dict, lang: Locale = "zh_Hans_CN") -> str:
    district = vocabulary.district(payload["district_code"], lang)
    building_type = vocabulary.building_type(payload["building_type"], lang)
    return (
        f"{payload['id']:>5}  {district}  {building_type}  "
        f"{payload['floor_area_m2']:>12,.1f} m²  {payload['name']}"
    )


def _record_text(payload: dict, lang: Locale) -> str:
    status = vocabulary.record_status(payload["status"], lang)
    level = vocabulary.record_level(payload["kind"], payload["level"], lang)
    label = payload["label_number"] or "—"
    kind = vocabulary.record_kind(payload["kind"], lang)
    building = pgettext("record line", "building", lang)
    line = (
        f"#{payload['id']} {building} {payload['building_id']}  {kind} {level}  "
        f"{label}  {payload['counted_area_m2']:,.1f} m²  [{status}]"
    )
    if payload.get("notice_start_on"):
        word = pgettext("record line", "notice", lang)
        line += f"  {word} {payload['notice_start_on']} – {payload['notice_end_on']}"
    # Outside the f-strings: Babel's extractor does not see calls inside them.
    if payload.get("published_on"):
        word = pgettext("record line", "published", lang)
        line += f"  {word} {payload['published_on']}"
    elif payload.get("approved_on"):
        word = pgettext("record line", "approved", lang)
        line += f"  {word} {payload['approved_on']}"
    return line


@click.group()
def building() -> None:
    """Register, list and show buildings."""


@building.command("add")
@click.option("--name", required=True)
@click.option("--district", required=True, help="District code or name, e.g. 370202 or 市南区.")
@click.option("--type", "building_type", required=True, help="Building type code.")
@click.option("--sub-type", default=None)
@click.option("--area", "floor_area_m2", required=True, help="Floor area in m².")
@click.option("--hvac-class", default=None, help="GB/T 51161 class: A or B.")
@click.option(
    "--heating-type",
    default=None,
    help="district (市政集中供暖), air_conditioning (空调供暖) or gas_oil (燃气(油)供暖).",
)
@click.option("--heated-area", "heated_area_m2", default=None, help="Heated area in m².")
@click.option("--use-hours", "annual_use_hours", default=None, help="Annual use, hours.")
@click.option("--area-per-person", "area_per_person_m2", default=None, help="m² per person.")
@click.option("--persons", default=None, help="Usual headcount (instead of --area-per-person).")
@click.option("--address", default=None)
@click.option("--owner", "owner_name", default=None)
@click.option("--credit-code", "owner_credit_code", default=None, help="Owner's credit code.")
@click.option("--design-unit", default=None)
@click.option("--storeys", default=None)
@click.option("--completion-year", default=None)
@actor_option
@json_option
@locale_option
@handles_errors
def building_add(actor_name, as_json, **fields):
    """Register a building; prints its id."""
    data = {key: value for key, value in fields.items() if value is not None}
    data["district_code"] = data.pop("district")
    with open_session() as session:
        row = building_service.register_building(
            session=session, actor=resolve_actor(session, actor_name), data=data
        )
        payload = _building_payload(row)
    emit(payload, as_json, str(payload["id"]))


@building.command("update")
@click.argument("building_id", type=int)
@click.option("--name", default=None)
@click.option("--district", "district_code", default=None, help="District code or name.")
@click.option("--type", "building_type", default=None, help="Building type code.")
@click.option("--area", "floor_area_m2", default=None, help="Floor area in m².")
@click.option("--parcel", "land_parcel_id", default=None, help="Land parcel id.")
@click.option("--address", default=None)
@click.option("--owner", "owner_name", default=None)
@click.option("--design-unit", default=None)
@click.option(
    "--reason",
    default=None,
    help="Why (officers): needed to correct the name, district, type, area or parcel of a "
    "building whose record passed review.",
)
@actor_option
@json_option
@locale_option
@handles_errors
def building_update(building_id, actor_name, as_json, reason, **fields):
    """Change some fields of a building (audited)."""
    data = {key: value for key, value in fields.items() if value is not None}
    with open_session() as session:
        row = building_service.update_building(
            session=session,
            actor=resolve_actor(session, actor_name),
            building_id=building_id,
            data=data,
            reason=reason,
        )
        payload = _building_payload(row)
    emit(payload, as_json, _building_line(payload))


@building.command("list")
@click.option("--district", default=None, help="District code or name.")
@click.option("--type", "building_type", default=None)
@click.option("--q", default=None, help="Words in the name, address, owner or a label number.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--page-size",
    default=50,
    show_default=True,
    type=click.IntRange(1, building_service.MAX_PAGE_SIZE),
)
@json_option
@locale_option
@handles_errors
def building_list(district, building_type, q, page, page_size, as_json):
    """List buildings, newest first."""
    if district:
        try:
            district = districts.normalise_district(district).code
        except districts.UnknownDistrict:
            raise ValidationFailed(
                {"district": ("district.unknown", {"value": district})}
            ) from None
    filters = building_service.BuildingFilters(
        q=q, district_code=district, building_type=building_type
    )
    with open_session() as session:
        result = building_service.list_buildings(
            session=session, filters=filters, page=page, page_size=page_size
        )
        items = [_building_payload(row) for row in result.items]
    payload = {
        "items": items,
        "total": result.total,
        "page": result.page,
        "page_size": result.page_size,
        "pages": result.pages,
    }
    footer = f"{result.total} ({result.page}/{result.pages})"
    emit(payload, as_json, "\n".join([*map(_building_line, items), footer]))


@building.command("show")
@click.argument("building_id", type=int)
@json_option
@locale_option
@handles_errors
def building_show(building_id, as_json, lang):
    """Show a building and its records."""
    with open_session() as session:
        row = building_service.get_building(session=session, building_id=building_id)
        payload = _building_payload(row)
        payload["records"] = [
            _record_payload(r)
            for r in building_service.records_of(session=session, building_id=building_id)
        ]
    lines = [_building_line(payload, lang)]
    if payload["address"]:
        lines.append(f"       {payload['address']}")
    lines += [f"  {_record_text(r, lang)}" for r in payload["records"]]
    emit(payload, as_json, "\n".join(lines))


@click.group()
def record() -> None:
    """Add certificate and programme records and move them through review."""


@record.command("add")
@click.argument("building_id", type=int)
@click.option("--kind", required=True, help="green_label | energy | retrofit")
@click.option("--level", required=True, help="Level code or name, e.g. 2 or 二星级.")
@click.option("--stage", default=None, help="pre_evaluation | evaluation (green labels).")
@click.option("--label", "label_number", default=None, help="Label number (unique).")
@click.option("--issued", "issued_on", default=None, help="Issue date, YYYY-MM-DD.")
@click.option("--started", "started_on", default=None, help="Retrofit start, YYYY-MM-DD.")
@click.option("--completed", "completed_on", default=None, help="Retrofit end, YYYY-MM-DD.")
@click.option(
    "--area",
    "counted_area_m2",
    default=None,
    help="Counted area in m² (default: the building's floor area).",
)
@click.option("--notes", default=None)
@actor_option
@json_option
@locale_option
@handles_errors
def record_add(building_id, actor_name, as_json, **fields):
    """Add a draft record to a building; prints its id."""
    data = {key: value for key, value in fields.items() if value is not None}
    with open_session() as session:
        # The building is the argument, so a missing one is "not found", not a field error.
        building_service.get_building(session=session, building_id=building_id)
        row = record_service.add_record(
            session=session,
            actor=resolve_actor(session, actor_name),
            building_id=building_id,
            data=data,
        )
        payload = _record_payload(row)
    emit(payload, as_json, str(payload["id"]))


def _action(name: str, *, needs_reason: bool = False, takes_date: bool = False):
    """One review command (`record submit|approve|reject|revoke ID`) over its service."""

    @click.argument("record_id", type=int)
    @actor_option
    @json_option
    @locale_option
    @handles_errors
    def command(record_id, actor_name, as_json, lang, reason=None, on=None):
        with open_session() as session:
            actor = resolve_actor(session, actor_name)
            if name == "submit":
                row = record_service.submit_record(
                    session=session, actor=actor, record_id=record_id
                )
            elif name == "approve":
                row = record_service.approve_record(
                    session=session, actor=actor, record_id=record_id, on=date_from_user(on, "date")
                )
            elif name == "publish":
                row = record_service.publish_record(
                    session=session, actor=actor, record_id=record_id, on=date_from_user(on, "date")
                )
            elif name == "reject":
                row = record_service.reject_record(
                    session=session, actor=actor, record_id=record_id, reason=reason or ""
                )
            else:
                row = record_service.revoke_record(
                    session=session,
                    actor=actor,
                    record_id=record_id,
                    reason=reason or "",
                    on=date_from_user(on, "date"),
                )
            payload = _record_payload(row)
        emit(payload, as_json, _record_text(payload, lang))

    if needs_reason:
        command = click.option("--reason", default=None, help="Why (kept in the history).")(command)
    if takes_date:
        command = click.option("--date", "on", default=None, help="YYYY-MM-DD.")(command)
    return command


record.command("submit", help="Submit a draft or rejected record for review.")(_action("submit"))
record.command(
    "approve",
    help="Pass a submitted record's review on --date (default: today, Beijing time). A label "
    "or an energy level starts its public notice (公示); a retrofit record is approved. Not "
    "by whoever drafted or submitted it (maker-checker).",
)(_action("approve", takes_date=True))
record.command(
    "publish",
    help="Publish (公布) a label or an energy level on --date (default: today) once its notice "
    "has ended without an open objection; it counts toward the targets from that date.",
)(_action("publish", takes_date=True))
record.command("reject", help="Send a submitted record back, with --reason.")(
    _action("reject", needs_reason=True)
)
record.command("revoke", help="Revoke an approved record from --date, with --reason.")(
    _action("revoke", needs_reason=True, takes_date=True)
)


@record.command("cite-check")
@click.argument("record_id", type=int)
@click.argument("check_id", type=int)
@actor_option
@json_option
@locale_option
@handles_errors
def record_cite_check(record_id, check_id, actor_name, as_json, lang):
    """Cite a finished saving-rate check (`registry check --saving-rate`) as the evidence of
    an ultra-low, nearly-zero or zero-energy record; the reviewer sees whether it meets."""
    from registry import vocabulary
    from registry.services.saving import evidence as saving_evidence

    with open_session() as session:
        actor = resolve_actor(session, actor_name)
        row = saving_evidence.cite_check(
            session=session, actor=actor, record_id=record_id, check_id=check_id
        )
        line = saving_evidence.evidence_line(
            session, row, lang, lambda level: vocabulary.record_level("energy", level, lang)
        )
        payload = {**_record_payload(row), "saving_evidence": line}
    emit(payload, as_json, line["text"])


@record.command("saving-backed")
@click.option("--year", default=None, help="Calendar year (default: the tally's year).")
@json_option
@locale_option
@handles_errors
def record_saving_backed(year, as_json, lang):
    """How much of the area counted toward the ultra-low energy target is backed by a
    saving-rate check (public or residential) that meets its record's level: the tally's
    evidence figure, the same as the dashboard's."""
    from registry.domain.tally.evidence import ULTRA_LOW_TARGET
    from registry.i18n import render
    from registry.services.tally import tallies as tally_service

    filters = tally_service.parse_filters(year=year, district=None, building_type=None)
    with open_session() as session:
        chosen = filters["year"] or tally_service.default_year(session=session)
        tally = tally_service.compute(session=session, year=chosen, rows=0, evidence=True)
    figure = tally.evidence[ULTRA_LOW_TARGET]
    target = next(t for t in tally.targets if t.key == ULTRA_LOW_TARGET)
    payload = {
        "year": chosen,
        "target": ULTRA_LOW_TARGET,
        "target_area_m2": target.value,
        "counted_area_m2": figure.cumulative_m2,
        "backed_area_m2": figure.cumulative_backed_m2,
        "backed_pct": figure.cumulative_pct,
        "added_area_m2": figure.added_m2,
        "added_backed_area_m2": figure.added_backed_m2,
        "backed_buildings": figure.backed_buildings,
        "thresholds_verified": figure.thresholds_verified,
    }
    text = render(
        "saving.backed_area",
        {
            "year": chosen,
            "backed": f"{figure.cumulative_backed_m2:,.0f}",
            "area": f"{figure.cumulative_m2:,.0f}",
            "target": f"{target.value:,.0f}",
            "buildings": figure.backed_buildings,
        },
        lang,
    )
    emit(payload, as_json, text)
