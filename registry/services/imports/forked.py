"""Half of a long, pure computation done by a forked copy of this process (issue 23).

Checking a city's 100,000-row sheet row by row is pure Python: one core's work while the
other of a 2-core worker idles. `Forked(produce)` forks; the copy runs `produce()`, which
sees everything the process held at the fork (the sheet, already in memory, and its row
reader at the same place) and yields plain, picklable items; they come back in order, in
pickled chunks, through a pipe that a thread of this process empties as they arrive, so the
copy never waits on a full pipe while this process does its own half. An import's commit
uses it the same way: the copy makes and binds every row, which this process writes as
they come (`imports.store.write_plan`).

The copy touches nothing it inherited but the data `produce` reads: no database connection,
no file but its pipe, no logging; it leaves by `os._exit`, so no cleanup of the parent's
objects runs twice. A `RegistryError` it raises (a row over a limit, found only when read)
comes back as the same error, raised when its place in the order is reached; anything else,
or a copy that dies, ends the run with `ForkedFailed`. `stop()` kills the copy (a cancelled
import) and reaps it. `detached(work)` runs work that ends in a file and sends nothing back
(the dry run written down for a commit on another process, `kept.share`). `Shares` hands
out parts of a piece of work to whichever of the two is free first.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import queue
import signal
import struct
import threading
from collections.abc import Callable, Iterable, Iterator

from registry.errors import RegistryError

CHUNK_ITEMS = 2_000
_HEADER = struct.Struct("!Q")  # a message's length in bytes
_PIPE_BYTES = 1 << 20


class ForkedFailed(RuntimeError):
    """The forked copy failed or died before sending all its items."""


class Forked:
    def __init__(self, produce: Callable[[], Iterable], *, chunk_items: int = CHUNK_ITEMS):
        read_end, write_end = os.pipe()
        _widen(write_end)
        pid = os.fork()
        if pid == 0:  # the copy
            os.close(read_end)
            _run_copy(produce, write_end, chunk_items)  # never returns
        os.close(write_end)
        self.pid: int | None = pid
        self._messages: queue.SimpleQueue = queue.SimpleQueue()
        self._reader = threading.Thread(
            target=_read_messages, args=(read_end, self._messages), daemon=True
        )
        self._reader.start()

    def results(self) -> Iterator:
        """The copy's items, in order; waits for each chunk as it comes."""
        while True:
            message = self._messages.get()
            if message is None:
                raise ForkedFailed("the forked copy ended before its last item")
            kind, value = pickle.loads(message)
            if kind == "items":
                yield from value
            elif kind == "done":
                self.stop()
                return
            elif kind == "refused":
                error_class, code, params = value
                self.stop()
                raise error_class(code, params)
            else:
                self.stop()
                raise ForkedFailed(value)

    def stop(self) -> None:
        """End the copy if it still runs, and reap it; safe to call more than once."""
        if self.pid is None:
            return
        pid, self.pid = self.pid, None
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        self._reader.join(timeout=5)


def _widen(pipe_end: int) -> None:
    """Let the pipe hold 1 MiB (Linux's usual most, `/proc/sys/fs/pipe-max-size`) rather
    than 64 KiB: a chunk of checked rows is a few hundred KiB, and with the smaller pipe
    the copy waits while this process's reader thread waits for the interpreter's lock
    between each 64 KiB. Where it cannot (another system, a lower cap) the pipe stays as
    it is, only slower."""
    try:
        fcntl.fcntl(pipe_end, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    except (AttributeError, OSError):
        pass


def _run_copy(produce, write_end: int, chunk_items: int) -> None:
    status = 0
    try:
        with os.fdopen(write_end, "wb", buffering=0) as out:

            def send(kind, value) -> None:
                body = pickle.dumps((kind, value), protocol=pickle.HIGHEST_PROTOCOL)
                out.write(_HEADER.pack(len(body)))
                out.write(body)

            chunk: list = []
            try:
                for item in produce():
                    chunk.append(item)
                    if len(chunk) >= chunk_items:
                        send("items", chunk)
                        chunk = []
                send("items", chunk)
                send("done", None)
            except RegistryError as error:
                send("items", chunk)
                send("refused", (type(error), error.code, error.params))
            except BaseException as error:  # noqa: BLE001  (reported to the parent, then exit)
                send("failed", f"{type(error).__name__}: {error}")
    except BaseException:  # noqa: BLE001  (the pipe is gone: the parent has stopped)
        status = 1
    finally:
        os._exit(status)


def _read_messages(read_end: int, messages: queue.SimpleQueue) -> None:
    """Move whole messages from the pipe to `messages` as they arrive; None at its end."""
    with os.fdopen(read_end, "rb") as stream:
        while True:
            header = stream.read(_HEADER.size)
            if len(header) < _HEADER.size:
                break
            (size,) = _HEADER.unpack(header)
            body = stream.read(size)
            if len(body) < size:
                break
            messages.put(body)
    messages.put(None)


class Shares:
    """Part numbers 0, 1, 2, … each handed out once, in order, to whichever of this process
    and its forked copy asks first (`take`), so that the two split a piece of work as fast
    as each goes rather than by a share fixed ahead: the numbers are written ahead into a
    pipe that both read, and Linux serialises a pipe's reads, each taking one whole 4-byte
    number. Neither waits on the other, and a copy killed mid-take holds no lock. Made
    before the fork, for `count` parts or as many as the pipe holds (up to 16,000 in its
    usual 64 KiB; fewer when the system caps a user's pipes): `take` gives None when no
    number is left, and the rest of the work is then the caller's to do."""

    _NUMBER = struct.Struct("!I")
    _BLOCK = 4096 // _NUMBER.size  # numbers a write: 4 KiB, within PIPE_BUF, all or nothing

    def __init__(self, count: int):
        self._read_end, write_end = os.pipe()
        # Never blocks: a full pipe ends the writing, and the parts it left out are
        # no number's: `take` runs out sooner.
        fcntl.fcntl(write_end, fcntl.F_SETFL, fcntl.fcntl(write_end, fcntl.F_GETFL) | os.O_NONBLOCK)
        try:
            for start in range(0, max(count, 0), self._BLOCK):
                numbers = range(start, min(start + self._BLOCK, count))
                block = b"".join(self._NUMBER.pack(number) for number in numbers)
                try:
                    os.write(write_end, block)
                except BlockingIOError:
                    break
        finally:
            os.close(write_end)  # with every number written and the end closed, a read of
            # an empty pipe is its end (b""), not a wait

    def take(self) -> int | None:
        """The next part's number, or None when none is left."""
        data = os.read(self._read_end, self._NUMBER.size)
        return self._NUMBER.unpack(data)[0] if data else None

    def close(self) -> None:
        os.close(self._read_end)


def detached(work: Callable[[], None]) -> int:
    """Run `work()` in a forked copy of this process and return at once (its pid): for
    work whose result is a file, which this process must not wait for (`kept.share`).
    The copy follows the same rules as `Forked`'s and is reaped by a thread of this process."""
    pid = os.fork()
    if pid == 0:  # the copy
        status = 0
        try:
            work()
        except BaseException:  # noqa: BLE001  (nowhere to report it: the file is not written)
            status = 1
        finally:
            os._exit(status)
    threading.Thread(target=os.waitpid, args=(pid, 0), daemon=True).start()
    return pid
