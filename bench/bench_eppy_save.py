"""eppy 0.6.7's `IDF.save()` against `registry.domain.checks.idf.model_text`, on the same model.

The model is generated here: the registry's office box plus `SCHEDULES` year-long
`Schedule:Compact` objects (one `Through:` per day, as exported by design tools), the
shape that makes eppy's writer slow. Both outputs are written the way `save(lineendings=
"unix")` writes and must be byte-identical; the times and their ratio are printed.
"""

from __future__ import annotations

import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from registry.domain.checks import idf

SCHEDULES = 20
OUR_REPEATS = 5
OFFICE_BOX = Path(__file__).resolve().parent.parent / "energyplus_models" / "office_box.idf"


def synthetic_model_text(schedules: int = SCHEDULES) -> str:
    """The office box with `schedules` day-by-day Schedule:Compact objects appended."""
    parts = [OFFICE_BOX.read_text(encoding="utf-8")]
    for number in range(schedules):
        fields = [f"Bench Schedule {number}", "Fraction"]
        day = date(2025, 1, 1)
        while day.year == 2025:
            value = 0.2 + 0.6 * ((day.timetuple().tm_yday + number) % 7) / 6
            fields += [
                f"Through: {day.month}/{day.day}",
                "For: AllDays",
                "Until: 08:00",
                "0.1",
                "Until: 18:00",
                f"{value:.3f}",
                "Until: 24:00",
                "0.1",
            ]
            day += timedelta(days=1)
        parts.append("Schedule:Compact,\n    " + ",\n    ".join(fields) + ";\n")
    return "\n".join(parts)


def write_like_eppy_save(text: str, path: Path) -> None:
    """What `IDF.save(path, lineendings="unix", encoding="utf-8")` does with the text."""
    text = "!- Unix Line endings \n" + text
    path.write_bytes("\n".join(text.splitlines()).encode("utf-8"))


def main() -> None:
    text = synthetic_model_text()
    model = idf.parse_text(text)
    fields = sum(len(o.obj) - 1 for o in model.idfobjects["SCHEDULE:COMPACT"])
    print(
        f"model: {len(text) / 1e6:.2f} MB, {SCHEDULES} long Schedule:Compact "
        f"({fields} schedule fields in all)"
    )
    with tempfile.TemporaryDirectory(prefix="bench-eppy-") as folder:
        stock_path, our_path = Path(folder, "stock.idf"), Path(folder, "ours.idf")
        started = time.perf_counter()
        model.save(str(stock_path), lineendings="unix", encoding="utf-8")
        stock_s = time.perf_counter() - started
        our_times = []
        for _ in range(OUR_REPEATS):
            started = time.perf_counter()
            write_like_eppy_save(idf.model_text(model), our_path)
            our_times.append(time.perf_counter() - started)
        identical = stock_path.read_bytes() == our_path.read_bytes()
    ours_s = min(our_times)
    print(f"stock eppy IDF.save():   {stock_s:8.3f} s")
    print(f"idf.model_text + write:  {ours_s:8.3f} s  (best of {OUR_REPEATS})")
    print(f"ratio stock / ours:      {stock_s / ours_s:8.0f} x")
    print(f"outputs byte-identical:  {identical}")
    if not identical:
        raise SystemExit("model_text differs from eppy's save(): fix idf.model_text")


if __name__ == "__main__":
    main()
