"""Peer review pages: the candidate's share links, self-assessment and comparison; the peer's blind
grading, live interviewer view and practice, all opened from a share link.

The blueprint, its hooks and shared helpers are in blueprint.py; the page modules import them from there (not from
this package, which imports them) and register their routes on `bp`.
"""
from __future__ import annotations

from web.peers.blueprint import (  # noqa: F401
    OPEN_ENDPOINTS, OWNER, PEER_ENDPOINTS, PEER_ONLY, PEER_VIEW, REVEALING, SESSION_KEY, bp, level_text, peer_only_view,
    peer_user, peers, record_reveal, remember_grade, submitted_grade)
from web.peers import candidate, peer  # noqa: F401  (routes register themselves on bp)
