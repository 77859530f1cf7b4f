"""A saving-rate check on the worker: the reference building from the prepared design model,
both engine runs, the rates stored with the check's result.

When the machine has a second core free (no more checks running on this worker node than
cores minus one), both runs start at once, each its own EnergyPlus process, inside the one
check: it then costs about the longer run, not the sum (`python -m bench saving_rate`).
Otherwise they run one after the other rather than crowd another user's check. The heartbeat
kills both on a cancel.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from sqlalchemy import func
from sqlmodel import Session, select

from registry.domain.saving import rates as saving_rates
from registry.errors import ValidationFailed
from registry.models import Check, CheckSavingRate
from registry.services.saving.seed import current

if TYPE_CHECKING:
    from registry.domain.saving.reference import Reference

OPTION = "saving_rate"


def is_saving_check(options: dict | None) -> bool:
    return bool((options or {}).get(OPTION))


def parameters_stamp(params: dict[str, dict]) -> str:
    """A hash of the parameter versions in force: part of the check's cache key, so a cached
    answer is reused only for the same design model and the same reference building."""
    canonical = json.dumps(
        {key: [row["value"], row["version"]] for key, row in sorted(params.items())},
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


MAX_N50 = 50.0  # 1/h: above this a declared value is a typo, not a building


def parse_n50(raw) -> float | None:
    """The declared airtightness (n50, 1/h) from what a user typed; None when left empty."""
    if raw is None or str(raw).strip() == "":
        return None
    try:
        value = float(str(raw).strip())
    except ValueError:
        value = float("nan")
    if not 0 < value <= MAX_N50:  # `not` catches NaN
        raise ValidationFailed({"n50": ("saving.n50_invalid", {"value": str(raw)[:20]})})
    return value


def options_for(session: Session, n50: float | None = None) -> dict:
    options = {
        "run": "annual",
        OPTION: True,
        "saving_parameters": parameters_stamp(current(session)),
    }
    if n50 is not None:
        options["n50"] = n50
    return options


def reference_for(engine, prepared_text: str) -> tuple[Reference, dict[str, dict]]:
    """The reference building of a prepared design model, with the parameters it used.

    Raises registry.domain.saving.reference.SavingRejected when the model cannot have one.
    """
    from registry.domain.saving.reference import reference_building  # eppy: the worker only

    params = run_parameters(engine)
    return reference_building(prepared_text, params), params


def run_parameters(engine) -> dict[str, dict]:
    """The reference parameters in force, with the run-level validity rules' thresholds
    carried along to the rate row (a generated or a designer's reference alike)."""
    from registry.domain.checks.validity import SEVERE_ERRORS, UNMET_HOURS
    from registry.services.checks.validity import current_rules

    with Session(engine) as session:
        params = current(session)
        rules = current_rules(session)
    return {
        **params,
        "_validity": {
            UNMET_HOURS: rules[UNMET_HOURS].threshold,
            SEVERE_ERRORS: rules[SEVERE_ERRORS].threshold,
        },
    }


def second_slot_free(engine, check_id: int, worker: str, cores: int | None = None) -> bool:
    """Whether this worker's machine has a core for the reference run beside the design's.

    A worker runs one check per core (`registry worker-start`: concurrency = cores); its
    processes share the node name before the pid (`celery@host:pid`). Counted: the other
    checks running on the same node now.
    """
    node = worker.rsplit(":", 1)[0]
    with Session(engine) as session:
        busy = session.exec(
            select(func.count())
            .select_from(Check)
            .where(
                Check.id != check_id,
                Check.status.in_(("validating", "running", "reading")),
                Check.worker.like(f"{node}:%"),
            )
        ).one()
    return busy + 2 <= (cores or os.cpu_count() or 1)


def run_both(
    run: Callable[[str, str], object],
    design_text: str,
    reference_text: str,
    *,
    parallel: bool = True,
):
    """(design outcome, reference outcome): `run(text, subfolder)` for both, at once when
    `parallel` (a second core is free), else one after the other."""
    if not parallel:
        return run(design_text, "design"), run(reference_text, "reference")
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="saving-run") as pool:
        design = pool.submit(run, design_text, "design")
        reference = pool.submit(run, reference_text, "reference")
        return design.result(), reference.result()


def reference_validity(annual, err, thresholds: dict) -> list[dict]:
    """The reference run judged by the run-level validity rules (unmet hours, severe errors):
    a reference that is not a sound run makes no sound rate."""
    out = []
    unmet_limit = thresholds.get("unmet_hours")
    if unmet_limit is not None:
        unmet = (annual.unmet_heating_hours or 0.0) + (annual.unmet_cooling_hours or 0.0)
        out.append(
            {
                "rule": "unmet_hours",
                "held": unmet <= unmet_limit,
                "value": unmet,
                "limit": unmet_limit,
            }  # fmt: skip
        )
    severe_limit = thresholds.get("severe_errors")
    if severe_limit is not None:
        severes = max(0, getattr(err, "severes", 0) - getattr(err, "warmup_severes", 0))
        out.append(
            {
                "rule": "severe_errors",
                "held": severes <= severe_limit,
                "value": severes,
                "limit": severe_limit,
            }  # fmt: skip
        )
    return out


def rate_row(
    *,
    check_id: int,
    design,
    reference_annual,
    reference_outcome,
    reference: Reference,
    reference_text: str,
    params: dict[str, dict],
    design_sql,
    n50: float | None = None,
) -> CheckSavingRate:
    """The row stored beside the design's result (the caller adds it in that transaction)."""
    renewable = saving_rates.read_renewable_kwh(design_sql)
    found = saving_rates.saving_rates(
        design.by_end_use_kwh, reference_annual.by_end_use_kwh, renewable, params, n50
    )

    def nested(by_end_use):
        out: dict[str, dict[str, float]] = {}
        for (end_use, fuel), kwh in by_end_use.items():
            out.setdefault(end_use, {})[fuel] = kwh
        return out

    return CheckSavingRate(
        check_id=check_id,
        reference_sha256=hashlib.sha256(reference_text.encode()).hexdigest(),
        design_kwh=found.design_kwh,
        reference_kwh=found.reference_kwh,
        renewable_kwh=found.renewable_kwh,
        itself_pct=found.itself_pct,
        comprehensive_pct=found.comprehensive_pct,
        renewable_pct=found.renewable_pct,
        level_met=found.level_met,
        n50_declared=found.n50_declared,
        n50_max=found.n50_max,
        end_uses={
            "design": nested(design.by_end_use_kwh),
            "reference": nested(reference_annual.by_end_use_kwh),
            "wwr": reference.wwr,
        },
        changes=reference.changes,
        # The comparison's tolerances are kept with its findings, not with the rates.
        parameters={k: v for k, v in params.items() if not k.startswith(("_", "consistency."))},
        reference_validity=reference_validity(
            reference_annual, reference_outcome.err, params.get("_validity", {})
        ),
        reference_unmet_heating_hours=reference_annual.unmet_heating_hours,
        reference_unmet_cooling_hours=reference_annual.unmet_cooling_hours,
        reference_run_seconds=reference_outcome.elapsed_s,
        reference_err=reference_outcome.err.as_dict()
        if hasattr(reference_outcome.err, "as_dict")
        else None,
    )
