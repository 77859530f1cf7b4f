"""What users read about their accounts, passwords and API tokens (English; the Chinese is in
the catalogue)."""

MESSAGES: dict[str, str] = {
    "field.not_text": "This field must be text.",
    "user.not_found": "No such user.",
    "user.cannot_reset_self": (
        "Change your own password on your account page (it asks for the current one)."
    ),
    "user.cannot_deactivate_self": "You cannot deactivate your own account.",
    "token.not_found": "No such token.",
    "token.already_revoked": "The token was already revoked.",
}
