"""`registry check MODEL.idf --building ID`: run an energy check from the command line.

Two ways to reach the registry, printing the same payload: on the server, straight to its
database (acting `--as` a user); from anywhere, over its API with a token (`--server URL
--token T`, or REGISTRY_URL and REGISTRY_TOKEN), which imports no database code at all.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from registry.cli.output import actor_option, emit, handles_errors, json_option, locale_option


def register(main: click.Group) -> None:
    main.add_command(check)
    main.add_command(weather_list)


def _text(payload: dict) -> str:
    """The check in a few lines: state, EUI, then the server's own sentences (the verdict or
    why it was withheld, the weather, the cache, the engine's messages) and warnings."""
    lines = [f"#{payload['id']} {payload['status_name']}"]
    if payload["error"]:
        lines.append(payload["error"]["message"])
        lines.extend(f"  - {d['message']}" for d in payload["error"].get("differences") or [])
    result = payload["result"]
    if result:
        lines.append(
            f"EUI {result['eui_kwh_per_m2']:.1f} kWh/(m²·a) — {result['total_site_kwh']:,.0f} "
            f"kWh / {result['registered_area_m2']:,.1f} m²"
        )
    lines.extend(payload.get("summary") or [])
    lines.extend(f"! {w}" for w in payload["warnings"])
    return "\n".join(lines)


@click.command()
@click.argument("model", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--building", "building_id", type=int, required=True, help="Building id.")
@click.option("--weather", default=None, help="Weather file name or id (default: Qingdao).")
@click.option(
    "--epw",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Use this EPW file (added to the weather library).",
)
@click.option(
    "--saving-rate",
    is_flag=True,
    default=False,
    help="Also run the GB/T 51350 reference building and report the energy-saving rates.",
)
@click.option(
    "--n50",
    type=float,
    default=None,
    help="With --saving-rate: the declared airtightness, air changes per hour at 50 Pa.",
)
@click.option(
    "--reference",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="With --saving-rate: your own reference building model instead of the generated "
    "one (compared with MODEL before any engine run).",
)
@click.option("--wait/--no-wait", default=False, help="Wait until the check ends.")
@click.option("--timeout", default=3600, show_default=True, help="Seconds to wait.")
@click.option(
    "--server",
    envvar="REGISTRY_URL",
    default=None,
    metavar="URL",
    help="The registry's address: upload over its API instead of to the local "
    "database [env REGISTRY_URL].",
)
@click.option(
    "--token",
    envvar="REGISTRY_TOKEN",
    default=None,
    help="API token, with --server [env REGISTRY_TOKEN].",
)
@actor_option
@json_option
@locale_option
@handles_errors
def check(
    model,
    building_id,
    weather,
    epw,
    saving_rate,
    n50,
    reference,
    wait,
    timeout,
    server,
    token,
    actor_name,
    as_json,
    lang,
):
    """Upload MODEL.idf for a building's energy check (runs on a worker)."""
    if server:
        from registry.cli.checks import remote

        payload = remote.run_check(
            server=server,
            token=token,
            lang=lang,
            model=model,
            building_id=building_id,
            weather=weather,
            epw=epw,
            wait=wait,
            timeout_s=timeout,
            actor_name=actor_name,
            saving_rate=saving_rate,
            n50=n50,
            reference=reference,
        )
    else:
        payload = _check_in_database(
            model,
            building_id,
            weather,
            epw,
            wait,
            timeout,
            actor_name,
            lang,
            saving_rate,
            n50,
            reference,
        )
    emit(payload, as_json, _text(payload))
    if payload["status"] == "failed":
        sys.exit(2)


def _check_in_database(
    model,
    building_id,
    weather,
    epw,
    wait,
    timeout,
    actor_name,
    lang,
    saving_rate=False,
    n50=None,
    reference=None,
) -> dict:
    from registry.cli import common
    from registry.models import FINAL_STATES
    from registry.queue import enqueue_check
    from registry.services.checks import uploads as check_service
    from registry.services.checks.payload import check_payload, preload_payload
    from registry.services.checks.weather import add_weather

    config = common.config()
    try:
        with common.open_session() as session:
            actor = common.resolve_actor(session, actor_name)
            if epw is not None:
                weather = add_weather(
                    session=session,
                    actor=actor,
                    config=config,
                    data=epw.read_bytes(),
                    name=epw.name,
                ).id
            created = check_service.create_check(
                session=session,
                actor=actor,
                config=config,
                building_id=building_id,
                idf_bytes=model.read_bytes(),
                filename=model.name,
                weather=weather,
                saving_rate=saving_rate,
                n50=n50,
                reference_bytes=reference.read_bytes() if reference is not None else None,
                reference_filename=reference.name if reference is not None else "",
                enqueue=enqueue_check,
            )
            check_id = created.id
        if wait and created.status not in FINAL_STATES:
            preload_payload()  # the verdict's code, loaded while the engine runs, not after
            with common.open_session() as session:
                check_service.wait_until_ended(
                    session=session, actor=actor, check_id=check_id, timeout_s=timeout
                )
        with common.open_session() as session:
            row = check_service.get_check(session=session, actor=actor, check_id=check_id)
            return check_payload(session, row, lang)
    finally:
        common.close()


@click.command("weather")
@json_option
@locale_option
@handles_errors
def weather_list(as_json: bool, lang) -> None:
    """List the weather library."""
    from registry import vocabulary
    from registry.cli.common import open_session
    from registry.i18n import gettext
    from registry.services.checks.weather import list_weather

    with open_session() as session:
        rows = list_weather(session=session)
    emit(
        [
            {
                "id": w.id,
                "name": w.name,
                "location": w.location,
                "synthetic": w.synthetic,
                "default": w.is_default,
                "sha256": w.sha256,
            }
            for w in rows
        ],
        as_json,
        # As the admin's weather page: the file's name, its place, default and synthetic.
        "\n".join(
            "  ".join(
                part
                for part in (
                    f"{w.id:>3}",
                    w.name,
                    vocabulary.weather(w.name, w.location, lang),
                    gettext("default", lang) if w.is_default else "",
                    gettext("synthetic", lang) if w.synthetic else "",
                )
                if part
            )
            for w in rows
        ),
    )
