"""Accounts for a shared server: hashed passwords, hashed API tokens, and a login rate limit.

Passwords are hashed with werkzeug.security (scrypt by default), always with no
database transaction open: a hash takes ~100 ms of CPU, and on SQLite a write
transaction holds the one write lock every autosave needs. Sign-in reads the
stored hash, checks it with nothing held, then writes the outcome briefly
(and only if the hash is still the one checked). API tokens are
long random strings shown once; only their SHA-256 is stored, so a leaked
database does not leak working tokens. Failed logins are counted per username
and client address over a sliding window measured by the injected clock.

Usernames do not leak through sign-in: an unknown username (or an account
without a password) is checked against a dummy hash made with the same method
and cost as real passwords, so it takes as long as a wrong password, and the
answer is the same "wrong username or password". Registration cannot hide that
a name is taken (names are unique, and a person must be told to choose
another), so that one bit is the unavoidable leak; what is avoidable is
removed: the password is hashed before the name is looked up (same time
either way), and refused registrations of taken names are rate-limited per
client address like failed sign-ins, so names cannot be tested in bulk.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.security import check_password_hash, generate_password_hash

from simulator.clock import Clock, SystemClock, as_utc
from simulator.storage.db import unit_of_work
from simulator.storage.models import LoginFailure, User

USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,39}$")
RESERVED = frozenset({"local", "admin", "root", "api"})
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # hashing a megabyte of "password" is a denial of service
TOKEN_PREFIX = "mlt_"
# Hashes to compare against when the user does not exist, one per hashing method (made on first use), so that a
# missing username costs the same time as a wrong password hashed the same way.
_DUMMY_HASHES: dict[str, str] = {}
_DUMMY_LOCK = threading.Lock()
# The key under which refused registrations are counted in LoginFailure ("-" cannot start a username).
REGISTER_KEY = "-register"


class AccountError(ValueError):
    """A registration or login input that is not acceptable; `field` names the form field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class RateLimited(Exception):
    """Too many failed logins for this username from this address; try again later."""

    def __init__(self, retry_after_s: float):
        super().__init__(f"too many failed logins; try again in {int(retry_after_s // 60) + 1} minute(s)")
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class LoginLimit:
    failures: int = 5
    window_s: float = 15 * 60


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def hash_password(password: str, method: str = "scrypt") -> str:
    return generate_password_hash(password, method=method)


def dummy_hash(method: str = "scrypt") -> str:
    with _DUMMY_LOCK:
        if method not in _DUMMY_HASHES:
            _DUMMY_HASHES[method] = generate_password_hash(secrets.token_urlsafe(16), method=method)
        return _DUMMY_HASHES[method]


def check_password(stored: str | None, password: str, method: str = "scrypt") -> bool:
    """Whether `password` matches `stored`; without a stored hash, the same work against a dummy `method` hash."""
    if not stored or not password or len(password) > MAX_PASSWORD:
        check_password_hash(dummy_hash(method), (password or "x")[:MAX_PASSWORD])
        return False
    return check_password_hash(stored, password)


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return "sha256:" + hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_username(username: str) -> str:
    """The normalised username, or AccountError("username", ...) saying what is wrong with it."""
    name = normalise_username(username)
    if not USERNAME.match(name):
        raise AccountError("username", "Usernames are 3 to 40 letters, digits, '.', '_' or '-', starting with a letter or digit.")
    if name in RESERVED:
        raise AccountError("username", f"The username {name!r} is reserved.")
    return name


