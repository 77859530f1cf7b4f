"""Fifty clients trickling POST bodies leave /login answering within a second, with nginx
(Debian's package, started here with deploy/nginx.conf) in front of gunicorn.

gunicorn alone (what `make run` serves) gives each request one of its 2 x 4 threads for as
long as the client takes to send it: the same trickle holds every thread and /login stops
answering. That contrast is measured too and kept in test-output/slow_clients.json.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlmodel import SQLModel

from registry.db import make_engine
from tests.conftest import ON_CI, require_service
from tests.faults.conftest import ROOT, write_figures

pytestmark = pytest.mark.slow

NGINX_CONF = ROOT / "deploy" / "nginx.conf"
SLOW_CLIENTS = 50
TRICKLE_S = 8.0  # how long the slow clients keep trickling while /login is probed
PROBES = 12


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/login")
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
        time.sleep(0.2)


@contextmanager
def _running(argv: list[str], log: Path, port: int, **options):
    with log.open("wb") as out:
        proc = subprocess.Popen(
            argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **options
        )
    try:
        _wait_for(port, proc, log)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


@pytest.fixture(scope="module")
def gunicorn_port(tmp_path_factory):
    """The app under gunicorn as the README serves it (2 workers x 4 threads)."""
    tmp = tmp_path_factory.mktemp("slow-gunicorn")
    database_url = f"sqlite:///{tmp / 'registry.sqlite3'}"
    engine = make_engine(database_url)
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "REGISTRY_INSTANCE_DIR": str(tmp / "instance"),
            "SECRET_KEY": "slow-clients",
            "CELERY_BROKER_URL": f"sqla+sqlite:///{tmp / 'broker.sqlite3'}",
            "REGISTRY_TRUSTED_PROXIES": "1",
        }
    )
    port = _free_port()
    argv = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--threads",
        "4",
        "--timeout",
        "120",
        "--no-control-socket",
        "registry.wsgi:app",
    ]
    with _running(argv, tmp / "gunicorn.log", port, cwd=ROOT, env=env):
        yield port


def nginx_config(tmp: Path, listen_port: int, app_port: int) -> Path:
    """deploy/nginx.conf as shipped, on test ports, inside a main config of temp paths."""
    site = NGINX_CONF.read_text()
    assert "listen 80;" in site and "server 127.0.0.1:8000;" in site
    site = site.replace("listen 80;", f"listen 127.0.0.1:{listen_port};")
    site = site.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
    (tmp / "registry.conf").write_text(site)
    temp = tmp / "temp"
    temp.mkdir()
    main = f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {tmp}/registry.conf;
}}
"""
    path = tmp / "nginx.conf"
    path.write_text(main)
    return path


@pytest.fixture(scope="module")
def nginx_port(tmp_path_factory, gunicorn_port):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    require_service("nginx", Path(nginx).exists(), "install Debian's nginx package")
    tmp = tmp_path_factory.mktemp("slow-nginx")
    port = _free_port()
    config = nginx_config(tmp, port, gunicorn_port)
    argv = [nginx, "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(config)]
    argv += ["-g", "daemon off;"]
    with _running(argv, tmp / "nginx.out", port):
        yield port


@contextmanager
def trickling_clients(port: int, count: int):
    """`count` connections each sending a login form one byte every half second."""
    body = b"username=someone&password=" + b"x" * 4000
    head = (
        "POST /login HTTP/1.1\r\nHost: registry.test\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(head)
        sockets.append(sock)
    stop = threading.Event()

    def trickle():
        sent = 0
        while not stop.wait(0.5) and sent < len(body):
            for sock in sockets:
                try:
                    sock.send(body[sent : sent + 1])
                except OSError:
                    pass
            sent += 1

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        time.sleep(1.0)  # let every slow request reach whoever reads it
        yield
    finally:
        stop.set()
        thread.join(timeout=5)
        for sock in sockets:
            sock.close()


def probe_login(port: int, *, timeout_s: float) -> list[float]:
    """Seconds each GET /login took (timeout_s when it did not answer in time)."""
    latencies = []
    deadline = time.monotonic() + TRICKLE_S
    for _ in range(PROBES):
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout_s)
        try:
            connection.request("GET", "/login")
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            latencies.append(time.perf_counter() - started)
        except (TimeoutError, OSError):
            latencies.append(timeout_s)
        finally:
            connection.close()
        time.sleep(max(0.0, min(0.5, deadline - time.monotonic())))
    return latencies


def _summary(latencies: list[float]) -> dict:
    return {
        "max_s": round(max(latencies), 3),
        "median_s": round(statistics.median(latencies), 3),
        "answered_within_1s": sum(latency < 1.0 for latency in latencies),
        "probes": len(latencies),
    }


def test_fifty_trickling_clients_leave_login_answering_through_nginx(nginx_port, gunicorn_port):
    with trickling_clients(nginx_port, SLOW_CLIENTS):
        through_nginx = probe_login(nginx_port, timeout_s=5.0)
    # The contrast: the same trickle straight at gunicorn, as `make run` serves it.
    with trickling_clients(gunicorn_port, SLOW_CLIENTS):
        direct = probe_login(gunicorn_port, timeout_s=2.0)
    write_figures(
        "slow_clients",
        {
            "slow_clients": SLOW_CLIENTS,
            "through_nginx": _summary(through_nginx),
            "gunicorn_direct": _summary(direct),
        },
    )
    assert max(through_nginx) < 1.0, through_nginx


def test_the_app_behind_nginx_sees_the_clients_address_not_a_forged_one(nginx_port):
    # REGISTRY_TRUSTED_PROXIES=1: the app counts the address nginx saw (127.0.0.1), not
    # what the client wrote; a forged X-Forwarded-For does not spread its failed logins.
    connection = http.client.HTTPConnection("127.0.0.1", nginx_port, timeout=10)
    connection.request("GET", "/login")
    page = connection.getresponse()
    cookie = page.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.read().decode()).group(1)
    statuses = []
    for n in range(11):
        form = urlencode(
            {"username": f"forger{n}", "password": "wrong-password", "csrf_token": token}
        )
        connection.request(
            "POST",
            "/login",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                "X-Forwarded-For": f"198.51.100.{n}",
            },
        )
        response = connection.getresponse()
        response.read()
        statuses.append(response.status)
    connection.close()
    # 10 failed logins a minute from one address (the default), then 429.
    assert statuses[:10] == [401] * 10 and statuses[10] == 429, statuses


def test_ci_has_nginx():
    if ON_CI:
        assert shutil.which("nginx") or Path("/usr/sbin/nginx").exists()
