"""Whether a saving-rate check backs an energy record's level (GB/T 51350's levels nest:
zero ⊃ nearly zero ⊃ ultra-low, so a check meeting a higher level backs a lower one)."""

from __future__ import annotations

LEVEL_RANK = {"none": 0, "ultra_low": 1, "nearly_zero": 2, "zero": 3}
# The energy record levels a saving-rate check can back.
BACKED_LEVELS = ("ultra_low", "nearly_zero", "zero")
# The saving-parameter rows a check's level is judged by (a public check's rates and n50
# limit, a residential check's demand limits, renewable share and n50 limit):
# a backed share is labelled verified only when all of them are.
LEVEL_THRESHOLD_KEYS = (
    "public.ultra_low.comprehensive_pct",
    "public.ultra_low.itself_pct",
    "public.nearly_zero.comprehensive_pct",
    "public.nearly_zero.itself_pct",
    "public.nearly_zero.renewable_pct",
    "public.n50_max",
    *(
        f"residential.{level}.{name}"
        for level in ("ultra_low", "nearly_zero")
        for name in ("heating_kwh_m2", "cooling_base", "cooling_wdh20", "cooling_ddh28")
    ),
    "residential.nearly_zero.renewable_pct",
    "residential.n50_max",
)


def meets(level_met: str, record_level: str) -> bool:
    return LEVEL_RANK.get(level_met, 0) >= LEVEL_RANK.get(record_level, 99)
