"""Round actions of the timed engine: reading a round, autosave, first answer and follow-ups, submit, pauses.

A mixin of LoopService: every action opens one unit of work, loads the round for its owner, applies the
clock first (an expired round is submitted with its last saved draft), then does what was asked.
"""
from __future__ import annotations

from typing import Any

from simulator.clock import as_utc
from simulator.engine.states import LOOP_TRANSITIONS, ROUND_TRANSITIONS, LoopState, ModeError, RoundState, advance as _set
from simulator.engine.views import graded_text, round_view
from simulator.storage.db import unit_of_work
from simulator.storage.models import Round


class RoundActions:
    def get_round(self, user_id: int, round_id: int) -> dict[str, Any]:
        with unit_of_work(self.sessions) as s:
            rnd = self._round(s, round_id, user_id)
            now = self.clock.now()
            self._apply_clock_to(rnd, now)
            return round_view(rnd, self.bank, now, self._marks(rnd.loop))

    def save_draft(
        self,
        user_id: int,
        round_id: int,
        text: str,
        *,
        seq: int | None = None,
        probe_answers: dict[int, str] | None = None,
        base: int | None = None,
    ) -> dict[str, Any]:
        """Autosave. A draft that arrives after the deadline is not taken (the round was
        already submitted with the last draft saved in time); an out-of-order draft (a
        `seq` not above the stored one) is ignored. The view says `saved` either way.

        `base` is the stored revision (`draft_seq`) the sender last saw: when another writer (a second
        tab) has saved since, the draft is not taken and the view says `saved: false, reason: "conflict"`
        with the stored draft, so the sender can show both versions instead of silently overwriting one."""
        with unit_of_work(self.sessions) as s:
            rnd = self._round(s, round_id, user_id)
            now = self.clock.now()
            self._apply_clock_to(rnd, now)
            saved, reason = False, None
            live = rnd.status in (RoundState.IN_PROGRESS, RoundState.PAUSED)
            if live and base is not None and base != rnd.draft_seq:
                reason = "conflict"
            elif live and (seq is None or seq > rnd.draft_seq):
                rnd.draft = text
                rnd.draft_seq = seq if seq is not None else rnd.draft_seq + 1
                rnd.draft_saved_at = now
                if probe_answers:
                    self._store_probe_answers(rnd, probe_answers)
                saved = True
            view = round_view(rnd, self.bank, now, self._marks(rnd.loop))
            view["saved"] = saved
            if reason:
                view["reason"] = reason
            return view

    def _store_probe_answers(self, rnd: Round, answers: dict[int, str]) -> None:
        probes = [dict(p) for p in rnd.probes or []]
        for index, text in answers.items():
            index = int(index)
            if 0 <= index < len(probes) and probes[index].get("revealed_at"):
                probes[index]["answer"] = text
        rnd.probes = probes

    def first_answer(self, user_id: int, round_id: int, text: str | None = None) -> dict[str, Any]:
        """The candidate has given a first answer: save it, and the interviewer asks a follow-up."""
        with unit_of_work(self.sessions) as s:
            rnd = self._round(s, round_id, user_id)
            now = self.clock.now()
            self._apply_clock_to(rnd, now)
            if rnd.status == RoundState.IN_PROGRESS:
                if text is not None:
                    rnd.draft = text
                    rnd.draft_seq += 1
                    rnd.draft_saved_at = now
                rnd.first_answer_at = rnd.first_answer_at or now
            in_progress = rnd.status == RoundState.IN_PROGRESS
        return self.ask_probe(user_id, round_id) if in_progress else self.get_round(user_id, round_id)

    def ask_probe(self, user_id: int, round_id: int) -> dict[str, Any]:
        """Ask the next follow-up aimed at what the answer has not covered (at most a few per round).

        The interviewer may call an LLM, so it runs outside any database transaction. The view's
        `probe_asked` says whether a new probe appeared."""
        from simulator.engine import probes

        with unit_of_work(self.sessions) as s:
            rnd = self._round(s, round_id, user_id)
            now = self.clock.now()
            self._apply_clock_to(rnd, now)
            if rnd.status != RoundState.IN_PROGRESS:
                view = round_view(rnd, self.bank, now, self._marks(rnd.loop))
                view["probe_asked"] = False
                return view
            question = self.bank.question(rnd.question_id)
            rubric = self.bank.rubric(rnd.rubric_id)
            answer, current = graded_text(rnd), [dict(p) for p in rnd.probes or []]
        chosen = probes.choose(question, rubric, answer, current)
        with unit_of_work(self.sessions) as s:
            rnd = self._round(s, round_id, user_id)
            now = self.clock.now()
            self._apply_clock_to(rnd, now)
            asked = chosen is not None and rnd.status == RoundState.IN_PROGRESS
            if asked:
                rnd.probes = probes.record(rnd.probes or [], chosen, now.isoformat())
            view = round_view(rnd, self.bank, now, self._marks(rnd.loop))
            view["probe_asked"] = asked
            return view

    def add_probe(self, user_id: int, round_id: int, text: str, source: str = "interviewer") -> dict[str, Any]:
        """A follow-up asked during the round (e.g. by the LLM interviewer), revealed at once."""
        with unit_of_work(self.sessions) as s:
            rnd = self._round(s, round_id, user_id)
            now = self.clock.now()
            self._apply_clock_to(rnd, now)
            if rnd.status != RoundState.IN_PROGRESS:
                raise ValueError("probes can only be added while the round is in progress")
            rnd.probes = list(rnd.probes or []) + [
                {"text": text, "targets": [], "reveal_after_s": None, "revealed_at": now.isoformat(), "answer": "", "source": source}
            ]
            return round_view(rnd, self.bank, now, self._marks(rnd.loop))

    def submit(
        self,
        user_id: int,
        round_id: int,
        text: str | None = None,
        *,
        probe_answers: dict[int, str] | None = None,
    ) -> dict[str, Any]:
        """Submit a round. After the deadline the answer is still recorded but flagged late."""
        with unit_of_work(self.sessions) as s:
            rnd = self._round(s, round_id, user_id)
            loop = rnd.loop
            now = self.clock.now()
            deadline = as_utc(rnd.deadline)
            if rnd.status == RoundState.PENDING:
                raise ValueError(f"round {rnd.position + 1} has not started")
            late = deadline is not None and rnd.paused_at is None and now > deadline
            if rnd.status in (RoundState.IN_PROGRESS, RoundState.PAUSED) and not late:
                if probe_answers:
                    self._store_probe_answers(rnd, probe_answers)
                self._finish_round(loop, rnd, now, rnd.draft if text is None else text, auto=False)
            elif late:
                self._apply_clock(loop, now)  # the autosubmit at the deadline happens first
                if rnd.status != RoundState.SUBMITTED or not rnd.auto_submitted or rnd.late_by_s is not None:
                    raise ValueError(f"round {rnd.position + 1} is already {rnd.status}")
                if probe_answers:
                    self._store_probe_answers(rnd, probe_answers)
                if text is not None:
                    if loop.mode == "practice":
                        rnd.answer = text  # practice: the candidate chose untimed grading
                    else:  # the on-time answer (submitted at the deadline) stays the graded one
                        rnd.late_answer = text
                rnd.late_by_s = round((now - deadline).total_seconds(), 3)
            else:
                raise ValueError(f"round {rnd.position + 1} is already {rnd.status}")
            return round_view(rnd, self.bank, now, self._marks(loop))

    def pause(self, user_id: int, round_id: int) -> dict[str, Any]:
        with unit_of_work(self.sessions) as s:
            rnd = self._round(s, round_id, user_id)
            loop = rnd.loop
            if loop.mode != "practice":
                raise ModeError("pausing is only allowed in practice mode")
            now = self.clock.now()
            self._apply_clock(loop, now)
            _set(rnd, ROUND_TRANSITIONS, RoundState.PAUSED)
            _set(loop, LOOP_TRANSITIONS, LoopState.PAUSED)
            rnd.paused_at = now
            rnd.pauses = list(rnd.pauses or []) + [{"at": now.isoformat(), "seconds": None}]
            return round_view(rnd, self.bank, now, self._marks(loop))

    def unpause(self, user_id: int, round_id: int) -> dict[str, Any]:
        with unit_of_work(self.sessions) as s:
            rnd = self._round(s, round_id, user_id)
            loop = rnd.loop
            now = self.clock.now()
            if rnd.status != RoundState.PAUSED:
                raise ValueError(f"round {rnd.position + 1} is not paused")
            _set(rnd, ROUND_TRANSITIONS, RoundState.IN_PROGRESS)
            _set(loop, LOOP_TRANSITIONS, LoopState.ROUND_IN_PROGRESS)
            self._close_pause(rnd, now)
            return round_view(rnd, self.bank, now, self._marks(loop))
