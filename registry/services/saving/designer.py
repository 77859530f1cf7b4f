"""A designer-supplied reference model (issue 21): an alternative to the generated reference.

Web side: the reference upload is prechecked like the design's, stored beside it (the design's
generated file name with `.reference.idf`) and pinned by its hash in the check's options, so
the cache key is the pair of hashes. Worker side: both models are validated and compared
(`registry.domain.saving.consistency`) before any engine run; an inconsistent pair fails the
check with every difference, a consistent one runs as the generated reference does, with no
transformation (`changes` empty) and the comparison's findings stored with the rates.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from registry.config import Config
from registry.domain.checks.precheck import PrecheckRejected, precheck_idf
from registry.domain.saving.consistency_terms import FIELD_CONTEXT, OBJECT_CONTEXT
from registry.domain.saving.errors import SavingRejected
from registry.errors import ValidationFailed
from registry.i18n import Locale, pgettext, render

if TYPE_CHECKING:
    from registry.domain.saving.transform import Reference

OPTION = "reference_sha256"
SOURCE_DESIGNER, SOURCE_GENERATED = "designer", "generated"
INCONSISTENT = "saving.reference_inconsistent"
REJECTED = "saving.reference_rejected"
SHOWN = ("object", "name", "field", "design", "reference", "tolerance")


class ReferenceInconsistent(SavingRejected):
    """The pair differs; `params` holds the count and every difference (plain JSON)."""


def reference_sha256(options: dict | None) -> str | None:
    return (options or {}).get(OPTION)


def with_reference(options: dict, data: bytes, config: Config) -> dict:
    """The saving check's options with the reference model pinned by its hash; the reference
    passes the design upload's prechecks (size, encoding, version, forbidden objects) or is
    refused as the `reference` field."""
    try:
        precheck_idf(data, max_bytes=config.MAX_UPLOAD_BYTES)
    except PrecheckRejected as exc:
        raise ValidationFailed({"reference": (exc.code, exc.params)}) from None
    return {**options, OPTION: hashlib.sha256(data).hexdigest()}


def reference_path(design_path: Path) -> Path:
    """Where a check's reference model is kept: beside its design, under our own name."""
    return design_path.with_name(f"{Path(design_path.name).stem}.reference.idf")


def store_reference(design_path: Path, data: bytes) -> None:
    stored = reference_path(design_path)
    stored.write_bytes(data)
    stored.chmod(0o600)


def designer_reference_for(
    engine, config: Config, design_path: Path, design_model
) -> tuple[Reference, dict[str, dict], dict]:
    """The designer's reference model prepared for its run, the parameters and the
    comparison's findings; raises SavingRejected when it cannot be read and
    ReferenceInconsistent when it does not match the design."""
    from registry.domain.checks import idf  # eppy: the worker only
    from registry.domain.checks.comparable import comparable_facts
    from registry.domain.saving.consistency import check_pair
    from registry.domain.saving.reference import UNSUPPORTED_SURFACES
    from registry.domain.saving.transform import Reference
    from registry.services.saving.runs import run_parameters

    try:
        data = reference_path(design_path).read_bytes()
    except OSError as exc:
        raise SavingRejected("check.model_missing", {"error": str(exc)}) from None
    try:
        model = idf.validate_idf(data, max_bytes=config.MAX_UPLOAD_BYTES)
        prepared = idf.prepare_for_check(model)
    except idf.IdfRejected as exc:
        raise SavingRejected(REJECTED, {"code": exc.code, "params": exc.params}) from None
    for checked in (design_model, model):
        found = [key for key in UNSUPPORTED_SURFACES if checked.idf.idfobjects[key.upper()]]
        if found:
            raise SavingRejected("saving.unsupported_surfaces", {"objects": ", ".join(found)})
    params = run_parameters(engine)
    result = check_pair(comparable_facts(design_model.idf), comparable_facts(model.idf), params)
    if not result.consistent:
        raise ReferenceInconsistent(INCONSISTENT, result.as_params())
    reference = Reference(text=prepared, changes=[], wwr=result.findings.pop("wwr", {}))
    return reference, params, result.findings


def mark_designer(row, findings: dict) -> None:
    """Record on the rate row that the reference was the designer's, with what was compared
    (beside the window ratios the end uses already carry)."""
    row.end_uses = {
        **(row.end_uses or {}),
        "reference_source": SOURCE_DESIGNER,
        "consistency": findings,
    }


def refusal_message(code: str | None, params: dict | None, lang: Locale) -> str | None:
    """A check's refusal as the reader reads it; a rejected reference model names the
    reason in the reader's language, not the design's code."""
    if not code:
        return None
    params = params or {}
    if code == REJECTED:
        reason = render(params.get("code", ""), params.get("params") or {}, lang)
        return render(code, {"reason": reason}, lang)
    return render(code, params, lang)


def differences(code: str | None, params: dict | None, lang: Locale) -> list[dict]:
    """Each difference of an inconsistent pair: object, field, both values, the tolerance
    and the sentence that names it in the reader's language."""
    if code != INCONSISTENT:
        return []
    out = []
    for item in (params or {}).get("differences", []):
        shown = {key: item.get(key, "") for key in SHOWN}
        # Our words (the object, the field, a façade) in the reader's language; the model's
        # own names as the designer wrote them.
        shown["object"] = pgettext(OBJECT_CONTEXT, shown["object"], lang)
        if shown["field"]:
            shown["field"] = pgettext(FIELD_CONTEXT, shown["field"], lang)
        if item.get("name_is_term"):
            shown["name"] = pgettext(OBJECT_CONTEXT, shown["name"], lang)
        out.append({**shown, "message": render(item["code"], item.get("params") or {}, lang)})
    return out
