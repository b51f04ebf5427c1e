"""Typed SQLAlchemy 2.x models: users, loops, rounds, grades."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True, index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    api_token_hash: Mapped[str | None] = mapped_column(String(128), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # bumped by signing out: a session cookie carries the generation it was issued in and dies with it
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    loops: Mapped[list[Loop]] = relationship(back_populates="user")


class Loop(Base):
    """One mock loop (or a one-round drill) for one candidate on one track."""

    __tablename__ = "loops"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    track: Mapped[str] = mapped_column(String(64))
    track_version: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16), default="loop")  # loop | drill
    mode: Mapped[str] = mapped_column(String(16), default="timed")  # timed | practice
    pace: Mapped[float] = mapped_column(Float, default=1.0)
    seed: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(24), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    score: Mapped[float | None] = mapped_column(Float)
    band: Mapped[str | None] = mapped_column(String(32))
    warnings_at: Mapped[list[Any] | None] = mapped_column(JSON)  # seconds left; None: the track's marks

    user: Mapped[User] = relationship(back_populates="loops")
    rounds: Mapped[list[Round]] = relationship(
        back_populates="loop", order_by="Round.position", cascade="all, delete-orphan"
    )


class Round(Base):
    """One question answered under a deadline computed from the server's clock."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    loop_id: Mapped[int] = mapped_column(ForeignKey("loops.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    round_type: Mapped[str] = mapped_column(String(32))
    question_id: Mapped[str] = mapped_column(String(120), index=True)
    rubric_id: Mapped[str] = mapped_column(String(120))
    duration_s: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(24))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    pauses: Mapped[list[Any]] = mapped_column(JSON, default=list)
    first_answer_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    auto_submitted: Mapped[bool] = mapped_column(Boolean, default=False)
    late_by_s: Mapped[float | None] = mapped_column(Float)
    draft: Mapped[str] = mapped_column(Text, default="")
    draft_seq: Mapped[int] = mapped_column(Integer, default=0)
    draft_saved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answer: Mapped[str | None] = mapped_column(Text)
    late_answer: Mapped[str | None] = mapped_column(Text)  # sent after the deadline: kept, flagged, not graded
    probes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    warnings_given: Mapped[list[Any]] = mapped_column(JSON, default=list)

    loop: Mapped[Loop] = relationship(back_populates="rounds")
    grades: Mapped[list[GradeRecord]] = relationship(
        back_populates="round", order_by="GradeRecord.id", cascade="all, delete-orphan"
    )


class GradeRecord(Base):
    """A Grade (the shared shape) for one round, from any grader."""

    __tablename__ = "grades"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    grader_name: Mapped[str] = mapped_column(String(64))
    score: Mapped[float | None] = mapped_column(Float)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    round: Mapped[Round] = relationship(back_populates="grades")


class LoginFailure(Base):
    """A failed login, kept for the rate-limit window (per username and client address)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
