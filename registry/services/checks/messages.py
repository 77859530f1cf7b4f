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
}
