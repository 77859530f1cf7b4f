"""The unified social credit code (统一社会信用代码, GB 32100-2015).

Eighteen characters from 0-9 and the capitals without I, O, Z, S and V:

=========  ==========================================================
position   meaning
=========  ==========================================================
1          registration authority (9 = market regulation, 5 = civil affairs, 1 = 编办, …)
2          organisation type under that authority
3-8        administrative division code of the registering office (digits)
9-17       organisation code (the former 组织机构代码, GB 11714)
18         check character: weights 3^(i-1) mod 31 over positions 1-17
=========  ==========================================================

Only the structure and the check character are verified: the authority/type pairs
and the inner GB 11714 check are left alone, because real codes issued before the
standard settled do not always follow them.
"""

from __future__ import annotations

import unicodedata

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18
_VALUE = {char: value for value, char in enumerate(CHARSET)}

MESSAGES: dict[str, str] = {
    "credit_code.length": (
        "A unified social credit code has 18 characters; “{value}” has {length}."
    ),
    "credit_code.charset": (
        "Character {position} of the credit code, “{char}”, is not allowed (digits and capital "
        "letters except I, O, Z, S, V)."
    ),
    "credit_code.division": (
        "Characters 3-8 of the credit code are the division code and must be digits; character "
        "{position} is “{char}”."
    ),
    "credit_code.checksum": (
        "The check character of credit code “{value}” should be “{expected}”, not “{actual}”; "
        "check the code for a typing slip."
    ),
}


class InvalidCreditCode(ValueError):
    """A code that is not a valid 统一社会信用代码; `code` is the reason, `params` its details.

    Reasons: 'length', 'charset' (char, position), 'division' (char, position),
    'checksum' (expected, actual). The message code is ``"credit_code." + code``.
    """

    def __init__(self, code: str, params: dict | None = None):
        super().__init__(code, params)
        self.code = code
        self.params = dict(params or {})

    @property
    def message_code(self) -> str:
        return f"credit_code.{self.code}"


def normalise_credit_code(value: str) -> str:
    """Half-width, upper case, without any whitespace (pasted codes carry NBSPs and spaces)."""
    text = unicodedata.normalize("NFKC", str(value))
    return "".join(text.split()).replace("\u200b", "").replace("\ufeff", "").upper()


def check_char(prefix17: str) -> str:
    """The check character for the first 17 characters (already valid characters)."""
    total = sum(_VALUE[char] * weight for char, weight in zip(prefix17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def _check_characters(code: str, value: str) -> None:
    for position, char in enumerate(code, start=1):
        if char not in _VALUE:
            raise InvalidCreditCode("charset", {"value": value, "char": char, "position": position})
        if 3 <= position <= 8 and not char.isdigit():
            raise InvalidCreditCode(
                "division", {"value": value, "char": char, "position": position}
            )


def validate_credit_code(value: str) -> str:
    """The normalised code, or raise `InvalidCreditCode` naming what is wrong."""
    code = normalise_credit_code(value)
    if len(code) != LENGTH:
        raise InvalidCreditCode("length", {"value": code, "length": len(code)})
    _check_characters(code, code)
    expected = check_char(code[:17])
    if code[17] != expected:
        raise InvalidCreditCode(
            "checksum", {"value": code, "expected": expected, "actual": code[17]}
        )
    return code


def is_valid_credit_code(value: str) -> bool:
    try:
        validate_credit_code(value)
    except InvalidCreditCode:
        return False
    return True


def make_credit_code(prefix17: str) -> str:
    """A valid code from its first 17 characters (for tests, factories and examples)."""
    prefix = normalise_credit_code(prefix17)
    if len(prefix) != LENGTH - 1:
        raise ValueError(f"a credit code prefix has 17 characters, not {len(prefix)}: {prefix}")
    _check_characters(prefix, prefix)
    return prefix + check_char(prefix)
