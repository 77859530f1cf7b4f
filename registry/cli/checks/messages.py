"""What `registry check --server` says before the server can: bad address, no token."""

MESSAGES = {
    "cli.token_required": (
        "The server needs an API token: give --token or set REGISTRY_TOKEN (an administrator "
        "issues tokens on the Users page)."
    ),
    "cli.server_url_invalid": (
        "Server address “{url}” is not valid; it should start with http:// or https://."
    ),
    "cli.server_unreachable": "Cannot reach the registry at {url}: {reason}",
    "cli.server_error": (
        "The server gave an answer this client cannot read (HTTP {status}); try again later or "
        "ask an administrator."
    ),
    "cli.as_needs_database": (
        "--as works only with direct database access; with a server, the token decides who acts."
    ),
}
