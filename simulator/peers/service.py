"""PeerService: share links, blind peer grading, self-assessment, comparison and practice over the database.

Two kinds of caller. The candidate is named by user id and may touch only their own loops (another
user's loop is NotFound, as in LoopService). A peer is named only by a share token: every read and
write goes through `links.resolve`, so the token grants its loop (or round) and nothing else.

"Revealed": a loop's automatic grades count as revealed to the candidate from the first time they open
its scorecard or its comparison while a machine grade exists (`mark_revealed`, recorded in
peer_reveals). Self-assessment of a round is open once the round is submitted and until then.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from simulator.bank import Bank
from simulator.clock import Clock, SystemClock, as_utc
from simulator.engine import LoopService, NotFound
from simulator.peers import compare, forms, links, practice
from simulator.peers.models import LoopReveal, PeerGrade
from simulator.storage.db import unit_of_work
from simulator.storage.models import Loop, Round

MAX_GRADES_PER_ROUND = 50  # through one link: a leaked link cannot flood the comparison


class PeerConflict(Exception):
    """Not now: self-assessment closed, your own loop through a link, a round not yet started."""


class PeerService:
    def __init__(self, sessions: sessionmaker[Session], bank: Bank, clock: Clock | None = None):
        self.sessions = sessions
        self.bank = bank
        self.clock = clock or SystemClock()

    # ---- the candidate's links ---------------------------------------------------------
    def create_link(self, user_id: int, loop_id: int, position: int | None = None, days: Any = None) -> dict[str, Any]:
        with unit_of_work(self.sessions) as s:
            return links.create(s, user_id, loop_id, position, days, self.clock.now())

    def list_links(self, user_id: int, loop_id: int) -> list[dict[str, Any]]:
        with unit_of_work(self.sessions) as s:
            return links.listing(s, user_id, loop_id, self.clock.now())

    def revoke(self, user_id: int, link_id: int) -> dict[str, Any]:
        with unit_of_work(self.sessions) as s:
            return links.revoke(s, user_id, link_id, self.clock.now())

    # ---- revealed, and self-assessment ---------------------------------------------------
    def mark_revealed(self, user_id: int, loop_id: int, via: str) -> str | None:
        """Record the first reveal of the loop's automatic grades; the time it happened, or None if
        the loop has no machine grade yet (then nothing was revealed)."""
        with unit_of_work(self.sessions) as s:
            return self._reveal(s, links.owned_loop(s, user_id, loop_id), via)

    def _reveal(self, s: Session, loop: Loop, via: str) -> str | None:
        seen = s.get(LoopReveal, loop.id)
        if seen is None:
            if not any(_machine(r) for r in loop.rounds):
                return None
            seen = LoopReveal(loop_id=loop.id, revealed_at=self.clock.now(), via=via)
            s.add(seen)
        return as_utc(seen.revealed_at).isoformat()

    def self_state(self, user_id: int, round_id: int) -> dict[str, Any]:
        """The self-assessment form for a round, whether it is open (and why not), and the grade if given."""
        with unit_of_work(self.sessions) as s:
            rnd = links.owned_round(s, user_id, round_id)
            mine = s.scalar(select(PeerGrade).where(PeerGrade.self_of == rnd.id))
            reason = self._self_closed(s, rnd, mine)
            return dict(self._round_data(rnd, with_answer=True), open=reason is None, reason=reason,
                        grade=mine.payload if mine else None, loop_id=rnd.loop_id, round_id=rnd.id)

    def _self_closed(self, s: Session, rnd: Round, mine: PeerGrade | None) -> str | None:
        if mine is not None:
            return "You have graded yourself on this round."
        if rnd.status not in links.FINISHED_ROUND:
            return "Self-assessment opens when the round is submitted."
        seen = s.get(LoopReveal, rnd.loop_id)
        if seen is not None:
            return ("Self-assessment closed when you saw the automatic grades "
                    f"({seen.via}, {as_utc(seen.revealed_at):%Y-%m-%d %H:%M} UTC).")
        return None

    def submit_self(self, user_id: int, round_id: int, data: dict[str, Any]) -> dict[str, Any]:
        try:
            with unit_of_work(self.sessions) as s:
                rnd = links.owned_round(s, user_id, round_id)
                reason = self._self_closed(s, rnd, s.scalar(select(PeerGrade).where(PeerGrade.self_of == rnd.id)))
                if reason:
                    raise PeerConflict(reason)
                grade = self._build(rnd, "self", "Self", data)
                s.add(PeerGrade(round_id=rnd.id, kind="self", self_of=rnd.id, display_name="Self", user_id=user_id,
                                payload=grade, created_at=self.clock.now()))
                s.flush()
                return grade
        except IntegrityError:  # a second self-assessment raced the first one in
            raise PeerConflict("You have graded yourself on this round.") from None

    # ---- comparison ------------------------------------------------------------------------
    def comparison(self, user_id: int, loop_id: int) -> dict[str, Any]:
        """Every round: self, each peer, the peers' median, the machines; opening it reveals the machine grades."""
        with unit_of_work(self.sessions) as s:
            loop = links.owned_loop(s, user_id, loop_id)
            revealed = self._reveal(s, loop, "comparison")
            rounds = [dict(self._compare(s, rnd), round_id=rnd.id) for rnd in loop.rounds]
            return {"loop_id": loop.id, "track": loop.track, "revealed_at": revealed, "rounds": rounds,
                    "summary": compare.summary_gap(rounds)}

    def _compare(self, s: Session, rnd: Round) -> dict[str, Any]:
        graders = []
        stored = s.scalars(select(PeerGrade).where(PeerGrade.round_id == rnd.id).order_by(PeerGrade.id)).all()
        labels: dict[str, int] = {}
        for g in sorted(stored, key=lambda g: g.kind != "self"):
            label = "Self" if g.kind == "self" else g.display_name
            labels[label] = labels.get(label, 0) + 1
            label = label if labels[label] == 1 else f"{label} ({labels[label]})"
            graders.append(compare.grader(f"{g.kind}:{g.id}", g.kind, label, g.payload))
        for kind, grade in _machine(rnd).items():
            graders.append(compare.grader(kind, kind, compare.MACHINE_LABELS[kind], grade))
        out = compare.compare_round(self.bank.rubric(rnd.rubric_id), graders)
        out["feedback"] = [{"label": g["label"], "kind": g["kind"], "text": g["grade"].get("feedback", "")}
                           for g in graders if g["grade"].get("feedback")]
        out["graders"] = [{k: g[k] for k in ("key", "kind", "label")} for g in graders]
        return dict(self._round_data(rnd, with_answer=False), **out)

    # ---- a peer, through a token ------------------------------------------------------------
    def _apply_clock(self, token: str) -> None:
        """Let the engine submit a round whose deadline has passed (as its owner), so the peer sees it."""
        from simulator.engine.timing import expired

        with unit_of_work(self.sessions) as s:
            now = self.clock.now()
            _, loop, _ = links.resolve(s, token, now)
            due = any(r.status == "in_progress" and expired(r, now) for r in loop.rounds)
            owner, loop_id = loop.user_id, loop.id
        if due:
            LoopService(self.sessions, self.bank, self.clock).get_loop(owner, loop_id)

    def scope(self, token: str) -> dict[str, Any]:
        """What the link grants: its rounds (question, answer once submitted, the rubric form). No grades."""
        self._apply_clock(token)
        with unit_of_work(self.sessions) as s:
            link, loop, rounds = links.resolve(s, token, self.clock.now())
            return {"scope": "round" if link.round_id else "loop", "expires_at": as_utc(link.expires_at).isoformat(),
                    "track": loop.track, "rounds": [self._round_data(r, with_answer=True) for r in rounds]}

    def peer_round(self, token: str, position: int) -> dict[str, Any]:
        self._apply_clock(token)
        with unit_of_work(self.sessions) as s:
            _, _, rounds = links.resolve(s, token, self.clock.now())
            return self._round_data(links.scoped_round(rounds, position), with_answer=True)

    def submit_peer(self, token: str, position: int, data: dict[str, Any], *, display_name: Any = None,
                    user_id: int | None = None) -> dict[str, Any]:
        """Store a peer's Grade; the result carries its id and, now that it is in, the round's comparison."""
        self._apply_clock(token)
        with unit_of_work(self.sessions) as s:
            link, loop, rounds = links.resolve(s, token, self.clock.now())
            rnd = links.scoped_round(rounds, position)
            if user_id is not None and user_id == loop.user_id:
                raise PeerConflict("This is your own loop: grade yourself with the self-assessment instead.")
            if rnd.status == "pending":
                raise PeerConflict("The round has not started yet.")
            count = select(func.count(PeerGrade.id)).where(PeerGrade.link_id == link.id, PeerGrade.round_id == rnd.id)
            if (s.scalar(count) or 0) >= MAX_GRADES_PER_ROUND:
                raise PeerConflict("This link has collected as many grades for this round as it takes.")
            name = forms.clean_name(display_name, "Anonymous peer")
            grade = self._build(rnd, "peer", name, data)
            row = PeerGrade(round_id=rnd.id, link_id=link.id, kind="peer", display_name=name, user_id=user_id,
                            payload=grade, created_at=self.clock.now())
            s.add(row)
            s.flush()
            return {"grade_id": row.id, "grade": grade, "round": self._compare(s, rnd)}

    def peer_results(self, token: str, position: int, grade_id: int) -> dict[str, Any]:
        """The round's comparison, for a peer who has submitted grade `grade_id` through this link."""
        with unit_of_work(self.sessions) as s:
            link, _, rounds = links.resolve(s, token, self.clock.now())
            rnd = links.scoped_round(rounds, position)
            mine = s.get(PeerGrade, grade_id)
            if mine is None or mine.link_id != link.id or mine.round_id != rnd.id:
                raise NotFound("no such grade here")
            return {"grade_id": mine.id, "grade": mine.payload, "round": self._compare(s, rnd)}

    def practice_examples(self, token: str) -> list[dict[str, Any]]:
        """Gold examples for the link's rubrics, with their intended levels (the caller hides them)."""
        with unit_of_work(self.sessions) as s:
            _, _, rounds = links.resolve(s, token, self.clock.now())
            pairs = [(r.question_id, r.rubric_id) for r in rounds]
        return practice.examples(self.bank, pairs)

    def practice_check(self, token: str, number: int, data: dict[str, Any]) -> dict[str, Any]:
        example = next((e for e in self.practice_examples(token) if e["number"] == number), None)
        if example is None:
            raise NotFound(f"no example {number}")
        rubric = self.bank.rubric(example["rubric_id"])
        grade = forms.build_grade("peer", "practice", rubric, self.bank.question(example["question_id"]), data)
        given = {e["criterion"]: e["level"] for e in grade["criteria"]}
        return dict(practice.check(rubric, given, example["levels"]), example=example)

    # ---- shared pieces --------------------------------------------------------------------
    def _build(self, rnd: Round, kind: str, name: str, data: dict[str, Any]) -> dict[str, Any]:
        question = self.bank.question(rnd.question_id)
        return forms.build_grade(kind, name, self.bank.rubric(rnd.rubric_id), question, data, track=rnd.loop.track)

    def _round_data(self, rnd: Round, *, with_answer: bool) -> dict[str, Any]:
        from simulator.engine.timing import time_left

        q = self.bank.questions.get(rnd.question_id, {})
        out: dict[str, Any] = {
            "position": rnd.position + 1, "round": rnd.round_type, "question_id": rnd.question_id,
            "prompt": q.get("prompt", ""), "tests": q.get("tests", ""), "status": rnd.status,
            "submitted": rnd.status in links.FINISHED_ROUND,
        }
        if not with_answer:
            return out
        done = out["submitted"]
        now: datetime = self.clock.now()
        out.update({
            "answer": (rnd.answer or "") if done else None,
            "probes": [{"text": p["text"], "answer": p.get("answer", "")} for p in rnd.probes or []
                       if p.get("revealed_at")] if done else [],
            "follow_ups": [p["text"] for p in q.get("probes", [])],
            "key_points": [{"id": k["id"], "text": k["text"], "criterion": k.get("criterion")}
                           for k in q.get("key_points", [])],
            "time_limit_s": round(rnd.duration_s, 3), "deadline": as_utc(rnd.deadline).isoformat() if rnd.deadline else None,
            "time_left_s": None if rnd.deadline is None else round(time_left(rnd, now), 3),
            "form": forms.rubric_form(self.bank.rubric(rnd.rubric_id)),
        })
        return out


def _machine(rnd: Round) -> dict[str, dict[str, Any]]:
    """The latest real (not pending) grade of each machine kind for a round."""
    out: dict[str, dict[str, Any]] = {}
    for record in rnd.grades:
        payload = record.payload or {}
        if record.kind in compare.MACHINE_KINDS and "pending" not in payload.get("flags", []):
            out[record.kind] = payload
    return out

