"""What a designer reads when a model is refused or warned about: English templates, whose
Chinese is in the catalogue (registry.i18n.render)."""

MESSAGES = {
    "idf.empty": "The uploaded model file is empty.",
    "idf.too_large": "The model file is too large ({size_mb} MB); the limit is {max_mb} MB.",
    "idf.encoding": "The model file is encoded as {encoding}; save it as UTF-8 (or GBK) text.",
    "idf.binary": "This is not a text IDF file (perhaps a zip, an .imf or another binary file).",
    "idf.no_version": (
        "The model has no Version object, so its EnergyPlus version is unknown. Add "
        "“Version,25.2;”."
    ),
    "idf.wrong_version": (
        "The model is for EnergyPlus {found}; the registry runs EnergyPlus 25.2. Transition it to "
        "25.2 with IDFVersionUpdater (in the PreProcess folder of an EnergyPlus install), one "
        "version at a time, then upload it again."
    ),
    "idf.older_version_accepted": (
        "The model is for EnergyPlus {found}; it is run as 25.2. If the run fails, transition it "
        "to 25.2 with IDFVersionUpdater first."
    ),
    "idf.ems_while_loop": (
        "The EMS program {program} has a WHILE loop (“{line}”). A loop may never end and would "
        "hold a simulation worker, so the registry runs no EMS WHILE; write it with IF blocks and "
        "a fixed number of steps, then upload again."
    ),
    "idf.ems_recursion": (
        "EMS subroutines call each other in a circle ({chain}) and would recurse without end. "
        "Remove the circular RUN and upload again."
    ),
    "idf.forbidden_object": (
        "The model contains {object}. For safety the registry does not run objects that call "
        "scripts, external programs or co-simulation; remove it and upload again."
    ),
    "idf.external_file": (
        "{object} “{name}” reads an external file, but only the IDF itself is uploaded. Use "
        "embedded data (e.g. Schedule:Compact) instead."
    ),
    "idf.unknown_object": (
        "EnergyPlus 25.2 does not know these objects: {objects}. Check the spelling or the "
        "model's version."
    ),
    "idf.parse_error": (
        "The model could not be read ({error}). Open and save it in the EnergyPlus 25.2 IDF "
        "Editor, then upload it again."
    ),
    "idf.no_zones": "The model has no Zone objects.",
    "idf.no_surfaces": "The model has no building surfaces (BuildingSurface:Detailed or similar).",
    "idf.absurd_size": (
        "The model's floor area is {area} m², over {max} m²: its geometry is implausible "
        "(coordinates in millimetres?)."
    ),
    "idf.no_run_period": (
        "The model has no RunPeriod, so there is no annual run. Add a RunPeriod from 1 January to "
        "31 December."
    ),
    "idf.multiple_run_periods": (
        "The model has {count} RunPeriods, whose results would be added together. Keep one "
        "full-year RunPeriod."
    ),
    "idf.not_full_year": (
        "The RunPeriod runs from {begin} to {end}, not a whole year; the energy use intensity is "
        "only meaningful for a full year."
    ),
    # EMS is accepted: see _check_safety for why.
    "idf.ems_present": (
        "The model has {count} EnergyManagementSystem objects. EMS programs can override controls "
        "and loads; reviewers should look at them."
    ),
    "idf.weather_run_enabled": (
        "The model's SimulationControl had the weather-file (annual) run switched off; the check "
        "switches it on."
    ),
    "idf.sizing_period_runs_skipped": (
        "The model's SimulationControl asks for its sizing periods to be simulated; the check "
        "reads only the weather-file (annual) run, so it leaves those simulations out (sizing "
        "calculations still run). Annual results are unaffected."
    ),
    "idf.outputs_dropped": (
        "{count} output requests (Output:Variable / Output:Meter / Output:Table) are not needed "
        "for the check and were left out."
    ),
}
