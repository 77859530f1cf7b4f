"""What the building and record rules refuse, for every interface that registers them."""

MESSAGES: dict[str, str] = {
    "building.type_unknown": "Unknown building type “{value}”.",
    "building.sub_type_unknown": "“{value}” is not a sub-type of this building type.",
    "building.assembly_rate_without_prefab": (
        "An assembly rate is only for prefabricated buildings."
    ),
    "building.coordinates_pair": "Give both latitude and longitude, or neither.",
    "building.not_found": "No building with id {id}.",
    "building.has_records": "The building has records and cannot be deleted.",
    "record.not_found": "No record with id {id}.",
    "record.kind_unknown": "Unknown record kind “{value}”.",
    "record.level_unknown": "“{value}” is not a level of this kind.",
    "record.stage_required": "A green label needs a stage (pre-evaluation or evaluation).",
    "record.stage_only_for_labels": "Only green labels have a stage.",
    "record.issued_on_required": "Enter the issue date.",
    "record.label_number_required": "Enter the label number.",
    "record.label_number_malformed": (
        "A label number has at most 64 characters and no control characters."
    ),
    "record.label_number_taken": (
        "Label number “{label_number}” is already used by record {other_id}."
    ),
    "record.started_on_required": "Enter the start date.",
    "record.completed_before_started": "The completion date is before the start date.",
    "record.date_in_future": "The date {date} is in the future.",
    "record.counted_area_exceeds_building": (
        "Counted area {area} m² exceeds the building's floor area {building_area} m²."
    ),
    "record.bad_transition": "A record that is “{status}” cannot be {action}; nothing was changed.",
    "record.not_editable": "An approved record cannot be edited; use a correction with a reason.",
    "record.reason_required": "Give a reason.",
    "record.revoked_before_issue": "The revocation date {date} is before the issue date {issued}.",
}
