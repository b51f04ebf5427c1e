"""Tables for hiring-team workspaces, on the shared `Base` (migration: see storage/migrations/versions).

Every team-owned row carries `team_id`, and every query in simulator.teams
filters on it, so one team never reads another's questions, answers or grades.
A grader is either a person (a user, `grader_key` "user:<id>") or a machine
grader ("machine:keyword", "machine:llm"); both produce the same grade rows.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from simulator.storage.models import Base


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    kappa_threshold: Mapped[float] = mapped_column(Float, default=0.6)
    min_gold: Mapped[int] = mapped_column(Integer, default=10)
    require_certification: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Membership(Base):
    __tablename__ = "team_memberships"
    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_team_memberships_team_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # admin | interviewer
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TeamRubric(Base):
    """One stored version of a rubric, keyed by its content hash; edits add rows, never change them."""

    __tablename__ = "team_rubrics"
    __table_args__ = (UniqueConstraint("team_id", "hash", name="uq_team_rubrics_team_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    rubric_id: Mapped[str] = mapped_column(String(120), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # the highest seq per rubric_id is the current version
    version: Mapped[str] = mapped_column(String(32))
    hash: Mapped[str] = mapped_column(String(80))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))  # draft | reviewed | retired
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TeamQuestion(Base):
    __tablename__ = "team_questions"
    __table_args__ = (UniqueConstraint("team_id", "question_id", name="uq_team_questions_team_qid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(120))
    round: Mapped[str] = mapped_column(String(32))
    rubric_id: Mapped[str] = mapped_column(String(120))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CalibrationSet(Base):
    __tablename__ = "calibration_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CalibrationAnswer(Base):
    """An answer to grade: gold (bank example), shared (candidate consented), synthetic or llm-written.

    `intended` holds the intended level per criterion (gold and synthetic), or None.
    `rubric_hash` pins the rubric version the answer is graded on.
    """

    __tablename__ = "calibration_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("calibration_sets.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(120))
    round: Mapped[str] = mapped_column(String(32))
    rubric_hash: Mapped[str] = mapped_column(String(80))
    source: Mapped[str] = mapped_column(String(16))  # gold | shared | synthetic | llm
    text: Mapped[str] = mapped_column(Text)
    intended: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    origin: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Assignment(Base):
    __tablename__ = "calibration_assignments"
    __table_args__ = (UniqueConstraint("answer_id", "grader_user_id", name="uq_calibration_assignments_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("calibration_answers.id"), index=True)
    grader_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TeamGrade(Base):
    """One grader's levels for one calibration answer, with the Grade dict and the rubric hash it used."""

    __tablename__ = "team_grades"
    __table_args__ = (UniqueConstraint("answer_id", "grader_key", name="uq_team_grades_answer_grader"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("calibration_answers.id"), index=True)
    grader_key: Mapped[str] = mapped_column(String(80), index=True)
    grader_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    grader_kind: Mapped[str] = mapped_column(String(16))  # staff | keyword | llm
    rubric_hash: Mapped[str] = mapped_column(String(80))
    levels: Mapped[dict[str, Any]] = mapped_column(JSON)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Certification(Base):
    """A grader's kappa against the intended levels of the team's gold answers, at one moment."""

    __tablename__ = "team_certifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    grader_key: Mapped[str] = mapped_column(String(80), index=True)
    kappa: Mapped[float | None] = mapped_column(Float)
    ci_low: Mapped[float | None] = mapped_column(Float)
    ci_high: Mapped[float | None] = mapped_column(Float)
    n_answers: Mapped[int] = mapped_column(Integer)
    n_pairs: Mapped[int] = mapped_column(Integer)
    threshold: Mapped[float] = mapped_column(Float)
    min_answers: Mapped[int] = mapped_column(Integer)
    certified: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