def check_new_credentials(username: str, password: str) -> str:
    """The normalised username, or AccountError naming the field that is wrong."""
    name = check_username(username)
    if len(password or "") < MIN_PASSWORD:
        raise AccountError("password", f"Passwords need at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise AccountError("password", f"Passwords can be at most {MAX_PASSWORD} characters.")
    return name


class Accounts:
    """Users with passwords and API tokens, over the same database as the loops."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Clock | None = None,
        *,
        limit: LoginLimit = LoginLimit(),
        register_limit: LoginLimit = LoginLimit(failures=10, window_s=15 * 60),
        password_method: str = "scrypt",
        token_cache_s: float = 0.0,
    ):
        self.sessions = sessions
        self.clock = clock or SystemClock()
        self.limit = limit
        self.register_limit = register_limit
        self.password_method = password_method
        # Token hash -> (user id, monotonic expiry). A token replaced or revoked through this object is dropped
        # at once; another process sees it within `token_cache_s` (0: no cache, every call asks the database).
        self.token_cache_s = token_cache_s
        self._tokens: dict[str, tuple[int, float]] = {}
        self._tokens_lock = threading.Lock()
        self._monotonic = time.monotonic

    def register(self, username: str, password: str, ip: str = "") -> int:
        """A new user's id; AccountError naming the field, or RateLimited after too many taken names from `ip`."""
        name = check_new_credentials(username, password)
        ip = (ip or "unknown")[:64]
        now = self.clock.now()
        cutoff = now - timedelta(seconds=self.register_limit.window_s)
        password_hash = hash_password(password, self.password_method)  # before the lookup: same time either way
        with unit_of_work(self.sessions) as s:
            self._check_limit(s, REGISTER_KEY, ip, cutoff, self.register_limit)
            taken = s.scalar(select(User.id).where(User.username == name)) is not None
            if taken:  # counted (and committed) before the refusal
                s.execute(delete(LoginFailure).where(LoginFailure.username == REGISTER_KEY, LoginFailure.at <= cutoff))
                s.add(LoginFailure(username=REGISTER_KEY, ip=ip, at=now))
            else:
                user = User(username=name, password_hash=password_hash, created_at=now)
                s.add(user)
                s.flush()
                return user.id
        raise AccountError("username", "That username is taken.")

    def create_user(self, username: str, password: str | None, *,
                    then: Callable[[Session, int], None] | None = None) -> int:
        """A new user's id, for operators and scripts (no rate limit): `password` None makes an account that can
        only use an API token. `then(session, user_id)` runs in the same transaction (joining a team), so if it
        raises, no user is made. AccountError naming the field: a bad or taken name, a weak password."""
        name = check_username(username) if password is None else check_new_credentials(username, password)
        password_hash = hash_password(password, self.password_method) if password is not None else None
        with unit_of_work(self.sessions) as s:  # the hash is made before the write lock is taken
            if s.scalar(select(User.id).where(User.username == name)) is not None:
                raise AccountError("username", f"user {name!r} exists")
            user = User(username=name, password_hash=password_hash, created_at=self.clock.now())
            s.add(user)
            s.flush()
            if then is not None:
                then(s, user.id)
            return user.id

    def user_id(self, username: str) -> int | None:
        """The id of the user with this name, or None."""
        with unit_of_work(self.sessions, write=False) as s:
            return s.scalar(select(User.id).where(User.username == normalise_username(username)))

    @staticmethod
    def _check_limit(s: Session, key: str, ip: str, cutoff, limit: LoginLimit) -> None:
        recent = select(LoginFailure.at).where(LoginFailure.username == key, LoginFailure.ip == ip,
                                               LoginFailure.at > cutoff)
        if s.scalar(select(func.count()).select_from(recent.subquery())) >= limit.failures:
            oldest = as_utc(s.scalar(select(func.min(recent.subquery().c.at))))
            raise RateLimited(max(1.0, (oldest - cutoff).total_seconds()))

    def authenticate(self, username: str, password: str, ip: str) -> int | None:
        """The user's id, or None for a wrong username or password; RateLimited when locked out."""
        name = normalise_username(username)[:80]
        ip = (ip or "unknown")[:64]
        now = self.clock.now()
        cutoff = now - timedelta(seconds=self.limit.window_s)
        with unit_of_work(self.sessions, write=False) as s:  # read; the hash is checked with no lock held
            self._check_limit(s, name, ip, cutoff, self.limit)
            row = s.execute(select(User.id, User.password_hash).where(User.username == name)).first()
        stored = row.password_hash if row is not None else None
        # an unknown user costs the same hashing work as a known one (a dummy hash of the same method)
        right = check_password(stored, password, self.password_method) and row is not None
        with unit_of_work(self.sessions) as s:  # a short write: the outcome
            self._check_limit(s, name, ip, cutoff, self.limit)  # attempts that raced past the first check
            # the password must still be the one checked: one changed meanwhile ended the old password's sessions
            if right and s.scalar(select(User.password_hash).where(User.id == row.id)) == stored:
                s.execute(delete(LoginFailure).where(LoginFailure.username == name, LoginFailure.ip == ip))
                return row.id
            s.execute(delete(LoginFailure).where(LoginFailure.at <= cutoff))
            s.add(LoginFailure(username=name, ip=ip, at=now))
            return None

    def username(self, user_id: int) -> str | None:
        with unit_of_work(self.sessions, write=False) as s:
            return s.scalar(select(User.username).where(User.id == user_id))

    def session_state(self, user_id: int) -> tuple[str, int] | None:
        """(username, current session generation), or None for no such user (read on every request: no write lock)."""
        with unit_of_work(self.sessions, write=False) as s:
            row = s.execute(select(User.username, User.session_generation).where(User.id == user_id)).first()
            return (row[0], int(row[1] or 0)) if row else None

    def end_sessions(self, user_id: int) -> None:
        """Every session issued so far stops working (signing out, here or on any device)."""
        with unit_of_work(self.sessions) as s:
            user = s.get(User, user_id)
            if user is not None:
                user.session_generation = int(user.session_generation or 0) + 1

    def change_password(self, user_id: int, current: str, new: str, ip: str = "") -> int:
        """Set a new password and end every session issued so far; the new session generation (for the session
        that asked, re-issued). AccountError naming the field when `current` is wrong or `new` is not acceptable,
        and nothing changes; a wrong current password counts as a failed sign-in (RateLimited when locked out)."""
        ip = (ip or "unknown")[:64]
        now = self.clock.now()
        cutoff = now - timedelta(seconds=self.limit.window_s)
        if len(new or "") < MIN_PASSWORD:
            raise AccountError("new_password", f"Passwords need at least {MIN_PASSWORD} characters.")
        if len(new) > MAX_PASSWORD:
            raise AccountError("new_password", f"Passwords can be at most {MAX_PASSWORD} characters.")
        new_hash = hash_password(new, self.password_method)  # both hashes are computed with no lock held
        with unit_of_work(self.sessions, write=False) as s:
            row = s.execute(select(User.username, User.password_hash).where(User.id == user_id)).first()
            if row is None:
                raise LookupError(f"no user {user_id}")
            self._check_limit(s, row.username, ip, cutoff, self.limit)
        right = check_password(row.password_hash, current, self.password_method)
        with unit_of_work(self.sessions) as s:
            user = s.get(User, user_id)
            if user is None:
                raise LookupError(f"no user {user_id}")
            self._check_limit(s, user.username, ip, cutoff, self.limit)
            if right and user.password_hash == row.password_hash:
                user.password_hash = new_hash
                user.session_generation = int(user.session_generation or 0) + 1
                return user.session_generation
            if right:  # another request changed it between the check and now: "current" is not current any more
                raise AccountError("current_password", "The password was changed meanwhile (by another session); "
                                                       "the password is unchanged.")
            s.add(LoginFailure(username=user.username, ip=ip, at=now))  # committed before the refusal
        raise AccountError("current_password", "The current password is wrong; the password is unchanged.")

    def _forget_tokens(self, user_id: int) -> None:
        with self._tokens_lock:
            self._tokens = {h: v for h, v in self._tokens.items() if v[0] != user_id}

    def create_token(self, user_id: int) -> str:
        """A new API token for the user (replacing any old one); only its hash is stored."""
        token = new_token()
        self._forget_tokens(user_id)
        with unit_of_work(self.sessions) as s:
            user = s.get(User, user_id)
            if user is None:
                raise LookupError(f"no user {user_id}")
            user.api_token_hash = hash_token(token)
        return token

    def revoke_token(self, user_id: int) -> None:
        self._forget_tokens(user_id)
        with unit_of_work(self.sessions) as s:
            user = s.get(User, user_id)
            if user is not None:
                user.api_token_hash = None

    def has_token(self, user_id: int) -> bool:
        with unit_of_work(self.sessions, write=False) as s:
            return s.scalar(select(User.api_token_hash).where(User.id == user_id)) is not None

    def user_for_token(self, token: str) -> int | None:
        if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        wanted = hash_token(token)
        if self.token_cache_s > 0:
            hit = self._tokens.get(wanted)
            if hit is not None and hit[1] > self._monotonic():
                return hit[0]
        with unit_of_work(self.sessions, write=False) as s:
            row = s.execute(select(User.id, User.api_token_hash).where(User.api_token_hash == wanted)).first()
        if row is None or not hmac.compare_digest(row.api_token_hash, wanted):
            return None
        if self.token_cache_s > 0:
            with self._tokens_lock:
                if len(self._tokens) > 10_000:
                    self._tokens.clear()
                self._tokens[wanted] = (row.id, self._monotonic() + self.token_cache_s)
        return row.id
