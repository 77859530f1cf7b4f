"""What a designer reads about a check's state and failures: English templates, whose
Chinese is in the catalogue (registry.i18n.render)."""

MESSAGES = {
    "check.not_found": "Energy check #{id} not found.",
    "check.not_cancellable": "This check has already ended ({status}).",
    "check.model_missing": "The uploaded model file is missing; upload it again.",
    "check.internal_error": (
        "The check hit an internal error ({error}); no result was stored. Try again or contact "
        "the administrator."
    ),
    "check.too_many_attempts": (
        "The simulation worker stopped unexpectedly {attempts} times; no more retries. Contact "
        "the administrator."
    ),
    "check.workdir_error": (
        "The server's temporary folder is not writable (disk full?); the check could not run: "
        "{error}"
    ),
    "check.file_required": "Choose an IDF model file to upload.",
    "check.wrong_extension": "Only .idf files are accepted (got “{name}”).",
    "check.too_large": "The file is too large ({size_mb} MB); the limit is {max_mb} MB.",
    "check.broker_unavailable": (
        "The model is saved and queued; the job queue is unavailable right now and the run will "
        "start automatically when it is back."
    ),
    "energyplus.timeout": (
        "EnergyPlus was stopped after its time limit ({seconds} s). Shorten the run period or "
        "simplify the model."
    ),
    "energyplus.failed": "EnergyPlus failed (exit code {returncode}); see the messages below.",
    "check.too_many_queued": (
        "You already have {count} checks waiting (at most {max} per user); submit more once some "
        "have finished."
    ),
    "check.summary.official": (
        "Official verdict: {basis} {value} {unit}, {band} ({standard} {table})"
    ),
    "check.summary.official_no_quota": "Official verdict: {reason}",
    "check.summary.withheld": "No official verdict (the figures are for reference only):",
    "check.summary.weather_official": "Weather: {name} (the registry's official Qingdao year)",
    "check.summary.weather_other": "Weather: {name} (not the registry's official Qingdao year)",
    "check.summary.cached": (
        "Reused an identical earlier run (same model, weather and engine), judged against this "
        "building's registration."
    ),
    "check.summary.fresh": "Computed by a new run (no earlier run reused).",
    "check.summary.engine": (
        "EnergyPlus messages: {warnings} warnings, {severes} severe errors, {fatals} fatal."
    ),
}
