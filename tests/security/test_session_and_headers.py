"""CSRF on every form, session cookies, password storage, lockout, security headers,
where uploads land, and that no user input can reach a shell."""

from __future__ import annotations

import ast
import io
import re
import time
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlmodel import Session, select

from registry.config import PROJECT_ROOT, Config
from registry.i18n import render
from registry.models import Check
from tests.security.conftest import MODEL, PASSWORD, build_world, new_app
from tests.security.test_role_matrix import EXPECTED, page_text, url_for_rule

REGISTRY = PROJECT_ROOT / "registry"
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture(scope="module")
def csrf_world(tmp_path_factory):
    app = new_app(tmp_path_factory.mktemp("csrf"), WTF_CSRF_ENABLED=True)
    yield build_world(app)
    app.extensions["registry.engine"].dispose()


def _row_counts(world) -> dict[str, int]:
    engine = world.app.extensions["registry.engine"]
    with engine.connect() as connection:
        return {
            table: connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
            for table in inspect(engine).get_table_names()
        }


def _csrf_token(response) -> str:
    match = re.search(
        r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', response.get_data(as_text=True)
    )
    assert match, "no CSRF field on the page"
    return match.group(1)


WEB_FORMS = sorted(
    (rule, method)
    for rule, method in EXPECTED
    if method in STATE_CHANGING and not rule.startswith("/api/")
)


def test_every_state_changing_page_route_is_checked_here(csrf_world):
    served = {
        (rule.rule, method)
        for rule in csrf_world.app.url_map.iter_rules()
        for method in (rule.methods or ()) & STATE_CHANGING
        if not rule.rule.startswith("/api/")
    }
    assert served == set(WEB_FORMS)


@pytest.mark.parametrize(("rule", "method"), WEB_FORMS, ids=[f"{m} {r}" for r, m in WEB_FORMS])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_form_posts_without_a_csrf_token_are_refused_and_change_nothing(
    csrf_world, rule, method, lang
):
    case = EXPECTED[(rule, method)]
    path = url_for_rule(rule, case.target(csrf_world))
    options = case.body(csrf_world)
    options.pop("query_string", None)
    client = csrf_world.client("admin", lang="en" if lang == "en" else None)
    before = _row_counts(csrf_world)
    response = client.open(path, method=method, **options)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert render("request.csrf_failed", {}, lang) in page_text(response)
    assert _row_counts(csrf_world) == before


def test_the_same_form_with_its_token_goes_through(csrf_world):
    client = csrf_world.app.test_client()
    user = csrf_world.users["officer"]
    token = _csrf_token(client.get("/login"))
    response = client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    form = client.get("/buildings/new")
    from tests.conftest import building_data

    response = client.post(
        "/buildings/new", data={**building_data(), "csrf_token": _csrf_token(form)}
    )
    assert response.status_code == 302 and "/buildings/" in response.headers["Location"]


def test_the_api_needs_its_token_not_a_login_cookie(csrf_world):
    """The API is exempt from CSRF, so a logged-in browser's cookie must not be enough."""
    from tests.conftest import building_data

    cookie_only = csrf_world.client("admin")
    response = cookie_only.post("/api/v1/buildings", json=building_data())
    assert response.status_code == 401
    assert response.json["code"] == "auth.required"
    with_token = csrf_world.app.test_client()
    response = with_token.post(
        "/api/v1/buildings", json=building_data(), headers=csrf_world.headers("admin")
    )
    assert response.status_code == 201


# -- session cookie ------------------------------------------------------------------------


def _session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    return cookies[-1]


@pytest.mark.parametrize("secure", [False, True])
def test_session_cookie_is_http_only_same_site_lax_and_secure_when_configured(tmp_path, secure):
    app = new_app(tmp_path, SESSION_COOKIE_SECURE=secure)
    try:
        world = build_world(app)
        user = world.users["viewer"]
        response = app.test_client().post(
            "/login", data={"username": user.username, "password": PASSWORD}
        )
        assert response.status_code == 302
        cookie = _session_cookie(response)
        attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
        assert "httponly" in attributes
        assert re.search(r";\s*SameSite=Lax", cookie)
        assert ("secure" in attributes) is secure
        # Only the signed user id and flags travel in the cookie, never the password.
        assert PASSWORD not in cookie
    finally:
        app.extensions["registry.engine"].dispose()


def test_secure_cookie_is_switched_on_from_the_environment():
    assert Config(env={"SESSION_COOKIE_SECURE": "true", "SECRET_KEY": "x"}).SESSION_COOKIE_SECURE
    assert not Config(env={"SECRET_KEY": "x"}).SESSION_COOKIE_SECURE


