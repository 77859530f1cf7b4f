"""Benchmarks: `python -m bench` (or `make bench`) runs them all, one after another;
`python -m bench NAME [NAME …]` runs those alone. Each ends with one line per goal
(`NAME: <figures> (goal …) MET` or `MISSED`); a run of several repeats them all at the end.

Each benchmark of a run of several runs in a process of its own, as it does alone by name:
what one leaves behind (a heap of a million generated rows, a warm cache, threads) must not
slow or speed the next. Ratios stay side by side inside each benchmark. Each prints the
machine's pace (`bench.pace`) at its start and end; a run of several repeats the first and
the last with its goals."""

from __future__ import annotations

import importlib
import subprocess
import sys

from bench import pace
from bench.goals import LINES, is_goal

# name -> module whose main() runs it
BENCHMARKS = {
    "eppy_save": "bench.bench_eppy_save",
    "import": "bench.bench_import",
    "list": "bench.bench_list",
    "tally": "bench.bench_tally",
    "tally_pdf": "bench.bench_tally_pdf",
    "tally_full": "bench.bench_tally_full",
    "check": "bench.bench_check",
    "metered": "bench.bench_metered",
    "saving_rate": "bench.bench_saving_rate",
}


def _alone(name: str) -> tuple[int, list[str], list[str]]:
    """`python -m bench NAME` in a process of its own, its output passed on as it comes;
    its exit code, its goal lines and its pace lines (`pace.line`, at its start and end)."""
    lines: list[str] = []
    paces: list[str] = []
    with subprocess.Popen(
        [sys.executable, "-m", "bench", name],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    ) as child:
        assert child.stdout is not None
        for line in child.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            if is_goal(line.rstrip("\n")):
                lines.append(line.rstrip("\n"))
            elif pace.is_pace(line):
                paces.append(line.rstrip("\n"))
    return child.returncode, lines, paces


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
        return 2
    if len(names) == 1:
        print(f"== {names[0]}\n{pace.line('start')}", flush=True)
        importlib.import_module(BENCHMARKS[names[0]]).main()
        print(pace.line("end"), flush=True)
        return 0
    # Each benchmark prints the pace at its start and end: the run's own are the first
    # benchmark's start and the last one's end, not measured again here.
    paces: list[str] = []
    failed = []
    for name in names:
        code, lines, its_paces = _alone(name)
        LINES.extend(lines)
        paces.extend(its_paces)
        if code:
            failed.append(name)
            LINES.append(f"{name}: the benchmark stopped with exit code {code} MISSED")
    run_paces = [paces[0], paces[-1]] if len(paces) > 1 else paces
    print("\n== goals")
    for line in [*LINES, *run_paces]:
        print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
