"""The timed engine: loops and rounds moved through their states by explicit actions.

Every action opens one unit of work, loads the loop for its owner, first
applies what the clock says has already happened (an expired round is
submitted automatically with its last saved draft), then does what was asked.
The web app and the CLI call these methods; they never touch the models.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from simulator.bank import Bank
from simulator.clock import Clock, SystemClock, as_utc
from simulator.engine import timing
from simulator.engine.round_actions import RoundActions
from simulator.engine.states import (
    LOOP_TRANSITIONS, ROUND_TRANSITIONS, InvalidTransition, LoopState, NotFound, RoundState, advance as _set,
)
from simulator.engine.views import graded_text, loop_view, round_view
from simulator.selection import plan_loop
from simulator.storage.db import unit_of_work
from simulator.storage.models import Loop, Round, User

LOCAL_USER = "local"


class LoopService(RoundActions):
    """The timed engine for loops; round actions (drafts, probes, submit, pauses) come from RoundActions."""

    def __init__(self, sessions: sessionmaker[Session], bank: Bank, clock: Clock | None = None, *,
                 untrusted_code: bool = False):
        self.sessions = sessions
        self.bank = bank
        self.clock = clock or SystemClock()
        # True on a server: answers are code from strangers, run only where the sandbox policy allows.
        self.untrusted_code = untrusted_code

    # ---- users -------------------------------------------------------------------------
    def ensure_user(self, username: str = LOCAL_USER) -> int:
        with unit_of_work(self.sessions) as s:
            return self._user(s, username).id

    def _user(self, s: Session, username: str) -> User:
        user = s.scalar(select(User).where(User.username == username))
        if user is None:
            user = User(username=username, created_at=self.clock.now())
            s.add(user)
            s.flush()
        return user

    def seen_questions(self, s: Session, user_id: int) -> list[str]:
        """The candidate's question history, one id per time it was asked."""
        return list(s.scalars(select(Round.question_id).join(Loop).where(Loop.user_id == user_id)))

    # ---- loading with ownership ---------------------------------------------------------
    def _loop(self, s: Session, loop_id: int, user_id: int, *, with_rounds: bool = True) -> Loop:
        """The loop with its rounds and grades, its row locked for this unit of work.

        Every action locks the loop row first (SQLite: the write lock that BEGIN IMMEDIATE takes;
        PostgreSQL: SELECT ... FOR UPDATE), so two actions on one loop never interleave, whichever
        process serves them, and locks are always taken in the same order."""
        options = [selectinload(Loop.rounds).selectinload(Round.grades)] if with_rounds else []
        loop = s.get(Loop, loop_id, with_for_update=True, options=options)
        if loop is None or loop.user_id != user_id:
            raise NotFound(f"no loop {loop_id}")
        return loop

    def _round(self, s: Session, round_id: int, user_id: int) -> Round:
        loop_id = s.scalar(select(Round.loop_id).where(Round.id == round_id))
        if loop_id is None:
            raise NotFound(f"no round {round_id}")
        try:
            loop = self._loop(s, loop_id, user_id, with_rounds=False)  # ownership, and the loop's lock first
        except NotFound:
            raise NotFound(f"no round {round_id}") from None
        # The round and its grades in one statement, and the loop just locked attached to it: the session holds
        # objects weakly, so `rnd.loop` would otherwise query the loop again (an autosave went from 7 statements
        # to 4 on SQLite: each is a round trip on PostgreSQL).
        rnd = s.get(Round, round_id, options=[joinedload(Round.grades)])
        set_committed_value(rnd, "loop", loop)
        return rnd

    # ---- creating ----------------------------------------------------------------------
    def create_loop(
        self,
        user_id: int,
        track: str,
        *,
        round_type: str | None = None,
        mode: str = "timed",
        pace: float = 1.0,
        seed: int | None = None,
        warnings_at: list[float] | None = None,
    ) -> dict[str, Any]:
        """A loop for the track (or a one-round drill when `round_type` is given)."""
        if mode not in ("timed", "practice"):
            raise ValueError(f"mode must be 'timed' or 'practice', not {mode!r}")
        if not 0 < pace <= 10:
            raise ValueError(f"pace must be in (0, 10], not {pace}")
        if warnings_at is not None and any(not m > 0 for m in warnings_at):
            raise ValueError(f"warning marks are seconds left and must be positive, not {list(warnings_at)}")
        track_data = self.bank.track(track)
        seed = seed if seed is not None else secrets.randbelow(2**31)
        with unit_of_work(self.sessions) as s:
            seen = self.seen_questions(s, user_id)
            plan = plan_loop(self.bank, track, seed=seed, seen=seen, only_round=round_type)
            loop = Loop(
                user_id=user_id, track=track, track_version=track_data["version"],
                kind="drill" if round_type else "loop", mode=mode, pace=pace, seed=seed,
                status=LoopState.NOT_STARTED, created_at=self.clock.now(),
                warnings_at=None if warnings_at is None else sorted({float(m) for m in warnings_at}, reverse=True),
            )
            for position, (spec, q) in enumerate(plan):
                minutes = q["time_limit_min"] if round_type else spec["duration_min"]
                duration = minutes * 60 * pace
                probes = [
                    {"text": p["text"], "targets": p.get("targets", []),
                     "reveal_after_s": None if p.get("reveal_after_min") is None else p["reveal_after_min"] * 60 * pace,
                     "revealed_at": None, "answer": ""}
                    for p in q["probes"]
                ]
                loop.rounds.append(Round(
                    position=position, round_type=q["round"], question_id=q["id"], rubric_id=q["rubric"],
                    duration_s=duration, status=RoundState.PENDING, probes=probes, pauses=[],
                    warnings_given=[], draft="", draft_seq=0,
                ))
            s.add(loop)
            s.flush()
            return loop_view(loop, self.bank, self.clock.now(), self._marks(loop))

    def _marks(self, loop: Loop) -> list[float]:
        """Warning marks in seconds left: the loop's own (as given, already real seconds), else the
        track's scaled by the pace."""
        if loop.warnings_at is not None:
            return [float(m) for m in loop.warnings_at]
        marks = self.bank.tracks.get(loop.track, {}).get("warnings_at", [300, 60])
        return [m * loop.pace for m in marks]

    # ---- the clock's effects -------------------------------------------------------------
    def _apply_clock(self, loop: Loop, now: datetime) -> None:
        for rnd in loop.rounds:
            if rnd.status == RoundState.IN_PROGRESS:
                timing.reveal_due_probes(rnd, now)
                if timing.expired(rnd, now):
                    self._finish_round(loop, rnd, as_utc(rnd.deadline), rnd.draft, auto=True)

    def _apply_clock_to(self, rnd: Round, now: datetime) -> None:
        """The clock's effects on one round: at most one round of a loop runs at a time, so a round
        action need not load the others (they are loaded only when a round finishes)."""
        if rnd.status == RoundState.IN_PROGRESS:
            timing.reveal_due_probes(rnd, now)
            if timing.expired(rnd, now):
                self._finish_round(rnd.loop, rnd, as_utc(rnd.deadline), rnd.draft, auto=True)

    def _finish_round(self, loop: Loop, rnd: Round, at: datetime, text: str, *, auto: bool) -> None:
        _set(rnd, ROUND_TRANSITIONS, RoundState.SUBMITTED)
        if rnd.paused_at is not None:  # submitted while paused: the pause ends here
            self._close_pause(rnd, at)
        rnd.answer = text
        rnd.submitted_at = at
        rnd.auto_submitted = auto
        last = all(r.status in (RoundState.SUBMITTED, RoundState.GRADED) for r in loop.rounds)
        _set(loop, LOOP_TRANSITIONS, LoopState.COMPLETE if last else LoopState.ROUND_SUBMITTED)
        if last:
            loop.completed_at = at

    def _view(self, loop: Loop, now: datetime) -> dict[str, Any]:
        return loop_view(loop, self.bank, now, self._marks(loop))

    def get_loop(self, user_id: int, loop_id: int) -> dict[str, Any]:
        with unit_of_work(self.sessions) as s:
            loop = self._loop(s, loop_id, user_id)
            now = self.clock.now()
            self._apply_clock(loop, now)
            return self._view(loop, now)

    def list_loops(self, user_id: int) -> list[dict[str, Any]]:
        with unit_of_work(self.sessions) as s:
            loops = s.scalars(select(Loop).where(Loop.user_id == user_id).order_by(Loop.id.desc())).all()
            now = self.clock.now()
            out = []
            for loop in loops:
                self._apply_clock(loop, now)
                out.append(self._view(loop, now))
            return out

    def tick(self, user_id: int, loop_id: int) -> dict[str, Any]:
        """Apply the clock; announce warnings that are due (each once). Returns the loop view
        with `warnings` (seconds-left marks just reached)."""
        with unit_of_work(self.sessions) as s:
            loop = self._loop(s, loop_id, user_id)
            now = self.clock.now()
            self._apply_clock(loop, now)
            warnings: list[float] = []
            for rnd in loop.rounds:
                if rnd.status == RoundState.IN_PROGRESS:
                    due = timing.due_warnings(rnd, now, self._marks(loop))
                    if due:
                        rnd.warnings_given = list(rnd.warnings_given or []) + due
                        warnings += due
            view = self._view(loop, now)
            view["warnings"] = warnings
            return view

    def start_next_round(self, user_id: int, loop_id: int) -> dict[str, Any]:
        with unit_of_work(self.sessions) as s:
            loop = self._loop(s, loop_id, user_id)
            now = self.clock.now()
            self._apply_clock(loop, now)
            pending = [r for r in loop.rounds if r.status == RoundState.PENDING]
            if not pending:
                raise ValueError(f"loop {loop_id} has no round left to start")
            busy = [r for r in loop.rounds if r.status in (RoundState.IN_PROGRESS, RoundState.PAUSED)]
            if busy:  # the loop table lets a paused loop resume, but only its own round
                raise InvalidTransition(f"round {busy[0].position + 1} is {busy[0].status.replace('_', ' ')}; finish it first")
            _set(loop, LOOP_TRANSITIONS, LoopState.ROUND_IN_PROGRESS)
            rnd = pending[0]
            _set(rnd, ROUND_TRANSITIONS, RoundState.IN_PROGRESS)
            rnd.started_at = now
            rnd.deadline = now + timedelta(seconds=rnd.duration_s)
            timing.reveal_due_probes(rnd, now)
            return round_view(rnd, self.bank, now, self._marks(loop))

    @staticmethod
    def _close_pause(rnd: Round, now: datetime) -> None:
        """Record how long the open pause lasted and push the deadline back by as much."""
        paused_for = (now - as_utc(rnd.paused_at)).total_seconds()
        rnd.deadline = timing.shift(rnd.deadline, paused_for)
        rnd.paused_at = None
        pauses = [dict(p) for p in rnd.pauses or []]
        pauses[-1]["seconds"] = round(paused_for, 3)
        rnd.pauses = pauses

    # ---- grading -----------------------------------------------------------------------
    def grade(self, user_id: int, loop_id: int, grader: str = "auto", *, once: bool = False,
              progress=None) -> dict[str, Any]:
        """Grade every round, then the loop. The graders (an LLM, the sandbox) run between two
        short transactions, never while the database is held.

        With `once`, grades are recorded only if no round holds a grade yet when the loop row is locked
        again, so two processes finishing the same loop (two web workers, or a grading job run again after its
        worker died) record one set of grades. `progress(n, total)` is told as round n starts being graded."""
        from simulator.engine.grading import grade_rounds, record_grades

        with unit_of_work(self.sessions) as s:
            loop = self._loop(s, loop_id, user_id)
            self._apply_clock(loop, self.clock.now())
            graded_texts = {rnd.id: graded_text(rnd) for rnd in loop.rounds}
        grades = grade_rounds(loop, self.bank, grader, untrusted_code=self.untrusted_code, progress=progress)
        with unit_of_work(self.sessions) as s:
            loop = self._loop(s, loop_id, user_id)
            if {rnd.id: graded_text(rnd) for rnd in loop.rounds} != graded_texts:
                raise ValueError(f"loop {loop_id} changed while it was being graded (a late answer?); grade it again")
            now = self.clock.now()
            if not (once and any(rnd.grades for rnd in loop.rounds)):
                record_grades(loop, grades, self.bank, now)
                s.flush()
            return self._view(loop, now)
