"""Share-link tokens: 256 random bits, shown once, stored as their SHA-256."""
from __future__ import annotations

import hashlib
import re
import secrets

PREFIX = "mlp_"  # recognisable in logs and by secret scanners
_SHAPE = re.compile(r"^mlp_[A-Za-z0-9_-]{43}$")


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def well_formed(token: str) -> bool:
    """A cheap shape check before any lookup (a malformed token is as unknown as a wrong one)."""
    return bool(_SHAPE.match(token or ""))
