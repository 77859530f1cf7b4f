"""`registry metered import FILE` and `registry metered list --year Y`: measured energy and
the city's quota list from the command line."""

from __future__ import annotations

from pathlib import Path

import click

from registry.cli.common import open_session, resolve_actor
from registry.cli.output import actor_option, emit, handles_errors, json_option, locale_option
from registry.domain.text import N_
from registry.i18n import Locale, gettext, labelled, pgettext

_HDD, _CDD = N_("Heating degree-days"), N_("Cooling degree-days")


def register(main: click.Group) -> None:
    main.add_command(metered)


@click.group()
def metered() -> None:
    """Measured annual energy and the quota list (能耗限额管理)."""


@metered.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Only report what each row would become.")
@actor_option
@json_option
@locale_option
@handles_errors
def import_meters(file: Path, dry_run: bool, actor_name, as_json: bool, lang: Locale) -> None:
    """Import the monitoring platform's export (one row per building-year or building-month)."""
    from registry.services.metered.import_commit import (  # noqa: PLC0415  (on demand)
        commit_meter_import,
        outcome_message,
    )
    from registry.services.metered.imports import preview_meter_import  # noqa: PLC0415
    from registry.services.metered.report_text import import_lines  # noqa: PLC0415

    data = file.read_bytes()
    with open_session() as session:
        actor = resolve_actor(session, actor_name)
        if dry_run:
            result = preview_meter_import(
                session=session, actor=actor, data=data, filename=file.name, locale=lang
            )
            report = {**result.as_dict(), "dry_run": True, "batch_id": None, "message": ""}
        else:
            result, batch_id = commit_meter_import(
                session=session, actor=actor, data=data, filename=file.name, locale=lang
            )
            report = {**result.as_dict(), "dry_run": False, "batch_id": batch_id}
            report["message"] = outcome_message(result, batch_id, lang)
    emit(report, as_json, "\n".join(import_lines(report, committed=not dry_run, locale=lang)))


@metered.command("list")
@click.option("--year", type=int, required=True, help="The year of the measured data.")
@click.option("--district", default=None, help="District code, e.g. 370202.")
@click.option("--type", "building_type", default=None, help="Building type code.")
@click.option("--band", default=None, help="Band code, e.g. gt_constraint.")
@json_option
@locale_option
@handles_errors
def list_quota(year: int, district, building_type, band, as_json: bool, lang: Locale) -> None:
    """The city's quota list for a year: each building's indicators, values, units and bands."""
    from registry.services.metered.quota_list import quota_list  # noqa: PLC0415
    from registry.services.metered.report_text import quota_list_lines  # noqa: PLC0415

    with open_session() as session:
        report = quota_list(
            session=session,
            year=year,
            district=district,
            building_type=building_type,
            band=band,
            locale=lang,
        )
    emit(report, as_json, "\n".join(quota_list_lines(report, lang)))


def _degree_days(values: tuple[str, ...]) -> dict[int, tuple[float, float | None]]:
    """YEAR=HDD or YEAR=HDD:CDD, e.g. 2021=2150:120."""
    from registry.errors import ValidationFailed  # noqa: PLC0415

    out: dict[int, tuple[float, float | None]] = {}
    for value in values:
        try:
            year, _, days = value.partition("=")
            hdd, _, cdd = days.partition(":")
            out[int(year)] = (float(hdd), float(cdd) if cdd else None)
        except ValueError:
            raise ValidationFailed(
                {"degree_days": ("number.unreadable", {"value": value})}
            ) from None
    return out


@metered.command("savings")
@click.argument("record_id", type=int)
@click.option(
    "--degree-days",
    "degree_days",
    multiple=True,
    help="YEAR=HDD[:CDD] for the year before and the year after completion "
    "(default: the stored degree-days).",
)
@json_option
@locale_option
@handles_errors
def savings(record_id: int, degree_days: tuple[str, ...], as_json: bool, lang: Locale) -> None:
    """Verified, weather-normalised saving of a public-building upgrade record."""
    from registry.services.metered.savings import upgrade_savings  # noqa: PLC0415

    with open_session() as session:
        report = upgrade_savings(
            session=session,
            record_id=record_id,
            degree_days=_degree_days(degree_days) if degree_days else None,
            locale=lang,
        )
    rate = report["saving_rate_pct"]
    years = f"{report['before_year']} → {report['after_year']}"  # as the building page has it
    text = "\n".join(
        [
            labelled(
                years, f"{rate:.1f} %" if rate is not None else (report["reason"] or "—"), lang
            ),
            *(report["verdict"] and [report["verdict"]] or []),
            *report["notes"],
        ]
    )
    emit(report, as_json, text)


@metered.command("degree-days")
@click.argument("year", type=int)
@click.argument("hdd", type=float)
@click.option("--cdd", type=float, default=None, help="Cooling degree-days of the year.")
@click.option("--source", default="", help="Where the figures come from.")
@actor_option
@json_option
@locale_option
@handles_errors
def degree_days_command(year, hdd, cdd, source, actor_name, as_json: bool, lang) -> None:
    """Store a year's heating (and cooling) degree-days for weather-normalised savings."""
    from registry.services.metered.savings import set_degree_days  # noqa: PLC0415

    with open_session() as session:
        actor = resolve_actor(session, actor_name)
        row = set_degree_days(
            session=session, actor=actor, year=year, hdd=hdd, cdd=cdd, source=source
        )
        data = {
            "year": row.year,
            "hdd": row.hdd,
            "cdd": row.cdd,
            "source": row.source,
            "source_status": row.source_status,
        }
    parts = [labelled(gettext(_HDD, lang), f"{data['hdd']:,g}", lang)]
    if data["cdd"] is not None:
        parts.append(labelled(gettext(_CDD, lang), f"{data['cdd']:,g}", lang))
    comma = pgettext("punctuation", ", ", lang)
    emit(data, as_json, f"{data['year']} {comma.join(parts)}")
