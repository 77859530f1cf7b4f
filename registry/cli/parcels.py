"""`registry parcel ...`: land parcels, their conditions and their buildings' compliance."""

from __future__ import annotations

import click

from registry import vocabulary
from registry.cli.common import open_session, resolve_actor
from registry.cli.output import actor_option, emit, handles_errors, json_option, locale_option
from registry.i18n import gettext, labelled
from registry.services.parcels import compliance as compliance_service
from registry.services.parcels import floors as floor_service
from registry.services.parcels import parcels as parcel_service


def register(main: click.Group) -> None:
    main.add_command(parcel)


def _name(context: str, code, lang) -> str:
    return vocabulary.name(context, code, lang) if code else ""


def _line(report: dict, lang=None) -> str:
    status = _name("parcel compliance", report["status"], lang)
    district = vocabulary.district(report["district_code"], lang)
    buildings = labelled(gettext("Buildings", lang), len(report["buildings"]), lang)
    return (
        f"{report['number']:<24} {district}  {status:<8} {buildings}  "
        f"{report['floor_area_m2']:,.1f} m²"
    )


def _stars(count) -> str:
    return "★" * count if count else "—"


def _text(report: dict, lang=None) -> str:
    lines = [_line(report, lang)]
    for condition in report["conditions"]:
        value = "?" if condition["value"] is None else f"{condition['value']:g}"
        outcome = _name("parcel compliance", condition["outcome"], lang)
        extra = f" {condition['reached']:g}" if condition["reached"] is not None else ""
        lines.append(
            f"  #{condition['id']} {_name('parcel condition', condition['kind'], lang)} {value} "
            f"[{_name('condition status', condition['status'], lang)}] {outcome}{extra}"
        )
    for building in report["buildings"]:
        status = _name("parcel compliance", building["status"], lang)
        short = f" (-{_stars(building['shortfall_stars'])})" if building["shortfall_stars"] else ""
        lines.append(
            f"  {building['id']:>5} {status}{short}  {_stars(building['required_stars'])} / "
            f"{_stars(building['held_stars'])}  {building['name']}"
        )
    return "\n".join(lines)


@click.group()
def parcel() -> None:
    """Land parcels (宗地) and the green-building conditions of their contracts."""


@parcel.command("add")
@click.option("--number", required=True, help="Parcel number.")
@click.option("--district", required=True, help="District code or name.")
@click.option("--contract", "contract_number", default=None, help="Land-sale contract number.")
@click.option("--land-use", default=None)
@click.option("--site-area", "site_area_m2", default=None, help="Site area in m².")
@click.option("--sale-date", default=None, help="YYYY-MM-DD.")
@click.option("--developer", "developer_name", default=None)
@click.option("--developer-credit-code", default=None)
@click.option("--min-star", default=None, help="Minimum star level for all buildings: 1, 2 or 3.")
@click.option("--min-ultra-low-m2", default=None, help="Minimum ultra-low-energy floor area, m².")
@click.option("--min-prefab-pct", default=None, help="Minimum prefabricated share, %.")
@click.option(
    "--unverified",
    is_flag=True,
    help="The conditions are stated but not yet verified.",
)
@click.option("--clause", default=None, help="The contract clause, as written.")
@click.option("--document", default=None, help="The document the clause is in.")
@click.option("--document-date", default=None, help="Its date, YYYY-MM-DD.")
@actor_option
@json_option
@locale_option
@handles_errors
def parcel_add(
    actor_name, as_json, min_star, min_ultra_low_m2, min_prefab_pct, unverified, clause,
    document, document_date, district, **fields,
):  # fmt: skip
    """Record a parcel and its conditions; prints its number."""
    data = {key: value for key, value in fields.items() if value is not None}
    data["district_code"] = district
    source = {
        "status": "unverified" if unverified else "verified",
        "clause": clause,
        "document": document,
        "document_date": document_date,
    }
    conditions = [
        {"kind": kind, "value": value, **source}
        for kind, value in (
            ("min_star", min_star),
            ("min_ultra_low_m2", min_ultra_low_m2),
            ("min_prefab_pct", min_prefab_pct),
        )
        if value is not None
    ]
    with open_session() as session:
        row = parcel_service.add_parcel(
            session=session,
            actor=resolve_actor(session, actor_name),
            data=data,
            conditions=conditions,
        )
        report = compliance_service.parcel_report(session=session, parcel=row)
    emit(report, as_json, report["number"])


