"""Users and their ways in: accounts and passwords, the login's back-off, API tokens."""

from registry.services.users.accounts import (  # noqa: F401
    MIN_PASSWORD_LENGTH,
    change_password,
    create_user,
    end_all_sessions,
    get_user,
    list_users,
    reset_password,
    set_active,
)
from registry.services.users.login import (  # noqa: F401
    Throttled,
    authenticate,
    clear_delay,
    find_by_login,
)
from registry.services.users.tokens import (  # noqa: F401
    issue_api_token,
    list_tokens,
    revoke_token,
    user_for_token,
)
