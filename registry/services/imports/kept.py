"""The dry run a worker keeps for the commit that follows it (issue 23).

Checking a city's 100,000-row sheet costs seconds, and its commit would check it again: so
the process that ran a file's dry run keeps the rows as checked (`Checked`) and the dry run
that sorted them (`Run`), one file at most. The commit takes them only for the same file
(same SHA-256, name, column choices and day), importer and language, and only if the
database answers the dry run's look-ups as it did then (`preview.confirmed_preview`).
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import logging
import os
import pickle
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from registry import collector
from registry.services.imports import forked
from registry.services.imports.outcomes import Preview

log = logging.getLogger(__name__)


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
    extras) for each row not skipped. Pure: the same bytes, file name, table shape (what
    the column choices decided) and day always check to the same rows."""

    key: tuple
    rows: list = field(default_factory=list)
    skipped: int = 0
    run: Run | None = None  # the dry run that sorted them, when it was kept
    # The sheets' first rows the header search read (`files.Table.heads`): a commit finds
    # from them the shape its own column choices give, without reading the file again.
    heads: tuple = ()


def key_of(sha256: str, filename: str, shape: tuple, today: date) -> tuple:
    """What the rows as checked depend on: the file's bytes and name, the table's shape
    (`files.Table.shape`: its sheet, header rows, headers and their fields) and the day.
    The shape, not the column choices: the page's commit sends every column's field as
    the preview showed it, where its dry run had none, and both read the file alike."""
    return (sha256, filename, shape, today)


# The rows of the last file this process checked, for a commit of the same file after its
# preview on the same worker. The commit still runs every check against the database
# (duplicates, permissions) inside its lock, and lets the rows go. One file at most is kept.
_last: Checked | None = None


def last() -> Checked | None:
    return _last


def keep(checked: Checked | None) -> None:
    global _last  # noqa: PLW0603  (one slot per process; see above)
    _last = checked


# --- The same, on disk, for a commit on another process -------------------------------
#
# A worker has two pool processes (and a city may run workers on several machines): the
# commit that follows a dry run lands on another process about half the time, and without
# this would check and sort every row again (a 100,000-row commit: 13-14 s instead of 10).
# So the dry run is also written beside the upload, by a forked copy (`share`), and a
# commit on a process that keeps no dry run of its file reads it (`adopt`) and confirms it
# as it would its own. The file is a pickle: it is signed with a key made from the
# registry's secret and the code that wrote it, and read only if the signature matches,
# so neither a file someone else put there nor one written by other code is unpickled.

WRITE_WAIT_S = 5.0  # writing a 100,000-row dry run takes about a second
KEPT_FOR_S = 86_400.0  # a dry run written down longer ago than this is removed
_SUFFIX = ".kept"
_MAC_BYTES = 32
_code_digest: bytes | None = None


def path_for(upload: Path) -> Path:
    """Where the dry run of the upload at `upload` is written down."""
    return upload.with_name(upload.name + _SUFFIX)


def share(upload: Path, *, secret: str | bytes) -> None:
    """Write down this process's kept dry run beside `upload`, by a forked copy (this
    process is free for its next job at once); the dry runs written down more than
    `KEPT_FOR_S` ago are removed. A marker says the file is being written until it is,
    so a commit that comes sooner waits for it (`adopt`) rather than check every row."""
    checked = _last
    if checked is None or checked.run is None:
        return
    target = path_for(upload)
    marker = marker_for(target)
    try:
        _prune(target.parent)
        key = _signing_key(secret)
        marker.touch()
        forked.detached(lambda: _write(checked, target, marker, key))
    except OSError:  # a full disk, no process left to fork: the commit checks the rows again
        log.warning("import: the dry run of %s could not be written down", upload.name)
        marker.unlink(missing_ok=True)


def adopt(upload: Path, *, secret: str | bytes, sha256: str) -> bool:
    """Make the dry run written down beside `upload` this process's kept one, unless this
    process keeps a dry run of that file already; whether it did. A file that is missing,
    signed otherwise (another secret, other code, changed) or unreadable is passed over:
    the commit then makes its dry run again."""
    if _last is not None and _last.run is not None and _last.key[0] == sha256:
        return False
    target = path_for(upload)
    _wait_for_writer(target)
    try:
        data = target.read_bytes()
    except OSError:
        return False
    mac, body = data[:_MAC_BYTES], memoryview(data)[_MAC_BYTES:]
    try:
        key = _signing_key(secret)
    except OSError:  # the registry's source unreadable: nothing can be checked
        return False
    if not hmac.compare_digest(mac, _mac(key, body)):
        log.warning("import: %s is not signed by this registry's code and key; not read", target)
        return False
    try:
        with collector.paused():  # a hundred thousand rows of small objects
            found = pickle.loads(body)
    except Exception:  # noqa: BLE001  (signed, so ours: a write cut short cannot pass the check)
        log.exception("import: %s could not be read", target)
        return False
    if not isinstance(found, Checked) or found.run is None or found.key[0] != sha256:
        return False
    keep(found)
    log.info("import: the dry run of %s read from disk (%d rows)", upload.name, len(found.rows))
    return True


def _write(checked: Checked, target: Path, marker: Path, key: bytes) -> None:
    """In the forked copy: sign and write the file, then remove the marker."""
    gc.disable()  # a collection would touch, and so copy, every object the copy shares
    scratch = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        body = pickle.dumps(checked, protocol=pickle.HIGHEST_PROTOCOL)
        with open(scratch, "wb") as out:
            out.write(_mac(key, body))
            out.write(body)
        os.replace(scratch, target)  # a reader sees the whole file or none
    finally:
        scratch.unlink(missing_ok=True)  # left only by a write that failed (a full disk)
        marker.unlink(missing_ok=True)


def marker_for(target: Path) -> Path:
    """The marker that says the file at `target` (`path_for`) is being written."""
    return target.with_name(target.name + ".writing")


def _wait_for_writer(target: Path) -> None:
    """Wait while the file is being written, up to `WRITE_WAIT_S` from its marker's time
    (a copy killed midway leaves its marker behind)."""
    marker = marker_for(target)
    while True:
        try:
            age_s = time.time() - marker.stat().st_mtime
        except OSError:
            return
        if age_s > WRITE_WAIT_S:
            return
        time.sleep(0.05)


def _prune(folder: Path) -> None:
    """Remove what was written down more than `KEPT_FOR_S` ago, with the markers and
    scratch files of writers killed midway."""
    limit = time.time() - KEPT_FOR_S
    for path in folder.glob(f"*{_SUFFIX}*"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            pass  # removed meanwhile by another process


def _signing_key(secret: str | bytes) -> bytes:
    """A key of the registry's secret and of the code that reads and writes the file: a
    file written by other code (a worker not yet updated) does not match, and its classes
    are never unpickled into this code's."""
    secret = secret.encode() if isinstance(secret, str) else secret
    return hashlib.blake2b(b"registry kept dry run\0" + secret + _code(), digest_size=32).digest()


def _code() -> bytes:
    """A digest of the registry package's source, once per process."""
    global _code_digest  # noqa: PLW0603  (computed once per process)
    if _code_digest is None:
        package = Path(__file__).resolve().parents[2]  # registry/
        digest = hashlib.blake2b(digest_size=32)
        for path in sorted(package.rglob("*.py")):
            digest.update(str(path.relative_to(package)).encode() + b"\0")
            digest.update(path.read_bytes())
        _code_digest = digest.digest()
    return _code_digest


def _mac(key: bytes, body) -> bytes:
    return hashlib.blake2b(body, key=key, digest_size=_MAC_BYTES).digest()
