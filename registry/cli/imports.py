"""`registry import FILE` and `registry export buildings`: bulk data from the command line."""

from __future__ import annotations

from pathlib import Path

import click

from registry.cli.common import open_session, resolve_actor
from registry.cli.output import (
    actor_option,
    emit,
    handles_errors,
    json_option,
    locale_option,
    to_locale,
)
from registry.domain.imports import bounds
from registry.i18n import Locale, render
from registry.models import ImportBatchPublic
from registry.services.imports import exports
from registry.services.imports.commit import commit_import
from registry.services.imports.error_file import error_file_xlsx
from registry.services.imports.messages import batch_message
from registry.services.imports.preview import preview_import
from registry.services.imports.report_text import report_lines
from registry.services.imports.template import template_xlsx


def register(main: click.Group) -> None:
    main.add_command(import_file)
    main.add_command(export)


def _mapping(values: tuple[str, ...]) -> dict[str, str]:
    """--map HEADER=FIELD (repeatable; FIELD 'ignore' skips the column)."""
    mapping = {}
    for value in values:
        header, sep, name = value.rpartition("=")
        if not sep or not header.strip():
            raise click.BadParameter(f"{value!r}: expected HEADER=FIELD", param_hint="--map")
        mapping[header.strip()] = name.strip()
    return mapping


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Only report what each row would become.")
@click.option(
    "--map",
    "map_",
    multiple=True,
    metavar="HEADER=FIELD",
    help='Read a column as a field (repeatable), e.g. --map "Label type=ignore"; the report\'s '
    "`mapping` shows how each column is read.",
)
@click.option(
    "--errors",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the refused rows, with a reason column, to this XLSX file to fix and import.",
)
@actor_option
@json_option
@locale_option
@handles_errors
def import_file(
    file: Path,
    dry_run: bool,
    map_: tuple[str, ...],
    errors: Path | None,
    actor_name,
    as_json: bool,
    lang: Locale,
) -> None:
    """Import buildings and records from an XLSX or CSV file (all rows or none)."""
    data = file.read_bytes()
    mapping = _mapping(map_) or None
    rows_in_file = bounds.count_rows(data)  # a long sheet is checked in two processes
    with open_session() as session:
        actor = resolve_actor(session, actor_name)
        if errors is not None:
            errors.write_bytes(
                error_file_xlsx(
                    session=session,
                    actor=actor,
                    data=data,
                    filename=file.name,
                    mapping=mapping,
                    locale=lang,
                )
            )
        if dry_run:
            preview = preview_import(
                session=session,
                actor=actor,
                data=data,
                filename=file.name,
                mapping=mapping,
                locale=lang,
                rows_in_file=rows_in_file,
            )
            report = {**preview.as_dict(), "dry_run": True, "batch": None, "message": ""}
        else:
            result = commit_import(
                session=session,
                actor=actor,
                data=data,
                filename=file.name,
                mapping=mapping,
                locale=lang,
                rows_in_file=rows_in_file,
            )
            report = {**result.preview.as_dict(), "dry_run": False, "batch": None}
            report["repeated"] = result.repeated
            if result.batch is None:
                report["message"] = render("import.nothing_new", {}, lang)
            else:
                batch = ImportBatchPublic.model_validate(result.batch).model_dump(mode="json")
                report["batch"] = batch
                report["message"] = render(
                    *batch_message(result.batch, repeated=result.repeated), lang
                )
    emit(report, as_json, "\n".join(report_lines(report, lang)))


@click.group()
def export() -> None:
    """Export registry data."""


@export.command("template")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@locale_option
@handles_errors
def export_template(out: Path, lang: Locale) -> None:
    """Write the import template (XLSX: headers, an example row, a column guide)."""
    out.write_bytes(template_xlsx(locale=lang))
    click.echo(str(out))


@export.command("buildings")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    callback=to_locale,
    help="Language of the headers and names.",
)
@handles_errors
def export_buildings(fmt: str, out: Path, lang: Locale) -> None:
    """Write every building and its records to a CSV or XLSX file."""
    with open_session() as session:
        if fmt == "xlsx":
            out.write_bytes(exports.export_xlsx(session=session, lang=lang))
        else:
            with out.open("w", encoding="utf-8", newline="") as handle:
                for chunk in exports.export_csv(session=session, lang=lang):
                    handle.write(chunk)
    click.echo(str(out))
