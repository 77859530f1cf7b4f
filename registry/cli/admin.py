"""Set-up and user commands: init, create-user, first-login, worker-start/stop."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import click

from registry.cli.common import app, open_session
from registry.cli.output import emit, handles_errors, json_option, locale_option
from registry.services.setup import ensure_first_admin, initialise
from registry.services.users import create_user


def register(main: click.Group) -> None:
    main.add_command(init)
    main.add_command(create_user_command)
    main.add_command(first_login)
    main.add_command(worker_start)
    main.add_command(worker_stop)


@click.command()
@json_option
def init(as_json: bool) -> None:
    """Migrate the database and load reference data (districts, targets, quotas, weather)."""
    application = app()
    config = application.extensions["registry.config"]
    lines = initialise(application.extensions["registry.engine"], config.DATABASE_URL)
    username, _password = ensure_first_admin(
        application.extensions["registry.engine"], config.INSTANCE_DIR
    )
    emit({"steps": lines, "admin": username}, as_json, "\n".join(lines))


@click.command("create-user")
@click.option("--username", required=True)
@click.option("--password", required=True, prompt=True, hide_input=True)
@click.option(
    "--role", required=True, type=click.Choice(["admin", "officer", "designer", "viewer"])
)
@click.option("--district", "districts", multiple=True, help="GB/T 2260 code; repeat for more.")
@click.option("--name", "display_name", default="")
@json_option
@locale_option
@handles_errors
def create_user_command(username, password, role, districts, display_name, as_json):
    """Create a user (officers need one or more --district)."""
    with open_session() as session:
        user = create_user(
            session=session,
            actor=None,
            username=username,
            password=password,
            role=role,
            districts=list(districts),
            display_name=display_name,
        )
        emit(
            {
                "id": user.id,
                "username": user.username,
                "role": user.role,
                "districts": sorted(user.district_codes),
            },
            as_json,
            str(user.id),
        )


@click.command("first-login")
def first_login() -> None:
    """Print the first admin's login (until its password is changed)."""
    application = app()
    config = application.extensions["registry.config"]
    username, password = ensure_first_admin(
        application.extensions["registry.engine"], config.INSTANCE_DIR
    )
    if password:
        click.echo(f"  First login: {username} / {password}   (change it at /account)")
    else:
        click.echo(f"  Log in as {username} (password set earlier)")


def _pid_file() -> Path:
    return app().extensions["registry.config"].INSTANCE_DIR / "worker.pid"


@click.command("worker-start")
@click.option("--log", "log_path", default="instance/logs/worker.log")
def worker_start(log_path: str) -> None:
    """Start a Celery worker in the background (concurrency = cores)."""
    pid_file = _pid_file()
    if pid_file.exists():
        try:
            os.kill(int(pid_file.read_text()), 0)
            click.echo(f"  Worker already running (pid {pid_file.read_text().strip()})")
            return
        except (OSError, ValueError):
            pid_file.unlink()
    Path(log_path).parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "registry.jobs:celery_app",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={os.cpu_count() or 1}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    pid_file.write_text(str(process.pid))
    time.sleep(0.5)
    if process.poll() is not None:
        raise click.ClickException(f"the worker exited at once; see {log_path}")
    click.echo(f"  Worker started (pid {process.pid})")


@click.command("worker-stop")
def worker_stop() -> None:
    """Stop the background worker: warm, then cold, then killed (unacknowledged checks go
    back to the queue)."""
    pid_file = _pid_file()
    if not pid_file.exists():
        return
    try:
        pid = int(pid_file.read_text())
    except ValueError:
        pid_file.unlink(missing_ok=True)
        return
    from registry.jobs import stop_worker_process

    stop_worker_process(pid)
    pid_file.unlink(missing_ok=True)
