"""Configuration read once from the environment, with defaults that run out of the box."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError as exc:
        raise ValueError(f"expected an integer, got {value!r}") from exc


def _float(value: str | None, default: float) -> float:
    try:
        return float(value) if value not in (None, "") else default
    except ValueError as exc:
        raise ValueError(f"expected a number, got {value!r}") from exc


def normalise_database_url(url: str) -> str:
    """Rewrite the URL forms hosting providers hand out into SQLAlchemy's psycopg 3 dialect."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    """Every setting the app reads, from environment variables with safe defaults."""

    def __init__(self, env: dict[str, str] | None = None, **overrides):
        env = dict(os.environ if env is None else env)
        instance = Path(env.get("REGISTRY_INSTANCE_DIR") or PROJECT_ROOT / "instance")
        self.INSTANCE_DIR = instance
        self.SECRET_KEY = env.get("SECRET_KEY") or _instance_secret(instance)
        self.DATABASE_URL = normalise_database_url(
            env.get("DATABASE_URL") or f"sqlite:///{instance / 'registry.sqlite3'}"
        )
        # The embedded broker is a SQLite file beside the database: `make run` needs no server.
        self.CELERY_BROKER_URL = env.get("CELERY_BROKER_URL") or (
            f"sqla+sqlite:///{instance / 'celery-broker.sqlite3'}"
        )
        self.UPLOAD_DIR = Path(env.get("REGISTRY_UPLOAD_DIR") or instance / "uploads")
        # Tally PDFs made ahead of time by the worker (shared with the web, like uploads).
        self.REPORT_DIR = Path(env.get("REGISTRY_REPORT_DIR") or instance / "reports")
        self.WEATHER_DIR = Path(env.get("REGISTRY_WEATHER_DIR") or instance / "weather")
        self.MAX_UPLOAD_BYTES = _int(env.get("REGISTRY_MAX_UPLOAD_BYTES"), 20 * 1024 * 1024)
        self.ENERGYPLUS_BINARY = env.get("ENERGYPLUS_BINARY") or None
        self.CHECK_TIMEOUT_S = _int(env.get("REGISTRY_CHECK_TIMEOUT_S"), 1800)
        self.CHECK_MEMORY_LIMIT_MB = _int(env.get("REGISTRY_CHECK_MEMORY_LIMIT_MB"), 2048)
        # Per user: checks running at once (the rest of theirs wait their turn, so one user
        # cannot hold every worker slot) and checks waiting; 0 turns a limit off.
        self.CHECK_MAX_RUNNING_PER_USER = _int(env.get("REGISTRY_CHECK_MAX_RUNNING_PER_USER"), 1)
        self.CHECK_MAX_QUEUED_PER_USER = _int(env.get("REGISTRY_CHECK_MAX_QUEUED_PER_USER"), 10)
        # The worker's sweeper: how often it looks, when a running check whose heartbeat is
        # this old is taken for dead, and when a queued check the broker never delivered is
        # sent again.
        self.SWEEP_INTERVAL_S = _float(env.get("REGISTRY_SWEEP_INTERVAL_S"), 15.0)
        self.STALE_AFTER_S = _float(env.get("REGISTRY_STALE_AFTER_S"), 60.0)
        self.REQUEUE_AFTER_S = _float(env.get("REGISTRY_REQUEUE_AFTER_S"), 600.0)
        # The address readers use, for QR codes and links in documents. Unset, each request's
        # own host is used (registry.extensions.public_base_url); set it behind a proxy that
        # does not pass the public host on, e.g. https://registry.qingdao.gov.cn.
        self.PUBLIC_BASE_URL = (env.get("REGISTRY_PUBLIC_BASE_URL") or "").rstrip("/") or None
        self.BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
        self.BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
        self.LANGUAGES = ("zh_Hans_CN", "en")
        self.WTF_CSRF_ENABLED = _bool(env.get("WTF_CSRF_ENABLED"), True)
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = _bool(env.get("SESSION_COOKIE_SECURE"), False)
        # A login ends after this many hours, whatever the browser keeps.
        self.SESSION_LIFETIME_H = _float(env.get("REGISTRY_SESSION_HOURS"), 12.0)
        # Rate limits (Flask-Limiter's "N per minute;M per hour" notation), counted per client
        # address: failed logins, and public label lookups.
        self.LOGIN_RATE_LIMIT = env.get("REGISTRY_LOGIN_RATE_LIMIT") or "10 per minute;100 per hour"
        self.VERIFY_RATE_LIMIT = env.get("REGISTRY_VERIFY_RATE_LIMIT") or "30 per minute"
        # Where the counts live: Redis when the broker is Redis (so every web process and
        # host counts together), else this process's memory.
        self.RATELIMIT_STORAGE_URI = env.get("REGISTRY_RATE_LIMIT_STORAGE") or (
            self.CELERY_BROKER_URL
            if self.CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
            else "memory://"
        )
        # How many proxies in front of the app set X-Forwarded-For / -Proto; 0 trusts none,
        # so a client cannot choose the address it is counted under.
        self.TRUSTED_PROXIES = _int(env.get("REGISTRY_TRUSTED_PROXIES"), 0)
        self.MAX_CONTENT_LENGTH = self.MAX_UPLOAD_BYTES + 1024 * 1024
        self.TESTING = _bool(env.get("REGISTRY_TESTING"), False)
        for key, value in overrides.items():
            setattr(self, key, value)

    def as_flask_mapping(self) -> dict:
        return {k: v for k, v in vars(self).items() if k.isupper()}


def _instance_secret(instance: Path) -> str:
    """A per-installation secret kept in instance/, so sessions survive restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(os.urandom(32).hex())
        path.chmod(0o600)
    return path.read_text().strip()
