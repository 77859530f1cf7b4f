"""`registry tally`: the annual targets tally as text, JSON, CSV, XLSX or the Chinese PDF."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from registry.cli.common import app, open_session
from registry.cli.output import handles_errors, locale_option
from registry.documents import tally_report
from registry.domain import dates
from registry.errors import date_from_user
from registry.i18n import bracketed, gettext, labelled, pgettext
from registry.services.tally import presented as tally_presented
from registry.services.tally import tables as tally_tables
from registry.services.tally import tallies as tally_service


def register(main: click.Group) -> None:
    main.add_command(tally_command)
    main.add_command(tally_index_command)


@click.command("tally-index")
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Only compare the index with a recount; exit 1 if they differ.",
)
@handles_errors
def tally_index_command(check_only: bool) -> None:
    """Check or rebuild the tally index (after rows were loaded around the registry)."""
    from registry.services.tally import index as tally_index

    with open_session() as session:
        if check_only:
            differ = tally_index.differences(session)
            click.echo(
                f"tally index: {len(differ)} building(s) differ from a recount"
                + (f", e.g. {differ[:10]}" if differ else "")
            )
            sys.exit(1 if differ else 0)
        stored = tally_index.rebuild(session.connection())
        session.commit()
    click.echo(f"tally index rebuilt: {stored} episode(s)")


def _write(data: bytes, out: str | None) -> None:
    if out:
        Path(out).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def _write_chunks(chunks, out: str | None) -> None:
    if out:
        with open(out, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
    else:
        for chunk in chunks:
            sys.stdout.buffer.write(chunk)
        sys.stdout.flush()


def _summary(context: dict, lang) -> str:
    """The targets in a few lines, worded as the PDF's cover and table are."""
    lines = [
        labelled(gettext("Period", lang), f"{context['start']} – {context['end']}", lang),
        labelled(gettext("Data as of", lang), context["as_of"], lang),
    ]
    added, revoked = gettext("Added", lang), pgettext("tally report", "Revoked", lang)
    comma = pgettext("punctuation", ", ", lang)
    for t in context["targets"]:
        if t["unit"] == "m2":  # as the PDF's table: added and revoked in the period, apart
            done = bracketed(f"{t['percent']:,.1f}%", lang)
            progress = (
                f"{t['cumulative']:,.0f} / {t['value']:,.0f} m²{done}"
                f"{comma}{added} {t['added']:,.0f} m²{comma}{revoked} {t['removed']:,.0f} m²"
            )
        elif t["unit"] == "percent":
            goal = bracketed(f"≥ {t['value']:.0f}%", lang)
            progress = f"{t['period']:,.1f}%{goal}"
        else:
            progress = f"{t['cumulative']:.0f} / {t['value']:.0f}"
        lines.append(labelled(t["name"], progress, lang))
    lines.append(labelled(gettext("Data digest", lang), context["digest"], lang))
    generated = f"{context['generated_at']}{bracketed(context['time_zone'], lang)}"
    lines.append(labelled(gettext("Generated at", lang), generated, lang))
    return "\n".join(lines)


@click.command("tally")
@click.option("--year", default=None, help="Calendar year (default: this year).")
@click.option("--district", default=None, help="District code or name.")
@click.option("--building-type", default=None, help="Building type code.")
@click.option("--as-of", "as_of", default=None, help="Data date, YYYY-MM-DD (default: today).")
@click.option(
    "--pdf",
    "pdf_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="Write the Chinese PDF report to this file.",
)
@click.option(
    "--format",
    "fmt",
    default=None,
    type=click.Choice(["json", "csv", "xlsx"]),
    help="Print (or with --out write) the tally in this format.",
)
@click.option(
    "--table",
    default="summary",
    type=click.Choice(tally_tables.TABLE_NAMES),
    show_default=True,
    help="For CSV: which table.",
)
@click.option("--out", default=None, type=click.Path(dir_okay=False), help="Output file.")
@locale_option
@handles_errors
def tally_command(year, district, building_type, as_of, pdf_path, fmt, table, out, lang):
    """Tally the pilot's targets for a year (count-once rules of TARGETS.md)."""
    filters = tally_service.parse_filters(year=year, district=district, building_type=building_type)
    data_date = date_from_user(as_of, "as_of")
    if fmt == "xlsx" and not out:
        raise click.UsageError("--format xlsx needs --out FILE")
    if pdf_path:
        # The PDF's summary prints the evidence, as the dashboard's does.
        context = _context(filters, data_date, lang, evidence=True)
        Path(pdf_path).write_bytes(tally_report.tally_pdf(context))
        digest = labelled(gettext("Data digest", lang), context["digest"], lang)
        click.echo(f"{pdf_path}  {digest}", err=bool(fmt and not out))
    if fmt:  # every row, streamed to the file or stdout as it is read, as the API's export
        from registry.cli.common import engine
        from registry.services.tally import exports

        with open_session() as session:
            chosen = filters["year"] or tally_service.default_year(session=session)
        chunks = exports.stream(
            engine=engine(),
            year=chosen,
            district=filters["district"],
            building_type=filters["building_type"],
            locale=lang,
            fmt=fmt,
            table=table,
            as_of=data_date,
            public_base_url=app().extensions["registry.config"].PUBLIC_BASE_URL,
        )
        _write_chunks(chunks, out)
    elif not pdf_path:
        click.echo(_summary(_context(filters, data_date, lang, evidence=False), lang))


def _context(filters: dict, data_date, lang, *, evidence: bool) -> dict:
    """The tally of the chosen year, district and type at the data date, as printed."""
    with open_session() as session:
        result = tally_service.compute(
            session=session,
            year=filters["year"] or tally_service.default_year(session=session),
            district=filters["district"],
            building_type=filters["building_type"],
            as_of=data_date,
            evidence=evidence,
        )
    return tally_presented.context(
        result,
        generated_at=dates.now_utc(),
        locale=lang,
        public_base_url=app().extensions["registry.config"].PUBLIC_BASE_URL,
    )
