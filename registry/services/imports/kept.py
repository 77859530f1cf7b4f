"""The dry run a worker keeps for the commit that follows it (issue 23).

Checking a city's 100,000-row sheet costs seconds, and its commit would check it again: so
the process that ran a file's dry run keeps the rows as checked (`Checked`) and the dry run
that sorted them (`Run`), one file at most. The commit takes them only for the same file
(same SHA-256, name, column choices and day), importer and language, and only if the
database answers the dry run's look-ups as it did then (`preview.confirmed_preview`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from registry.services.imports.outcomes import Preview


@dataclass
class Run:
    """A dry run kept with its rows (`preview.confirmed_preview`): its outcome, the
    importer's facts it depended on (`plan.actor_facts`) and what its look-ups found
    (`ImportState.loaded`)."""

    preview: Preview
    actor: tuple
    loaded: list[bytes]


@dataclass
class Checked:
    """A file's rows as checked on their own, before the duplicate rules: (RowResult,
    extras) for each row not skipped. Pure: the same bytes, file name, column choices and
    day always check to the same rows."""

    key: tuple
    rows: list = field(default_factory=list)
    skipped: int = 0
    run: Run | None = None  # the dry run that sorted them, when it was kept


def key_of(sha256: str, filename: str, choices: dict[str, str], today: date) -> tuple:
    """What the rows as checked depend on: the file's bytes and name, the column choices
    and the day."""
    return (sha256, filename, tuple(sorted(choices.items())), today)


# The rows of the last file this process checked, for a commit of the same file after its
# preview on the same worker. The commit still runs every check against the database
# (duplicates, permissions) inside its lock, and lets the rows go. One file at most is kept.
_last: Checked | None = None


def last() -> Checked | None:
    return _last


def keep(checked: Checked | None) -> None:
    global _last  # noqa: PLW0603  (one slot per process; see above)
    _last = checked
