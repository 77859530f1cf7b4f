"""`registry saving ...`: the reference building's parameters (GB/T 51350 saving rates)."""

from __future__ import annotations

import click

from registry import vocabulary
from registry.cli.common import open_session, resolve_actor
from registry.cli.output import actor_option, emit, handles_errors, json_option, locale_option
from registry.domain.quotas.verdict import typeset_unit
from registry.i18n import bracketed, labelled, pgettext


def register(main: click.Group) -> None:
    main.add_command(saving)


@click.group()
def saving() -> None:
    """The parameters of the saving-rate checks' reference building (all seeded unverified)."""


def _unit(unit: str | None) -> str:
    return "" if unit in (None, "", "1") else typeset_unit(unit)


@saving.command("params")
@json_option
@locale_option
@handles_errors
def saving_params(as_json, lang):
    """List the parameters in force, with their standard, clause and status."""
    from registry.services.saving.seed import current

    with open_session() as session:
        rows = current(session)
    payload = [{"key": key, **row} for key, row in sorted(rows.items())]
    # The key stays: it is what param-set takes. Units typeset; a ratio (unit 1) has none.
    comma = pgettext("punctuation", ", ", lang)
    lines = []
    for row in payload:
        status = vocabulary.source_status_name(row["source_status"], lang)
        lines.append(
            labelled(row["key"], f"{row['value']} {_unit(row['unit'])}".rstrip(), lang)
            + f" — {row['standard']} {row['clause']}"
            + bracketed(f"{status}{comma}v{row['version']}", lang)
        )
    text = "\n".join(lines)
    emit(payload, as_json, text)


@saving.command("param-set")
@click.argument("key")
@click.option("--value", default=None, help="The new value (in the parameter's unit).")
@click.option(
    "--status",
    "source_status",
    default=None,
    help="verified-primary | verified-secondary | derived | assumption | unverified",
)
@click.option("--source", default=None, help="Where the value was read.")
@click.option("--reason", required=True, help="Why (kept in the history).")
@actor_option
@json_option
@locale_option
@handles_errors
def saving_param_set(key, value, source_status, source, reason, actor_name, as_json, lang):
    """Confirm or correct a parameter: its next version (administrators only)."""
    from registry.services.saving.parameters import edit_parameter

    with open_session() as session:
        row = edit_parameter(
            session=session,
            actor=resolve_actor(session, actor_name),
            key=key,
            reason=reason,
            value=value,
            source_status=source_status,
            source=source,
        )
        payload = {
            "key": row.key,
            "value": row.value,
            "unit": row.unit,
            "version": row.version,
            "source_status": row.source_status,
        }
    text = labelled(row.key, f"{row.value} {_unit(row.unit)}".rstrip(), lang)
    emit(payload, as_json, f"{text} (v{row.version})")
