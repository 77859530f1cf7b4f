"""GB/T 51161-2016's office correction of a non-heating quota, E_c = E_0 · γ1 · γ2, for a
building's actual annual use time and floor area per person: whether it applies to a quota
row is `verdict.correction_applies`; `verdict.judge` applies it.
"""

from __future__ import annotations

from dataclasses import dataclass

# GB/T 51161 office correction as implemented in [S11]; T0 and S0 per sub-type unverified.
OFFICE_T0_HOURS = 2500.0
OFFICE_S0_M2_PER_PERSON = 10.0


@dataclass(frozen=True)
class OfficeCorrection:
    """GB/T 51161 office correction E_c = E_0 · γ1 · γ2, or why it was not applied."""

    applied: bool
    factor: float = 1.0
    gamma1: float | None = None
    gamma2: float | None = None
    reason: str = ""


def office_correction(
    annual_use_hours: float | None,
    area_per_person_m2: float | None,
    *,
    t0_hours: float = OFFICE_T0_HOURS,
    s0_m2_per_person: float = OFFICE_S0_M2_PER_PERSON,
) -> OfficeCorrection:
    """The office correction factor, applied only when both inputs are registered.

    Parameters
    ----------
    annual_use_hours : float or None
        T, actual annual use time, h/a; γ1 = 0.3 + 0.7 · T0 / T.
    area_per_person_m2 : float or None
        S, floor area per person, m²/person; γ2 = 0.7 + 0.3 · S / S0.
    t0_hours, s0_m2_per_person : float
        Reference T0 (2500 h/a) and S0 (10 m²/person), as in the implementation [S11].

    Applying one factor alone would assume the standard's reference for the other input,
    which is a guess, so both are needed.
    """
    if not annual_use_hours or not area_per_person_m2:
        return OfficeCorrection(applied=False, reason="quota.correction_inputs_missing")
    if annual_use_hours <= 0 or area_per_person_m2 <= 0:
        return OfficeCorrection(applied=False, reason="quota.correction_inputs_missing")
    gamma1 = 0.3 + 0.7 * t0_hours / annual_use_hours
    gamma2 = 0.7 + 0.3 * area_per_person_m2 / s0_m2_per_person
    return OfficeCorrection(
        applied=True,
        factor=gamma1 * gamma2,
        gamma1=gamma1,
        gamma2=gamma2,
        reason="quota.correction_applied",
    )
