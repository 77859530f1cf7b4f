from registry.domain.quotas.verdict import STATUSES as QUOTA_STATUSES
from registry.domain.source_status import SOURCE_STATUS_NAMES, source_status_name


def test_every_quota_status_has_a_name_in_both_languages():
    for status in QUOTA_STATUSES:
        zh, en = SOURCE_STATUS_NAMES[status]
        assert source_status_name(status) == zh != status
        assert source_status_name(status, "en") == en


def test_an_unknown_status_is_shown_as_stored():
    assert source_status_name("from-a-newer-release") == "from-a-newer-release"
