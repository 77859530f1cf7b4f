"""Python's cyclic garbage collector paused around work that builds many objects which all
live until the work ends: a 100,000-row import's dry run and commit, a 10,000-building
quota list, a command's module imports.

The collector runs whenever allocations outnumber deallocations by a few hundred, and each
pass over the older generations walks every object still alive. While a dry run keeps
every row it has checked, those passes find no garbage and cost a quarter of its time (a
100,000-row dry run: 4.2-4.9 s -> 3.1-3.7 s, `bench import`). Garbage without cycles is
freed by reference counting meanwhile as always; cycles made during the work wait for the
collector's next pass after it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No collection while the block runs (nor in a process it forks meanwhile); the
    collector as it was after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
