"""The registry's API from the command line: upload a model, wait for its check, read it.

A designer at a design institute has a token, not the registry's database. This client
speaks to `/api/v1` with the standard library alone, so `registry check --server …` starts
without the database layer (SQLAlchemy, SQLModel and the models) the direct path imports.
The server renders every message in the language asked for; the few this side can meet on
its own (no token, no answer) are below.
"""

from __future__ import annotations

import json
import math
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from registry.cli.output import ErrorReply
from registry.domain.checks.states import FINAL_STATES, MAX_WAIT_S
from registry.i18n import Locale, lang_code, render

# Beyond the wait itself: upload time, a slow proxy. A server silent this long is down.
SOCKET_SLACK_S = 60


def _refusal(code: str, lang: Locale, **params) -> ErrorReply:
    return ErrorReply({"code": code, "message": render(code, params, lang), "errors": {}})


class Client:
    """One server and one token; every answer is JSON or an ErrorReply, never a traceback."""

    def __init__(self, server: str, token: str | None, lang: Locale):
        parsed = urllib.parse.urlsplit(server.strip())
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise _refusal("cli.server_url_invalid", lang, url=server)
        if not token:
            raise _refusal("cli.token_required", lang)
        self.base = server.strip().rstrip("/")
        self.token = token.strip()
        self.lang = lang_code(lang)  # as the API's ?lang= and Accept-Language write it
        self.locale = lang
        self.retry_after_s = 0  # the last answer's Retry-After

    def _call(
        self,
        method: str,
        path: str,
        *,
        query: dict | None = None,
        body: bytes | None = None,
        content_type: str | None = None,
        timeout_s: float = SOCKET_SLACK_S,
    ):
        url = f"{self.base}/api/v1{path}?" + urllib.parse.urlencode(
            {**(query or {}), "lang": self.lang}
        )
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/json",
            "Accept-Language": self.lang,
        }
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        retry_after = None
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as response:
                status, data = response.status, response.read()
                retry_after = response.headers.get("Retry-After")
        except urllib.error.HTTPError as exc:
            status, data = exc.code, exc.read()
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise _refusal(
                "cli.server_unreachable", self.locale, url=self.base, reason=str(reason)
            ) from None
        try:
            answer = json.loads(data)
        except ValueError:
            answer = None
        if status >= 400:
            if isinstance(answer, dict) and answer.get("message"):
                raise ErrorReply(answer)
            raise _refusal("cli.server_error", self.locale, status=status)
        if not isinstance(answer, dict | list):
            raise _refusal("cli.server_error", self.locale, status=status)
        self.retry_after_s = (
            min(int(retry_after), MAX_WAIT_S) if (retry_after and retry_after.isdigit()) else 0
        )
        return answer

    def _upload(self, path: str, files: dict[str, Path], form: dict) -> dict:
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in form.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                f"\r\n\r\n{value}\r\n".encode()
            )
        # The name is for display only (the server stores the file under its own name);
        # quotes and line breaks in it would break the header, so they are replaced.
        for field, file in files.items():
            safe = "".join(c if c.isprintable() and c not in '"\\' else "_" for c in file.name)
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                f'filename="{safe}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                + file.read_bytes()
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return self._call(
            "POST",
            path,
            body=b"".join(parts),
            content_type=f"multipart/form-data; boundary={boundary}",
        )

    def add_weather(self, epw: Path) -> dict:
        return self._upload("/weather", {"epw": epw}, {})

    def create_check(
        self,
        building_id: int,
        model: Path,
        weather: str | None,
        saving_rate: bool = False,
        n50: float | None = None,
        reference: Path | None = None,
    ) -> dict:
        form = {"weather": weather} if weather else {}
        if saving_rate:
            form["saving_rate"] = "1"
        if n50 is not None:
            form["n50"] = str(n50)
        files = {"idf": model} | ({"reference": reference} if reference is not None else {})
        return self._upload(f"/buildings/{building_id}/checks", files, form)

    def wait(self, payload: dict, timeout_s: float) -> dict:
        """Ask again until the check ends or `timeout_s` has passed; the last answer."""
        deadline = time.monotonic() + timeout_s
        while payload["status"] not in FINAL_STATES:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            if self.retry_after_s:
                # The server had no thread to spare for a waiting request: ask again later.
                time.sleep(min(self.retry_after_s, remaining))
                self.retry_after_s = 0
                continue
            wait_s = min(MAX_WAIT_S, math.ceil(remaining))
            payload = self._call(
                "GET",
                f"/checks/{payload['id']}",
                query={"wait": wait_s},
                timeout_s=wait_s + SOCKET_SLACK_S,
            )
        return payload


def run_check(
    *,
    server: str,
    token: str | None,
    lang: Locale,
    model: Path,
    building_id: int,
    weather: str | None,
    epw: Path | None,
    wait: bool,
    timeout_s: float,
    actor_name: str | None,
    saving_rate: bool = False,
    n50: float | None = None,
    reference: Path | None = None,
) -> dict:
    """`registry check` over the API: the same payload the direct path prints."""
    if actor_name:
        raise _refusal("cli.as_needs_database", lang)
    client = Client(server, token, lang)
    if epw is not None:
        weather = str(client.add_weather(epw)["id"])
    payload = client.create_check(building_id, model, weather, saving_rate, n50, reference)
    return client.wait(payload, timeout_s) if wait else payload
