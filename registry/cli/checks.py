"""`registry check MODEL.idf --building ID`: run an energy check from the command line."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from registry.cli.common import (
    actor_option,
    app,
    emit,
    handles_errors,
    json_option,
    locale_option,
    open_session,
    resolve_actor,
)
from registry.messages import render
from registry.services import checks as check_service
from registry.services.check_payload import check_payload
from registry.services.weather import add_weather, list_weather

FINAL = {"done", "failed", "cancelled"}


def register(main: click.Group) -> None:
    main.add_command(check)
    main.add_command(weather_list)


def _text(payload: dict) -> str:
    lines = [f"#{payload['id']} {payload['status_name']}"]
    if payload["error"]:
        lines.append(payload["error"]["message"])
    result = payload["result"]
    if result:
        lines.append(
            f"EUI {result['eui_kwh_per_m2']:.1f} kWh/(m²·a) — {result['total_site_kwh']:,.0f} "
            f"kWh / {result['registered_area_m2']:,.1f} m²"
        )
    lines.extend(f"! {w}" for w in payload["warnings"])
    return "\n".join(lines)


@click.command()
@click.argument("model", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--building", "building_id", type=int, required=True, help="Building id.")
@click.option("--weather", default=None, help="Weather file name or id (default: Qingdao).")
@click.option("--epw", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Use this EPW file (added to the weather library).")
@click.option("--wait/--no-wait", default=False, help="Wait until the check ends.")
@click.option("--timeout", default=3600, show_default=True, help="Seconds to wait.")
@actor_option
@json_option
@locale_option
@handles_errors
def check(model, building_id, weather, epw, wait, timeout, actor_name, as_json, lang):
    """Upload MODEL.idf for a building's energy check (runs on a worker)."""
    config = app().extensions["registry.config"]
    with open_session() as session:
        actor = resolve_actor(session, actor_name)
        if epw is not None:
            weather = add_weather(session=session, actor=actor, config=config,
                                  data=epw.read_bytes(), name=epw.name).id
        created = check_service.create_check(
            session=session, actor=actor, config=config, building_id=building_id,
            idf_bytes=model.read_bytes(), filename=model.name, weather=weather,
        )
        check_id = created.id
        if created.enqueue_error and not as_json:
            click.echo(render("check.broker_unavailable", {}, lang), err=True)
    deadline = time.monotonic() + timeout
    while True:
        with open_session() as session:
            row = check_service.get_check(session=session, actor=actor, check_id=check_id)
            payload = check_payload(session, row, lang)
        if not wait or row.status in FINAL or time.monotonic() > deadline:
            break
        time.sleep(0.2)  # a cheap query; 1 s polls added ~0.5 s to every --wait
    emit(payload, as_json, _text(payload))
    if payload["status"] == "failed":
        sys.exit(2)


@click.command("weather")
@json_option
def weather_list(as_json: bool) -> None:
    """List the weather library."""
    with open_session() as session:
        rows = list_weather(session=session)
    emit([{"id": w.id, "name": w.name, "location": w.location, "synthetic": w.synthetic,
           "default": w.is_default, "sha256": w.sha256} for w in rows], as_json,
         "\n".join(f"{w.id:>3} {'*' if w.is_default else ' '} {w.name}"
                   f"{' (synthetic)' if w.synthetic else ''}" for w in rows))
