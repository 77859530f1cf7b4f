from registry.domain.quotas.verdict import STATUSES as QUOTA_STATUSES
from registry.domain.source_status import SOURCE_STATUS_NAMES
from registry.vocabulary import source_status_name


def test_every_quota_status_has_a_name_in_both_languages():
    for status in QUOTA_STATUSES:
        zh, en = source_status_name(status, "zh"), SOURCE_STATUS_NAMES[status]
        assert zh not in (status, en)
        assert source_status_name(status, "en") == en


def test_an_unknown_status_is_shown_as_stored():
    assert source_status_name("from-a-newer-release", "zh") == "from-a-newer-release"
