"""Tables for peer review, on the shared `Base` (migration 0004).

A share link grants grading of one loop (or one round of it) to whoever holds its token; only the
token's SHA-256 is stored. Peer and self grades are kept apart from the engine's `grades` table: the
scorecard and the loop score read that table, and a friend's grade must never change them.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from simulator.storage.models import Base


class ShareLink(Base):
    """A link to grade a finished loop (`round_id` None) or one round; dead once expired or revoked."""

    __tablename__ = "peer_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    loop_id: Mapped[int] = mapped_column(ForeignKey("loops.id"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PeerGrade(Base):
    """A Grade of kind `peer` (through a link) or `self` (by the candidate) for one round."""

    __tablename__ = "peer_grades"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("peer_links.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # peer | self
    # The round id again for a self grade, NULL for a peer's: the database allows one self grade per round.
    self_of: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # a signed-in peer, else NULL
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoopReveal(Base):
    """When the candidate first saw a loop's automatic grades (the scorecard or the comparison).

    Self-assessment of the loop's rounds is open until then, and closed from then on."""

    __tablename__ = "peer_reveals"

    loop_id: Mapped[int] = mapped_column(ForeignKey("loops.id"), primary_key=True)
    revealed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    via: Mapped[str] = mapped_column(String(40))
