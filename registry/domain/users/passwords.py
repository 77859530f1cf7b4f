"""The password policy: long enough, not a common password, not the username.

The common passwords are the list Django ships and keeps up to date (about 20,000, read
from its package data; Django itself is not imported). The policy applies when a
password is set; a stored password that predates it keeps working until it is changed.
"""

from __future__ import annotations

import functools
import gzip
import importlib.resources
import secrets

MIN_PASSWORD_LENGTH = 10
# Hashing cost grows with the input; nobody types more than this.
MAX_PASSWORD_LENGTH = 256
MIN_DISTINCT_CHARACTERS = 4
# A username this short (`li`) is not looked for inside the password.
MIN_USERNAME_IN_PASSWORD = 3

MESSAGES: dict[str, str] = {
    "user.password_too_long": "The password can have at most {max} characters.",
    "user.password_common": "This is a common password that is easy to guess; choose another.",
    "user.password_too_simple": "The password needs at least {min} different characters.",
    "user.password_contains_username": "The password must not contain the username.",
}


@functools.cache
def common_passwords() -> frozenset[str]:
    data = importlib.resources.files("django").joinpath("contrib/auth/common-passwords.txt.gz")
    lines = gzip.decompress(data.read_bytes()).decode().splitlines()
    return frozenset(line.strip() for line in lines if line.strip())


def password_problem(password: str | None, username: str = "") -> tuple[str, dict] | None:
    """The first rule `password` breaks (a message code and params), or None.

    `username` is the normalised username the password is for.
    """
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        return ("user.password_too_short", {"min": MIN_PASSWORD_LENGTH})
    if len(password) > MAX_PASSWORD_LENGTH:
        return ("user.password_too_long", {"max": MAX_PASSWORD_LENGTH})
    folded = password.casefold()
    if len(set(folded.strip())) < MIN_DISTINCT_CHARACTERS:
        return ("user.password_too_simple", {"min": MIN_DISTINCT_CHARACTERS})
    if folded.strip() in common_passwords():
        return ("user.password_common", {})
    if len(username) >= MIN_USERNAME_IN_PASSWORD and username.casefold() in folded:
        return ("user.password_contains_username", {})
    return None


def generate_password(username: str = "") -> str:
    """A random password that meets the policy (for the first admin and for resets)."""
    while True:
        password = secrets.token_urlsafe(15)
        if password_problem(password, username) is None:
            return password
