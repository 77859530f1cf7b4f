"""The `registry` command: click groups over the services, each with --json output."""

from __future__ import annotations

import importlib

import click

# Feature modules, each exposing `register(main)`; a module not yet present is skipped.
COMMAND_MODULES = (
    "registry.cli.admin",
    "registry.cli.records",
    "registry.cli.checks",
    "registry.cli.tally",
    "registry.cli.imports",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Qingdao green-building registry (青岛市绿色建筑登记系统)."""


for _name in COMMAND_MODULES:
    try:
        _module = importlib.import_module(_name)
    except ModuleNotFoundError as _exc:
        if _exc.name != _name:
            raise
        continue
    _module.register(main)
