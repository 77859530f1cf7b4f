"""The machine's pace while the benchmarks run: a fixed piece of pure Python, timed.

The goals are seconds on this machine, but a machine of this kind is shared and its speed
has differed by two between sessions: WeasyPrint's own rate on the same table (the tally PDF
bench prints it) was 6.1-6.6 ms a row in one session's runs and 14.0 in another's, with
nothing of ours in it. A goal is not scaled by the pace: the pace is printed beside the
goals, at the start and the end of a run, so that a MISSED the machine caused can be told
from one the code caused, and runs of different days compared.
"""

from __future__ import annotations

import math
import time

LOOP_ROWS = 1_000_000


def pace_s(repeats: int = 3) -> float:
    """CPU seconds this process takes for a fixed loop over `LOOP_ROWS` small rows (a dict
    made, a number formatted, text joined: what most of the benchmarks do a row), the least
    of `repeats`: CPU time, not wall time, so another process's load counts only as far as
    it slows this one's core."""
    best = math.inf
    for _ in range(repeats):
        started = time.process_time()
        total = 0
        for n in range(LOOP_ROWS):
            row = {"id": n, "area_m2": n * 0.5, "name": f"楼{n}"}
            total += len(f"{row['id']},{row['area_m2']:,.2f},{row['name']}")
        best = min(best, time.process_time() - started)
    return best


_PREFIX = "host pace ("


def line(when: str) -> str:
    return (
        f"{_PREFIX}{when}): a fixed loop over {LOOP_ROWS:,} small rows took "
        f"{pace_s():.2f} s of CPU (the least of 3; lower is faster)"
    )


def is_pace(text: str) -> bool:
    """Whether `text` is a line `line` printed."""
    return text.startswith(_PREFIX)