@parcel.command("link")
@click.argument("number")
@click.argument("building_id", type=int)
@click.option("--completed-on", default=None, help="The building's completion date, YYYY-MM-DD.")
@actor_option
@json_option
@locale_option
@handles_errors
def parcel_link(number, building_id, completed_on, actor_name, as_json, lang):
    """Put a building on a parcel."""
    with open_session() as session:
        actor = resolve_actor(session, actor_name)
        parcel_service.link_building(
            session=session,
            actor=actor,
            number=number,
            building_id=building_id,
            completed_on=completed_on,
        )
        row = parcel_service.get_parcel(session=session, number=number)
        report = compliance_service.parcel_report(session=session, parcel=row)
    emit(report, as_json, _text(report, lang))


@parcel.command("list")
@click.option("--district", default=None, help="District code.")
@click.option("--breached", is_flag=True, help="Only the breached parcels (the breach list).")
@json_option
@locale_option
@handles_errors
def parcel_list(district, breached, as_json, lang):
    """Every parcel with its status."""
    with open_session() as session:
        if breached:
            reports = compliance_service.breaches(session=session, district_code=district)
        else:
            rows = parcel_service.list_parcels(session=session, district_code=district)
            reports = compliance_service.evaluate(session=session, parcels=rows)
    emit(reports, as_json, "\n".join(_line(r, lang) for r in reports))


@parcel.command("show")
@click.argument("number")
@json_option
@locale_option
@handles_errors
def parcel_show(number, as_json, lang):
    """A parcel, its conditions and each building's status with its shortfall."""
    with open_session() as session:
        row = parcel_service.get_parcel(session=session, number=number)
        report = compliance_service.parcel_report(session=session, parcel=row)
    emit(report, as_json, _text(report, lang))


@parcel.command("unresolved")
@click.option(
    "--link", is_flag=True, help="First link those whose typed id names a recorded parcel."
)
@actor_option
@json_option
@locale_option
@handles_errors
def parcel_unresolved(actor_name, as_json, link):
    """Buildings whose typed parcel id matches no parcel: for an officer to resolve."""
    with open_session() as session:
        actor = resolve_actor(session, actor_name)
        if link:
            parcel_service.link_typed_ids(session=session, actor=actor)
        rows = parcel_service.unresolved_buildings(session=session, actor=actor)
        payload = [
            {"id": b.id, "district_code": b.district_code, "land_parcel_id": b.land_parcel_id}
            for b in rows
        ]
    emit(payload, as_json, "\n".join(f"{p['id']:>5} {p['land_parcel_id']}" for p in payload))


@parcel.command("verify")
@click.argument("condition_id", type=int)
@click.option("--value", default=None, help="The condition's value, if it was not known.")
@click.option("--unverify", is_flag=True, help="Mark it stated but not yet verified again.")
@actor_option
@json_option
@locale_option
@handles_errors
def parcel_verify(condition_id, value, unverify, actor_name, as_json):
    """Record that a condition was verified (with its value), or mark it unverified."""
    with open_session() as session:
        row = parcel_service.set_condition_status(
            session=session,
            actor=resolve_actor(session, actor_name),
            condition_id=condition_id,
            status="unverified" if unverify else "verified",
            value=value,
        )
        payload = {"id": row.id, "kind": row.kind, "value": row.value, "status": row.status}
    emit(
        payload,
        as_json,
        f"{payload['id']} {payload['kind']} {payload['value']} {payload['status']}",
    )


