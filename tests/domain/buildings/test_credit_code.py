import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.domain.buildings.credit_code import (
    CHARSET,
    MESSAGES,
    InvalidCreditCode,
    check_char,
    is_valid_credit_code,
    make_credit_code,
    validate_credit_code,
)
from registry.i18n import render

# An independent reading of GB 32100-2015: the 31 characters are the digits and the
# capitals left after removing I, O, Z, S and V; weights are 3^(i-1) mod 31; a valid
# code's weighted sum, check character included with weight 1, is 0 mod 31.
ALPHABET = string.digits + "".join(c for c in string.ascii_uppercase if c not in "IOZSV")


def message(error: InvalidCreditCode, locale: str = "zh") -> str:
    return render(error.message_code, error.params, locale)


def independent_check_char(prefix17: str) -> str:
    total = sum(ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(prefix17))
    matches = [c for c in ALPHABET if (total + ALPHABET.index(c)) % 31 == 0]
    assert len(matches) == 1
    return matches[0]


def independently_valid(code: str) -> bool:
    return (
        len(code) == 18
        and all(c in ALPHABET for c in code)
        and (independent_check_char(code[:17]) == code[17])
    )


def test_charset_is_the_standards_31_characters():
    assert CHARSET == ALPHABET
    assert len(CHARSET) == 31 and not set("IOZSV") & set(CHARSET)


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # the worked example printed with GB 32100-2015
        "914403001922038216",  # published business-licence codes
        "9144030071526726XG",
        "91330100716105852F",
    ],
)
def test_published_codes_are_valid(code):
    assert independently_valid(code)
    assert validate_credit_code(code) == code


@pytest.mark.parametrize(
    "prefix",
    [
        "91370200MA3C1234X",  # a company registered in Qingdao (3702xx)
        "91370212MA3NQ0RK5",  # 崂山区
        "12370200493560873",  # a public institution (事业单位)
        "51370211MJD123456",  # a social organisation registered in 黄岛区
        "92370215MA3P00000",  # an individual business in 即墨区
    ],
)
def test_made_codes_agree_with_the_independent_implementation(prefix):
    code = make_credit_code(prefix)
    assert code[:17] == prefix
    assert code[17] == independent_check_char(prefix) == check_char(prefix)
    assert validate_credit_code(code) == code


_prefixes = st.text(alphabet=ALPHABET, min_size=17, max_size=17)


@given(_prefixes)
def test_any_prefix_gets_the_check_char_the_independent_rule_gives(prefix):
    prefix = prefix[:2] + "370200" + prefix[8:]  # positions 3-8 are digits
    assert make_credit_code(prefix)[17] == independent_check_char(prefix)


@given(_prefixes, st.integers(min_value=0, max_value=17), st.sampled_from(ALPHABET))
def test_a_single_changed_character_is_always_caught(prefix, position, replacement):
    code = make_credit_code(prefix[:2] + "370203" + prefix[8:])
    if code[position] == replacement or (2 <= position <= 7 and not replacement.isdigit()):
        return
    changed = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(InvalidCreditCode) as info:
        validate_credit_code(changed)
    assert info.value.code == "checksum"


@pytest.mark.parametrize(
    "raw",
    [
        " 91350100m000100y43 ",
        "９１３５０１００Ｍ０００１００Ｙ４３",
        "91350100 M000100 Y43",
        "\u00a091350100M000100Y43\u3000",
    ],
)
def test_input_is_normalised(raw):
    assert validate_credit_code(raw) == "91350100M000100Y43"


@pytest.mark.parametrize(
    "raw, reason, params",
    [
        ("91350100M000100Y4", "length", {"length": 17}),
        ("91350100M000100Y433", "length", {"length": 19}),
        ("", "length", {"length": 0}),
        ("91350100M0001I0Y43", "charset", {"char": "I", "position": 14}),
        ("9135010OM000100Y43", "charset", {"char": "O", "position": 8}),
        ("91350100M000100Y4-", "charset", {"char": "-", "position": 18}),
        ("913501A0M000100Y43", "division", {"char": "A", "position": 7}),
        ("91350100M000100Y44", "checksum", {"expected": "3", "actual": "4"}),
    ],
)
def test_invalid_codes_name_the_reason(raw, reason, params):
    with pytest.raises(InvalidCreditCode) as info:
        validate_credit_code(raw)
    assert info.value.code == reason
    assert info.value.params.items() >= params.items()
    assert info.value.message_code in MESSAGES
    assert not is_valid_credit_code(raw)


def test_messages_say_what_to_fix_in_both_languages():
    with pytest.raises(InvalidCreditCode) as info:
        validate_credit_code("91350100M000100Y44")
    assert "“3”" in message(info.value) and "“3”" in message(info.value, "en")
    with pytest.raises(InvalidCreditCode) as info:
        validate_credit_code("91350100M0001I0Y43")
    assert "14" in message(info.value) and "I" in message(info.value, "en")


def test_make_credit_code_needs_17_valid_characters():
    with pytest.raises(ValueError):
        make_credit_code("9137020")
    with pytest.raises(InvalidCreditCode):
        make_credit_code("91370200MA3C1234I")