# -- passwords and tokens ------------------------------------------------------------------


def test_passwords_and_tokens_are_stored_only_as_hashes(world):
    engine = world.app.extensions["registry.engine"]
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT username, password_hash FROM users")).all()
        token_hashes = connection.execute(text("SELECT token_hash FROM api_tokens")).scalars()
        token_hashes = list(token_hashes)
        everything = "\n".join(
            str(row)
            for table in inspect(engine).get_table_names()
            for row in connection.execute(text(f'SELECT * FROM "{table}"'))
        )
    assert rows and token_hashes
    for _username, password_hash in rows:
        assert password_hash.startswith(("scrypt:", "pbkdf2:")), password_hash[:20]
    assert all(re.fullmatch(r"[0-9a-f]{64}", token_hash) for token_hash in token_hashes)
    assert PASSWORD not in everything
    for token in world.tokens.values():
        assert token not in everything
    listed = world.app.test_client().get("/api/v1/users", headers=world.headers("admin")).json
    assert listed and not any("hash" in key or "password" in key for u in listed for key in u)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_failed_logins_delay_the_account_without_locking_it(tmp_path, lang):
    app = new_app(tmp_path)
    try:
        world = build_world(app)
        client = app.test_client()
        client.get(f"/login?lang={'en' if lang == 'en' else 'zh_Hans_CN'}")
        user = world.users["designer_own"]
        for attempt in range(5):
            response = client.post(
                "/login", data={"username": user.username, "password": f"guess-{attempt}"}
            )
            assert response.status_code == 401
        response = client.post("/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 429
        waiting = render("auth.throttled", {"seconds": 1}, lang)
        assert waiting in page_text(response)
        assert response.headers["Retry-After"] == "1"
        assert client.get("/buildings").status_code == 302
        time.sleep(1.1)
        # A second later the owner is in: a delay, not a lock.
        response = client.post("/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 302
        assert client.get("/buildings").status_code == 200
    finally:
        app.extensions["registry.engine"].dispose()


# -- headers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "role", "status"),
    [
        ("GET", "/login", "anonymous", 200),
        ("GET", "/buildings", "viewer", 200),
        ("GET", "/buildings", "anonymous", 302),
        ("GET", "/no-such-page", "viewer", 404),
        ("GET", "/admin/users", "viewer", 403),
        ("GET", "/static/css/registry.css", "anonymous", 200),
        ("GET", "/buildings/export.csv", "viewer", 200),
        ("GET", "/verify?label=nothing", "anonymous", 404),
        ("GET", "/api/v1/users/me", "viewer", 200),
        ("GET", "/api/v1/users/me", "anonymous", 401),
        ("GET", "/api/v1/users", "viewer", 403),
        ("POST", "/api/v1/buildings", "admin", 400),
        ("GET", "/api/openapi.json", "anonymous", 200),
    ],
)
def test_security_headers_on_pages_files_and_api(world, method, path, role, status):
    if path.startswith("/api/"):
        response = world.app.test_client().open(
            path, method=method, data="x", headers=world.headers(role)
        )
    else:
        response = world.client(role).open(path, method=method)
    response.get_data()
    response.close()
    assert response.status_code == status
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-eval" not in csp and "script-src 'self'" in csp
    assert headers["Referrer-Policy"] == "same-origin"


def test_issued_token_page_is_never_cached(world):
    viewer = world.users["viewer"]
    response = world.client("admin").post(f"/admin/users/{viewer.id}/token")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    # The viewer's old token stops working; give the world the new one back.
    token = re.search(r"rgy_[A-Za-z0-9_-]+", response.get_data(as_text=True)).group(0)
    world.tokens["viewer"] = token


# -- uploads -------------------------------------------------------------------------------


def _files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


@pytest.mark.parametrize(
    "filename",
    [
        "../../etc/passwd.idf",
        "..\\..\\windows\\win.idf",
        "/tmp/absolute.idf",
        "名字 with spaces;rm -rf ~.idf",
    ],
)
@pytest.mark.parametrize("where", ["web", "api"])
def test_uploaded_models_land_in_the_upload_folder_under_generated_names(world, filename, where):
    config = world.app.extensions["registry.config"]
    instance = Path(config.INSTANCE_DIR)
    before = _files_under(instance)
    data = {"idf": (io.BytesIO(MODEL.read_bytes() + filename.encode()), filename)}
    if where == "web":
        response = world.client("designer_own").post(
            f"/buildings/{world.building_id}/checks/new",
            data=data,
            content_type="multipart/form-data",
        )
        assert response.status_code == 302, page_text(response)[:400]
        check_id = int(response.headers["Location"].rsplit("/", 1)[1])
    else:
        response = world.app.test_client().post(
            f"/api/v1/buildings/{world.building_id}/checks",
            data=data,
            content_type="multipart/form-data",
            headers=world.headers("designer_own"),
        )
        assert response.status_code in (200, 202), response.json
        check_id = response.json["id"]
    with world.session() as session:
        check = session.get(Check, check_id)
    assert re.fullmatch(r"[0-9a-f]{32}\.idf", check.idf_path)
    assert "/" not in check.idf_original_name
    stored = Path(config.UPLOAD_DIR) / "models" / check.idf_path
    new_files = _files_under(instance) - before
    # Only the model, under its generated name; nothing at the path the name asked for.
    assert new_files == {stored}
    assert stored.stat().st_mode & 0o077 == 0
    for web_root in (Path(world.app.static_folder), PROJECT_ROOT / "templates"):
        assert not stored.resolve().is_relative_to(web_root.resolve())
    for path in (
        f"/static/../{stored.relative_to(instance)}",
        f"/static/{stored.name}",
        f"/static/%2e%2e/%2e%2e/instance/uploads/models/{stored.name}",
    ):
        assert world.client("admin").get(path).status_code == 404


def test_imported_sheets_wait_under_generated_names(world):
    config = world.app.extensions["registry.config"]
    instance = Path(config.INSTANCE_DIR)
    before = _files_under(instance)
    csv = "项目名称,所在区（市）,建筑类型,建筑面积\n上传测试,市南区,办公建筑,1000\n".encode()
    response = world.client("officer").post(
        "/imports",
        data={"file": (io.BytesIO(csv), "../../../outside.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    new_files = _files_under(instance) - before
    assert len(new_files) == 1
    (stored,) = new_files
    assert stored.parent == Path(config.UPLOAD_DIR) / "imports"
    assert re.fullmatch(rf"{world.users['officer'].id}-[0-9a-f]{{64}}", stored.name)
    assert not (instance.parent / "outside.csv").exists()


def test_default_upload_folder_is_outside_the_served_folders():
    config = Config(env={"SECRET_KEY": "x"})
    upload = Path(config.UPLOAD_DIR).resolve()
    for served in (REGISTRY / "static", PROJECT_ROOT / "templates"):
        assert not upload.is_relative_to(served.resolve())


# -- no shell ------------------------------------------------------------------------------

_SHELL_FUNCTIONS = {
    ("os", "system"),
    ("os", "popen"),
    ("subprocess", "getoutput"),
    ("subprocess", "getstatusoutput"),
    ("pty", "spawn"),
}
_PROCESS_FUNCTIONS = {"run", "Popen", "call", "check_call", "check_output"}


def _shell_problems(path: Path, root: Path = REGISTRY) -> list[str]:
    problems = []
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        where = f"{path.relative_to(root)}:{node.lineno}"
        for keyword in node.keywords:
            if keyword.arg == "shell" and not (
                isinstance(keyword.value, ast.Constant) and keyword.value.value is False
            ):
                problems.append(f"{where} shell=")
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            pair = (func.value.id, func.attr)
            if pair in _SHELL_FUNCTIONS or (
                func.value.id == "os" and func.attr.startswith(("exec", "spawn"))
            ):
                problems.append(f"{where} {pair[0]}.{pair[1]}")
            if func.value.id == "subprocess" and func.attr in _PROCESS_FUNCTIONS and node.args:
                # A command line as one string would need a shell to split it.
                if isinstance(node.args[0], ast.Constant | ast.JoinedStr | ast.BinOp):
                    problems.append(f"{where} subprocess.{func.attr} with a string command")
        if isinstance(func, ast.Name) and func.id in {"eval", "exec"}:
            problems.append(f"{where} {func.id}()")
    return problems


def test_no_user_input_can_reach_a_shell():
    sources = sorted(REGISTRY.rglob("*.py"))
    assert len(sources) > 40
    problems = [problem for path in sources for problem in _shell_problems(path)]
    assert problems == []


def test_the_shell_scan_would_notice(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os, subprocess\nos.system('x')\nsubprocess.run('ls', shell=True)\n"
        "subprocess.Popen(f'rm {name}')\nsubprocess.run(['ls', name])\n"
    )
    assert len(_shell_problems(sample, tmp_path)) == 4


def test_stored_check_rows_never_hold_a_user_path(world):
    with Session(world.app.extensions["registry.engine"]) as session:
        for check in session.exec(select(Check)):
            assert re.fullmatch(r"[0-9a-f]{32}\.idf", check.idf_path)