@parcel.group("floor")
def floor() -> None:
    """Policy floors: minimum star levels by building attributes (administrators)."""


def _floor_payload(row) -> dict:
    return row.model_dump(mode="json", exclude={"created_at"})


@floor.command("add")
@click.option("--name", required=True)
@click.option("--min-star", required=True, help="1, 2 or 3.")
@click.option("--building-types", default=None, help="Comma-separated building type codes.")
@click.option("--public-only", is_flag=True, help="Only public buildings.")
@click.option("--min-area", "min_floor_area_m2", default=None, help="Floor area from, m².")
@click.option("--min-storeys", default=None)
@click.option("--source", default=None, help="The rule it comes from.")
@click.option("--source-status", default="unverified", show_default=True)
@actor_option
@json_option
@locale_option
@handles_errors
def floor_add(actor_name, as_json, **raw):
    """Add a policy floor."""
    with open_session() as session:
        row = floor_service.add_floor(
            session=session, actor=resolve_actor(session, actor_name), raw=raw
        )
        payload = _floor_payload(row)
    emit(payload, as_json, str(payload["id"]))


@floor.command("list")
@json_option
@locale_option
@handles_errors
def floor_list(as_json, lang):
    """Every policy floor, applied or retired."""
    with open_session() as session:
        payload = [_floor_payload(r) for r in floor_service.list_floors(session=session)]
    emit(
        payload,
        as_json,
        "\n".join(
            f"{p['id']:>3} {'★' * p['min_star']:<3} "
            f"{vocabulary.source_status_name(p['source_status'], lang)}  "
            f"{gettext('Applied' if p['active'] else 'Retired', lang)}  {p['name']}"
            for p in payload
        ),
    )


@floor.command("retire")
@click.argument("floor_id", type=int)
@actor_option
@json_option
@locale_option
@handles_errors
def floor_retire(floor_id, actor_name, as_json, lang):
    """Stop applying a policy floor."""
    with open_session() as session:
        row = floor_service.retire_floor(
            session=session, actor=resolve_actor(session, actor_name), floor_id=floor_id
        )
        payload = _floor_payload(row)
    emit(payload, as_json, gettext("Policy floor retired.", lang))


@parcel.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--commit", "do_commit", is_flag=True, help="Record the parcels (default: dry run).")
@actor_option
@json_option
@locale_option
@handles_errors
def parcel_import(path, do_commit, actor_name, as_json, lang):
    """Import parcels from a spreadsheet: a dry run with each row's problems, or --commit."""
    from pathlib import Path

    from registry.i18n import pgettext, render
    from registry.services.imports.report_text import ROW
    from registry.services.parcels import imports as import_service

    data = Path(path).read_bytes()
    with open_session() as session:
        outcome = import_service.import_parcels(
            session=session,
            actor=resolve_actor(session, actor_name),
            data=data,
            filename=Path(path).name,
            dry_run=not do_commit,
        )
    payload = {
        "committed": outcome.committed,
        "rows": len(outcome.rows),
        "problems": [
            {
                "row": r.row,
                "number": r.number,
                "errors": {f: render(c, p, lang) for f, (c, p) in r.problems.items()},
            }
            for r in outcome.problem_rows
        ],
    }
    # The import page's words: its count sentence, then each problem by row and field.
    said = gettext("%(rows)s rows read; %(bad)s with problems.", lang)
    lines = [said % {"rows": payload["rows"], "bad": len(payload["problems"])}]
    for problem in payload["problems"]:  # the messages rendered once, for both
        where = pgettext(*ROW, lang) % {"row": problem["row"]}
        for field, message in problem["errors"].items():
            name = import_service.field_name(field, lang)
            lines.append(f"  {where} {problem['number']} {labelled(name, message, lang)}")
    emit(payload, as_json, "\n".join(lines))
    if payload["problems"]:
        raise SystemExit(1)
