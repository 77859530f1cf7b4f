"""Validating uploaded models and writing them for the run (registry.domain.checks.idf)."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from eppy.bunchhelpers import scientificnotation

from registry.domain.checks import idf
from registry.domain.checks import precheck as idf_precheck
from registry.domain.checks.writer import _object_text
from registry.i18n import render
from tests.conftest import MODELS_DIR
from tests.messages import bilingual

MODELS = MODELS_DIR
OFFICE = (MODELS / "office_box.idf").read_text(encoding="utf-8")
MAX = 20 * 1024 * 1024


def validate(text: str) -> idf.Model:
    return idf.validate_idf(text.encode("utf-8"), max_bytes=MAX)


def rejected(text: str) -> idf.IdfRejected:
    with pytest.raises(idf.IdfRejected) as caught:
        validate(text)
    return caught.value


def codes(model: idf.Model) -> list[str]:
    return [code for code, _params in model.warnings]


def test_office_box_facts():
    model = validate(OFFICE)
    facts = model.facts
    assert facts["version"] == "25.2" and facts["engine_idd"] == "25.2.0"
    assert (facts["zones"], facts["surfaces"], facts["subsurfaces"]) == (1, 6, 1)
    assert facts["floor_area_m2"] == 100.0
    assert facts["timesteps_per_hour"] == 4
    assert facts["run_period"]["begin"] == "1/1" and facts["run_period"]["end"] == "12/31"
    assert facts["schedule_compact"] == 10 and facts["objects"] == 49
    assert model.warnings == [("idf.outputs_dropped", {"count": 2})]


def test_old_version_is_rejected_naming_it_and_the_updater():
    error = rejected((MODELS / "office_box_v9_4.idf").read_text(encoding="utf-8"))
    assert (error.code, error.params) == ("idf.wrong_version", {"found": "9.4"})
    assert "9.4" in render(error.code, error.params, "zh")
    assert "IDFVersionUpdater" in render(error.code, error.params, "en")


def test_recent_version_is_run_as_25_2_with_a_warning():
    model = validate(OFFICE.replace("Version,25.2;", "Version,25.1;"))
    assert ("idf.older_version_accepted", {"found": "25.1"}) in model.warnings
    assert re.search(
        r"\nVersion,\n    25\.2; +!- Version Identifier\n", idf.prepare_for_check(model)
    )


@pytest.mark.parametrize(
    "obj",
    [
        "PythonPlugin:Instance,Plugin,No,my_module,MyPlugin;",
        "ExternalInterface,PtolemyServer;",
        "ExternalInterface:FunctionalMockupUnitImport,model.fmu,15,0;",
    ],
)
def test_code_running_objects_are_refused(obj):
    error = rejected(OFFICE + "\n" + obj + "\n")
    assert error.code == "idf.forbidden_object"
    assert error.params["object"] == obj.split(",")[0]


def test_refused_object_hidden_after_another_on_one_line():
    # The byte-level precheck reads line starts; the object scan reads every object.
    text = OFFICE.replace("Timestep,4;", "Timestep,4; PythonPlugin:Instance,P,No,m,C;")
    assert rejected(text).code == "idf.forbidden_object"


def test_external_files_are_refused():
    text = OFFICE + "\nSchedule:File,Hourly,Fraction,/etc/passwd,1,0,8760,Comma;\n"
    error = rejected(text)
    assert (error.code, error.params["name"]) == ("idf.external_file", "Hourly")


def test_unknown_objects_are_refused_not_silently_dropped():
    error = rejected(OFFICE + "\nZone:Typo,Office 2;\n")
    assert (error.code, error.params) == ("idf.unknown_object", {"objects": "Zone:Typo"})


@pytest.mark.parametrize(
    ("cut", "code"),
    [
        (re.compile(r"\nZone,.*?;\n", re.S), "idf.no_zones"),
        (re.compile(r"\nBuildingSurface:Detailed,.*?;\n", re.S), "idf.no_surfaces"),
        (re.compile(r"\nRunPeriod,.*?;\n", re.S), "idf.no_run_period"),
    ],
)
def test_model_needs_zones_surfaces_and_a_run_period(cut, code):
    assert rejected(cut.sub("\n", OFFICE)).code == code


def test_two_run_periods_are_refused():
    text = OFFICE + "\nRunPeriod,Summer,6,1,,8,31;\n"
    assert rejected(text).params == {"count": 2}


def test_part_year_run_period_is_warned():
    text = OFFICE.replace("    12,                      !- End Month", "    6,  !- End Month")
    model = validate(text)
    assert ("idf.not_full_year", {"begin": "1/1", "end": "6/31"}) in model.warnings


def test_ems_is_accepted_with_a_warning():
    text = OFFICE + (
        "\nEnergyManagementSystem:Sensor,OutT,*,Site Outdoor Air Drybulb Temperature;"
        "\nEnergyManagementSystem:Program,Noop,SET x = OutT;\n"
    )
    assert ("idf.ems_present", {"count": 2}) in validate(text).warnings


def test_malformed_object_is_a_parse_error_not_a_crash():
    error = rejected(OFFICE + "\nZone,Z2,0,0,0,0,1,1,3,4,5,6,7,8,9,10,11,12,13;\n")
    assert error.code == "idf.parse_error"
    assert "TypeError" in error.params["error"]


def test_precheck_rejections_keep_their_codes():
    assert rejected("").code == "idf.empty"
    assert rejected("Zone,A;").code == "idf.no_version"
    with pytest.raises(idf.IdfRejected) as caught:
        idf.validate_idf(OFFICE.encode(), max_bytes=1000)
    assert caught.value.code == "idf.too_large"


def test_every_code_has_chinese_and_english_text():
    source = Path(idf_precheck.__file__).read_text() + Path(idf.__file__).read_text()
    used = set(re.findall(r'"(idf\.[a-z_]+)"', source))
    assert used <= idf.MESSAGES.keys()
    for code, (zh, en) in bilingual(idf.MESSAGES).items():
        assert zh and en and zh != en, code
        names = set(re.findall(r"{(\w+)}", zh))
        assert names == set(re.findall(r"{(\w+)}", en)), code


def test_prepare_for_check_sets_outputs_and_drops_time_series():
    text = OFFICE.replace(
        "    Yes;                     !- Run Simulation for Weather",
        "    No;  !- Run Simulation for Weather",
    ).replace(
        "    No,                      !- Run Simulation for Sizing Periods",
        "    Yes,  !- Run Simulation for Sizing Periods",
    )
    model = validate(text)
    assert {"idf.weather_run_enabled", "idf.sizing_period_runs_skipped"} <= set(codes(model))
    assert "idf.sizing_period_runs_skipped" not in codes(validate(OFFICE))
    prepared = idf.prepare_for_check(model)
    assert "Output:Variable," not in prepared and "Output:Meter," not in prepared
    assert re.search(r"\nOutput:SQLite,\n    SimpleAndTabular, +!- Option Type\n", prepared)
    assert re.search(
        r"\nOutput:Table:SummaryReports,\n +AnnualBuildingUtilityPerformanceSummary;", prepared
    )
    assert "AllSummary" not in prepared
    assert "Registry Monthly Energy" in prepared and "DistrictHeatingSteam:Facility" in prepared
    reread = idf.parse_text(prepared)
    control = reread.idfobjects["SIMULATIONCONTROL"][0]
    assert control.Run_Simulation_for_Weather_File_Run_Periods == "Yes"
    assert control.Run_Simulation_for_Sizing_Periods == "No"
    assert len(reread.idfobjects["OUTPUT:SQLITE"]) == 1
    assert len(reread.idfobjects["OUTPUT:TABLE:MONTHLY"]) == 1


def test_prepare_keeps_only_the_tables_the_check_reads():
    """The model's own report tables go (they cost run time, not results); the registry's
    monthly table, already in a model uploaded again after a check, is not counted as one."""
    prepared_once = idf.prepare_for_check(validate(OFFICE))
    text = prepared_once + (
        "\nOutput:Table:Monthly, Zone temperatures, 2, Zone Mean Air Temperature, Maximum;\n"
        "Output:Table:Annual, Lights, Filter, , Lights Electricity Energy, SumOrAverage;\n"
        "Output:Table:SummaryReports, AllSummary, ZoneComponentLoadSummary;\n"
    )
    model = validate(text)
    assert ("idf.outputs_dropped", {"count": 2}) in model.warnings
    reread = idf.parse_text(idf.prepare_for_check(model))
    monthly = reread.idfobjects["OUTPUT:TABLE:MONTHLY"]
    assert [table.obj[1] for table in monthly] == [idf.MONTHLY_REPORT_NAME]
    assert not reread.idfobjects["OUTPUT:TABLE:ANNUAL"]
    assert [r.obj[1:] for r in reread.idfobjects["OUTPUT:TABLE:SUMMARYREPORTS"]] == [
        [idf.SUMMARY_REPORT]
    ]


def test_model_text_is_what_stock_eppy_writes():
    # Stock idfstr() costs ~0.5 s per Schedule:Compact, so keep this model to two of them.
    text = re.sub(
        r"\nSchedule:Compact,\n    (?!Always On|Office Occupancy).*?;\n", "\n", OFFICE, flags=re.S
    )
    text = text.replace("Office Lights,           !- Schedule", "Office Occupancy, !- Schedule")
    text = text.replace("Office Equipment,        !- Schedule", "Office Occupancy, !- Schedule")
    model = idf.parse_text(text)
    assert len(model.idfobjects["SCHEDULE:COMPACT"]) == 2
    assert idf.model_text(model) == model.idfstr()


def test_every_object_type_is_written_as_eppy_writes_it():
    model = idf.parse_text("Version,25.2;")
    for key in model.model.dtls:
        model.newidfobject(key)
    cache: dict = {}
    compared = 0
    for key in model.model.dtls:
        for obj in model.idfobjects[key]:
            if len(obj.objls) > 600:  # the handful that take stock eppy seconds each
                continue
            assert _object_text(obj, cache, scientificnotation) == repr(obj), key
            compared += 1
    assert compared > 800


def test_field_names_kept_per_type_are_what_stock_eppy_builds():
    """The parse reuses each type's field names; every object still gets its own list, and
    an object longer than its IDD entry goes through stock eppy, which lengthens the entry."""
    from eppy.bunchhelpers import makefieldname

    model = validate(OFFICE).idf
    seen = set()
    for key in model.model.dtls:
        for obj in model.idfobjects[key]:
            fields = [comm.get("field") for comm in obj.objidd]
            fields[0] = ["key"]
            assert obj.objls == [makefieldname(field[0]) for field in fields], key
            assert id(obj.objls) not in seen
            seen.add(id(obj.objls))
    assert len(model.idfobjects["SCHEDULE:COMPACT"]) > 2
    pairs = ",".join(f"Meter {i}:Facility,SumOrAverage" for i in range(400))
    long = idf.parse_text(f"Version,25.2;\nOutput:Table:Monthly,T,2,{pairs};\n")
    table = long.idfobjects["OUTPUT:TABLE:MONTHLY"][0]
    assert table.obj[-2] == "Meter 399:Facility" and len(table.objls) == len(table.obj) == 803


def test_eppy_rereads_our_text_to_identical_objects():
    model = validate(OFFICE)
    reread = idf.parse_text(idf.model_text(model.idf))
    for key in model.idf.model.dtls:
        ours = [obj.obj for obj in model.idf.idfobjects[key]]
        assert ours == [obj.obj for obj in reread.idfobjects[key]], key


def test_parsing_from_threads_is_safe():
    results, errors = [], []

    def work():
        try:
            results.append(idf.model_text(validate(OFFICE).idf))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(set(results)) == 1


def test_garbage_numbers_give_empty_facts_not_a_crash():
    text = OFFICE.replace("Timestep,4;", "Timestep,four;").replace(
        "    1,                       !- Multiplier", "    one, !- Multiplier"
    )
    facts = validate(text).facts
    assert facts["timesteps_per_hour"] is None
    assert facts["floor_area_m2"] == 100.0
