"""Benchmarks: `python -m bench` (or `make bench`) runs them all side by side in one run;
`python -m bench NAME [NAME …]` runs those alone. Each ends with one line per goal
(`NAME: <figures> (goal …) MET` or `MISSED`); a run of several repeats them all at the end."""

from __future__ import annotations

import importlib
import sys

from bench.goals import LINES

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


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
        return 2
    for name in names:
        print(f"== {name}", flush=True)
        importlib.import_module(BENCHMARKS[name]).main()
    if len(names) > 1 and LINES:
        print("\n== goals")
        for line in LINES:
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
