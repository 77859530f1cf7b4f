"""What the tally report and its preparation say: the appendix's headings and columns, the
page footer, and a document being made (English; the Chinese is in the catalogue)."""

MESSAGES: dict[str, str] = {
    "tally.appendix_records": "Appendix A. Every counted record",
    "tally.appendix_records_note": (
        "Records making up the cumulative figures at the period's end, and those revoked within "
        "the period (marked). Rows counted within the period are marked ●. {count} records in "
        "target and date order; the digest on every page covers them all."
    ),
    "tally.appendix_none": "No counted records.",
    "tally.appendix_later": "Appendix B. Revocations after the period",
    "tally.appendix_later_note": (
        "These were counted in this period's figures and revoked afterwards; they leave the "
        "tallies from their revocation date, this period's figures are unchanged."
    ),
    "tally.appendix_later_none": "There were none.",
    "tally.col_target": "Target",
    "tally.col_building": "Building",
    "tally.col_district": "District",
    "tally.col_kind_level": "Kind / level",
    "tally.col_label": "Label number",
    "tally.col_counted_on": "Counted on",
    "tally.col_area": "Area (m²)",
    "tally.col_revoked": "Revoked",
    "tally.col_revoked_on": "Revoked on",
    "report.page_of": "Page {page} of {pages}",
    "report.digest": "Data digest SHA-256: {digest}",
    "tally.document_preparing": (
        "A newer tally report is being prepared ({done} of {total} records laid out); it can be "
        "downloaded when it is ready."
    ),
    "tally.document_failed": "The tally report could not be made; it has been queued again.",
    "tally.building_with_id": "{name} (#{id})",
    "tally.evidence_target_unknown": (
        "“{value}” has no evidence list: only the upgrade and ultra-low targets have one."
    ),
}
