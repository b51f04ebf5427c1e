"""Rate limits on what costs a password hash: signing in and registering, per client address, per account and
for the whole server, with Flask-Limiter.

Each hash takes ~100 ms of CPU, so an unlimited stream of sign-ins or registrations starves every other request
(autosaves included) even with no database lock held. The limits, all configurable (MOCKLOOP_<NAME>, a
Flask-Limiter string such as "20 per minute; 100 per hour", or empty for none):

- SIGNIN_LIMIT_PER_ADDRESS: sign-in attempts from one client address, whatever the username (a password sprayed
  over many accounts is slowed here; the database's own throttle counts per username *and* address);
- SIGNIN_LIMIT_PER_ACCOUNT: wrong passwords for one username, from any address (guessing spread over many
  addresses); only 401s count, so the owner is not locked out by attempts that were refused anyway;
- REGISTER_LIMIT_PER_ADDRESS and REGISTER_LIMIT_PER_ACCOUNT (per requested username): registrations;
- AUTH_LIMIT_GLOBAL: sign-ins and registrations together, every address: the hashing budget of one server (with a
  shared storage, of all its processes), so CPU stays for the people already signed in.

The counters live in RATELIMIT_STORAGE_URI (MOCKLOOP_RATELIMIT_STORAGE_URI): memory:// by default, which is one
process's memory; a server with several processes sets redis://host:6379 so that they share one count. If that
storage cannot be reached, each process falls back to its own memory and says so in the log.
"""
from __future__ import annotations

from flask import Flask, current_app, request

DEFAULTS = {
    "SIGNIN_LIMIT_PER_ADDRESS": "20 per minute; 100 per hour",
    "SIGNIN_LIMIT_PER_ACCOUNT": "10 per 15 minutes",
    "REGISTER_LIMIT_PER_ADDRESS": "20 per hour",
    "REGISTER_LIMIT_PER_ACCOUNT": "20 per hour",
    "AUTH_LIMIT_GLOBAL": "300 per minute",
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_STRATEGY": "moving-window",
    "RATELIMIT_HEADERS_ENABLED": True,  # Retry-After on a 429
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_KEY_PREFIX": "mockloop",
}
LIMITS = ("SIGNIN_LIMIT_PER_ADDRESS", "SIGNIN_LIMIT_PER_ACCOUNT", "REGISTER_LIMIT_PER_ADDRESS",
          "REGISTER_LIMIT_PER_ACCOUNT", "AUTH_LIMIT_GLOBAL")
SIGNIN, REGISTER = "auth.login", "auth.register"


def client_address() -> str:
    """The client's address (from X-Forwarded-For behind MOCKLOOP_TRUSTED_PROXIES proxies: see web.security)."""
    return request.remote_addr or "unknown"


def _account() -> str:
    from simulator.accounts import normalise_username

    return "user:" + (normalise_username(request.form.get("username", ""))[:80] or "-")


def _global() -> str:
    return "all"


def _config(name: str):
    return lambda: current_app.config[name] or ""


def _only(*endpoints: str):
    """exempt_when for a limit on the auth blueprint: every endpoint but these is exempt."""
    return lambda: request.endpoint not in endpoints


def _wrong_password(response) -> bool:
    return response.status_code == 401


def init_app(app: Flask) -> None:
    """A limiter of the app's own (tests make many apps; each counts alone), on the auth blueprint's POSTs."""
    from flask_limiter import Limiter
    from flask_limiter.errors import RateLimitExceeded
    from limits.errors import ConfigurationError
    from limits import parse_many

    from web.auth import bp as auth_bp
    from web.config import ConfigError

    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    for name in LIMITS:
        value = app.config[name]
        try:
            if value:
                parse_many(str(value))
        except ValueError:
            raise ConfigError(f"MOCKLOOP_{name}={value!r} is not a rate limit: write e.g. '20 per minute' or "
                              "'20 per minute; 100 per hour' (or leave it empty for no limit)") from None

    limiter = Limiter(key_func=client_address)
    try:
        limiter.init_app(app)
    except ConfigurationError as exc:
        uri = app.config["RATELIMIT_STORAGE_URI"]
        hint = " (pip install 'mockloop[redis]')" if str(uri).startswith("redis") else ""
        raise ConfigError(f"MOCKLOOP_RATELIMIT_STORAGE_URI={uri!r} cannot be used: {exc}{hint}") from None
    app.extensions["mockloop"]["limiter"] = limiter
    post = ["POST"]
    address_msg = "Too many attempts from this address."
    limiter.limit(_config("SIGNIN_LIMIT_PER_ADDRESS"), methods=post, exempt_when=_only(SIGNIN),
                  scope="signin-address", error_message=address_msg)(auth_bp)
    limiter.limit(_config("SIGNIN_LIMIT_PER_ACCOUNT"), key_func=_account, methods=post, exempt_when=_only(SIGNIN),
                  scope="signin-account", deduct_when=_wrong_password,
                  error_message="Too many wrong passwords for this account.")(auth_bp)
    limiter.limit(_config("REGISTER_LIMIT_PER_ADDRESS"), methods=post, exempt_when=_only(REGISTER),
                  scope="register-address", error_message=address_msg)(auth_bp)
    limiter.limit(_config("REGISTER_LIMIT_PER_ACCOUNT"), key_func=_account, methods=post,
                  exempt_when=_only(REGISTER), scope="register-account",
                  error_message="Too many registrations of this username.")(auth_bp)
    limiter.shared_limit(_config("AUTH_LIMIT_GLOBAL"), scope="auth-global", key_func=_global, methods=post,
                         exempt_when=_only(SIGNIN, REGISTER),
                         error_message="The server is taking too many sign-ins and registrations right now.")(auth_bp)

    @app.errorhandler(RateLimitExceeded)
    def too_many(exc: RateLimitExceeded):
        import time

        from web.errors import error_response

        current = limiter.current_limit
        wait = max(1, int(current.reset_at - time.time())) if current is not None else 60
        when = f"{wait} seconds" if wait < 120 else f"{(wait + 59) // 60} minutes"
        return error_response(429, f"{exc.description} Try again in {when}.")
