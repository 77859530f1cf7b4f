"""The `registry` command: click groups over the services, each with --json output."""

from __future__ import annotations

import atexit
import gc
import importlib

import click

from registry import collector

# Feature modules, each exposing `register(main)`.
COMMAND_MODULES = (
    "registry.cli.admin",
    "registry.cli.users",
    "registry.cli.records",
    "registry.cli.checks",
    "registry.cli.tally",
    "registry.cli.imports",
    "registry.cli.parcels",
    "registry.cli.metered",
    "registry.cli.saving",
)
# Which module defines each command. Importing every module is slow (Alembic, the password
# hasher's warm-up, the import and tally code), so a command loads only its own; a command
# missing here is still found by loading all of them (help, new commands).
COMMAND_HOMES = {
    "init": "registry.cli.admin",
    "create-user": "registry.cli.admin",
    "first-login": "registry.cli.admin",
    "worker-start": "registry.cli.admin",
    "worker-stop": "registry.cli.admin",
    "user": "registry.cli.users",
    "building": "registry.cli.records",
    "record": "registry.cli.records",
    "check": "registry.cli.checks",
    "weather": "registry.cli.checks",
    "tally": "registry.cli.tally",
    "tally-index": "registry.cli.tally",
    "import": "registry.cli.imports",
    "export": "registry.cli.imports",
    "parcel": "registry.cli.parcels",
    "metered": "registry.cli.metered",
    "saving": "registry.cli.saving",
}


class LazyGroup(click.Group):
    """A group that imports a command's module the first time the command is asked for."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._loaded: set[str] = set()

    def _load(self, name: str) -> None:
        if name in self._loaded:
            return
        self._loaded.add(name)
        # The import makes tens of thousands of objects that live as long as the process;
        # the collector would walk them again at each of its passes meanwhile, finding no
        # garbage among them.
        with collector.paused():
            module = importlib.import_module(name)
        module.register(self)

    def get_command(self, ctx, cmd_name):
        home = COMMAND_HOMES.get(cmd_name)
        if home in COMMAND_MODULES:
            self._load(home)
        command = super().get_command(ctx, cmd_name)
        if command is None:
            self.load_all()
            command = super().get_command(ctx, cmd_name)
        return command

    def list_commands(self, ctx):
        self.load_all()
        return super().list_commands(ctx)

    def load_all(self) -> None:
        for name in COMMAND_MODULES:
            self._load(name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Qingdao green-building registry (青岛市绿色建筑登记系统)."""


# Registered first, so it runs last, after every other exit handler: the interpreter's
# final garbage collections then skip the objects SQLAlchemy, pydantic and the models
# leave behind, whose memory the OS takes back anyway (a noticeable part of a short command).
# Nothing is skipped that a command needs: stdout and stderr are still flushed, the other
# exit handlers run, and `check` closes its database connections (common.close) itself.
atexit.register(gc.freeze)
