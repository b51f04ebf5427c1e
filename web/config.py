"""The web app's settings: defaults, the environment (MOCKLOOP_*), and the secret key rules."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from typing import Any

from flask import Flask

DEV_SECRET_KEY = "dev-only-change-me"
MIN_SECRET_LENGTH = 32
MiB = 1024 * 1024

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": DEV_SECRET_KEY,
    "DATABASE_URL": None,  # None: simulator.config.database_url()
    "MULTI_USER": False,  # MOCKLOOP_MULTI_USER=1: accounts, sign-in, per-user data
    "SECURE_COOKIES": False,  # MOCKLOOP_SECURE_COOKIES=1 behind HTTPS
    "TRUSTED_PROXIES": 0,  # MOCKLOOP_TRUSTED_PROXIES=1 behind one reverse proxy (client address from X-Forwarded-For)
    "MAX_CONTENT_LENGTH": 1 * MiB,
    "MAX_FORM_MEMORY_SIZE": 1 * MiB,
    "MAX_ANSWER_CHARS": 200_000,
    "AUTOSAVE_MS": 3000,
    "QUEUE_URL": None,  # MOCKLOOP_QUEUE_URL: the task queue (None: SQLite beside the database; see simulator/jobs)
    "LOGIN_FAILURES": 5,
    "LOGIN_WINDOW_S": 15 * 60,
    "PASSWORD_METHOD": "scrypt",
    "TOKEN_CACHE_S": 10,  # a token revoked in another server process stops working within this many seconds
    # Host names this server answers to (MOCKLOOP_ALLOWED_HOSTS, comma-separated): any other Host header gets a
    # 400, so a web page that rebinds its own name to 127.0.0.1 cannot read or write a local install.
    "ALLOWED_HOSTS": "localhost,127.0.0.1",
    # The address people use to reach this server (MOCKLOOP_PUBLIC_URL, e.g. https://mockloop.example.org):
    # share links and the OpenAPI `servers` entry are built from it, never from a request's Host header.
    "PUBLIC_URL": None,
    "SESSION_COOKIE_NAME": "mockloop_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": timedelta(days=14),
    # A page may stay open for a whole loop; its CSRF token lives as long as the session.
    "WTF_CSRF_TIME_LIMIT": None,
}


class ConfigError(ValueError):
    """The app cannot start with this configuration; the message says what to set."""


def flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def configure(app: Flask, test_config: dict[str, Any] | None) -> None:
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        app.config.from_prefixed_env("MOCKLOOP")
    else:
        app.config.update(test_config)
    app.config["MULTI_USER"] = flag(app.config["MULTI_USER"])
    app.config["SESSION_COOKIE_SECURE"] = flag(app.config.get("SECURE_COOKIES"))
    app.config["SECRET_KEY"] = secret_key(app.config)
    app.config["TRUSTED_HOSTS"] = allowed_hosts(app.config["ALLOWED_HOSTS"])


def allowed_hosts(value: Any) -> list[str]:
    """The Host names accepted, from a comma-separated string or a list; ports are ignored."""
    items = value.split(",") if isinstance(value, str) else list(value or [])
    hosts = [h.strip().lower() for h in items if h and h.strip()]
    if not hosts:
        raise ConfigError("MOCKLOOP_ALLOWED_HOSTS is empty: list the host names this server answers to")
    return hosts


def secret_key(config: dict[str, Any]) -> str:
    """The configured key; in single-user mode an unset key becomes a random one kept in the data folder."""
    key = config.get("SECRET_KEY") or ""
    weak = key == DEV_SECRET_KEY or len(key) < MIN_SECRET_LENGTH
    if config["MULTI_USER"]:
        if weak:
            raise ConfigError(
                "multi-user mode needs a secret key of at least "
                f"{MIN_SECRET_LENGTH} characters: set MOCKLOOP_SECRET_KEY, e.g. to the output of "
                "`python3 -c 'import secrets; print(secrets.token_hex(32))'`"
            )
        return key
    if key and key != DEV_SECRET_KEY:
        return key
    return _local_secret()


def _local_secret() -> str:
    """A random key created once per data folder, so sessions and open pages survive a restart."""
    from simulator.config import data_dir

    path = data_dir() / "secret_key"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key
