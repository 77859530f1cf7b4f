"""The benchmarks' own measuring helpers, run on a few rows: a benchmark that breaks when the
code it measures moves (as `bench_tally_pdf` did when the report environment became one per
language) is found by CI, not by the next person running `make bench`."""

from __future__ import annotations

import math

from bench.bench_tally_pdf import weasyprint_ms_per_row


def test_the_tally_pdf_bench_prices_weasyprint_on_a_few_rows():
    rows = [
        {
            "in_period": True,
            "target_name": "星级绿色建筑",
            "building_name": f"办公楼 {n}",
            "building_id": n,
            "district_name": "市南区",
            "kind": "绿色建筑标识",
            "level": "二星级",
            "label_number": f"QD-{n:04d}",
            "counted_on": "2025-03-01",
            "area_m2": 1000.0 + n,
            "removed_on": None,
        }
        for n in range(1, 9)
    ]
    # Only that it runs and yields a number: the sign of a difference of two timings is not
    # something a test on a shared CI machine can hold it to (it once came out -139 ms).
    assert math.isfinite(weasyprint_ms_per_row(rows))


def test_a_run_of_several_benchmarks_collects_each_goal_line_its_process_prints():
    """`make bench` runs each benchmark in a process of its own and repeats their goal
    lines at the end: it finds them in their output by their shape (`goals.is_goal`)."""
    from bench.goals import goal, is_goal

    line = goal("demo", "1,000 rows in 0.5 s", "≤ 1 s", True)
    assert is_goal(line) and line.endswith(") MET")
    assert is_goal(goal("demo", "2.0 s", "≤ 1 s", False))
    assert not is_goal("== goals")
    assert not is_goal("SQLite      csv   first byte  0.02 s, whole   2.51 s")


def test_the_pace_line_times_the_fixed_loop():
    """The pace printed beside the goals times the loop (a positive number of CPU seconds,
    under a minute however slow the machine) and the line carries it."""
    from bench import pace
    from bench.goals import is_goal

    assert 0 < pace.pace_s(repeats=1) < 60
    line = pace.line("start")
    assert line.startswith("host pace (start): a fixed loop over 1,000,000 small rows took ")
    assert " s of CPU" in line
    # A run of several finds each benchmark's pace lines in its output by their shape.
    assert pace.is_pace(line + "\n") and not is_goal(line)
    assert not pace.is_pace("== goals")
