"""Who grades which answer: N graders per answer, lowest workload first, never the author, never twice.

The allocation is also built so that grader effects can be separated: the
bipartite graph of graders and answers must be connected (otherwise two
groups of graders that never share an answer, directly or through others,
cannot be put on one scale). Two devices do this:
  1. ties in workload go to a grader in a different connected group from the
     graders the answer already has, so each answer bridges groups;
  2. if groups remain, pairs of assignments are swapped between them
     (answer a1 takes grader g2 and a2 takes g1): workloads stay the same and
     each swap joins two groups. Needs N >= 2.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from simulator.teams.answers import set_row
from simulator.teams.models import Assignment, CalibrationAnswer, Membership
from simulator.teams.workspace import require_admin, utcnow

Pair = tuple[int, int]  # (answer id, grader id)


class _Groups:
    def __init__(self) -> None:
        self.parent: dict[object, object] = {}

    def find(self, x: object) -> object:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: object, b: object) -> None:
        self.parent[self.find(a)] = self.find(b)


def components(pairs: Iterable[Pair]) -> list[set[int]]:
    """Groups of graders connected through shared answers."""
    g = _Groups()
    graders = set()
    for a, r in pairs:
        g.union(("a", a), ("g", r))
        graders.add(r)
    out: dict[object, set[int]] = {}
    for r in graders:
        out.setdefault(g.find(("g", r)), set()).add(r)
    return list(out.values())


def is_connected(pairs: Iterable[Pair]) -> bool:
    """True when the grader-answer graph has one component (and at least one edge)."""
    return len(components(list(pairs))) == 1


def plan(answers: Sequence[tuple[int, int | None]], graders: Sequence[int], n: int, *,
         existing: Iterable[Pair] = (), load: Mapping[int, int] | None = None, seed: int = 0) -> list[Pair]:
    """New (answer, grader) pairs giving every answer `n` graders; `answers` are (answer id, author id or None)."""
    graders = list(dict.fromkeys(graders))
    if n < 1:
        raise ValueError("each answer needs at least one grader")
    author = dict(answers)
    have: dict[int, list[int]] = {a: [] for a, _ in answers}
    for a, r in existing:
        if a in have:
            have[a].append(r)
    for a, who in answers:
        if len([r for r in graders if r != who]) < n:
            raise ValueError(f"answer {a} needs {n} graders but only "
                             f"{len([r for r in graders if r != who])} eligible (never its author)")
    work = {r: 0 for r in graders}
    work.update({r: c for r, c in (load or {}).items() if r in work})
    tiebreak = dict(zip(graders, np.random.default_rng(seed).permutation(len(graders)).tolist()))
    groups = _Groups()
    for a, rs in have.items():
        for r in rs:
            groups.union(("a", a), ("g", r))
    new: list[Pair] = []
    for a, who in answers:
        chosen = have[a]
        while len(chosen) < n:
            joined = {groups.find(("g", c)) for c in chosen}
            pick = min((r for r in graders if r != who and r not in chosen),
                       key=lambda r: (work[r], groups.find(("g", r)) in joined, tiebreak[r]))
            chosen.append(pick)
            work[pick] += 1
            groups.union(("a", a), ("g", pick))
            new.append((a, pick))
    return _connect(new, have, author, fixed=set(existing))


def _connect(new: list[Pair], have: dict[int, list[int]], author: Mapping[int, int | None],
             fixed: set[Pair]) -> list[Pair]:
    """Swap graders between answers of different groups until the graph is connected (or no swap is possible)."""
    pairs = set(new) | {(a, r) for a, rs in have.items() for r in rs}
    while True:
        groups = components(pairs)
        if len(groups) <= 1:
            break
        home = {r: i for i, grp in enumerate(groups) for r in grp}
        swap = None
        for a1, g1 in sorted(pairs - fixed):
            for a2, g2 in sorted(pairs - fixed):
                if home[g1] == home[g2] or len(have[a1]) < 2 or len(have[a2]) < 2:
                    continue
                if g2 in have[a1] or g1 in have[a2] or author.get(a1) == g2 or author.get(a2) == g1:
                    continue
                swap = (a1, g1, a2, g2)
                break
            if swap:
                break
        if swap is None:
            break
        a1, g1, a2, g2 = swap
        pairs -= {(a1, g1), (a2, g2)}
        pairs |= {(a1, g2), (a2, g1)}
        have[a1][have[a1].index(g1)] = g2
        have[a2][have[a2].index(g2)] = g1
    return sorted(pairs - fixed)


@dataclass
class Allocation:
    created: list[Pair]
    load: dict[int, int]  # assignments per grader in the team, after this allocation
    connected: bool
    per_answer: int


def allocate(session: Session, team_id: int, actor: int, set_id: int, n: int = 3, *,
             graders: Sequence[int] | None = None, sources: Sequence[str] = ("shared", "synthetic", "llm"),
             seed: int = 0, now: datetime | None = None) -> Allocation:
    """Assign the set's answers (of `sources`; gold answers go to everyone through certification).

    `graders` default to every member of the team; each must be a member.
    Existing assignments count toward N and toward each grader's workload.
    """
    require_admin(session, team_id, actor)
    set_row(session, team_id, set_id)
    members = set(session.scalars(select(Membership.user_id).where(  # not pending invitations
        Membership.team_id == team_id, Membership.role.not_like("inv:%"))))
    graders = sorted(members) if graders is None else list(graders)
    outsiders = [g for g in graders if g not in members]
    if outsiders:
        raise ValueError(f"not members of team {team_id}: {', '.join(map(str, outsiders))}")
    answers = session.execute(select(CalibrationAnswer.id, CalibrationAnswer.author_user_id)
                              .where(CalibrationAnswer.team_id == team_id, CalibrationAnswer.set_id == set_id,
                                     CalibrationAnswer.source.in_(sources)).order_by(CalibrationAnswer.id)).all()
    existing = session.execute(select(Assignment.answer_id, Assignment.grader_user_id)
                               .where(Assignment.team_id == team_id)).all()
    load: dict[int, int] = {}
    for _, r in existing:
        load[r] = load.get(r, 0) + 1
    ids = {a for a, _ in answers}
    in_set = [(a, r) for a, r in existing if a in ids]
    created = plan([(a, who) for a, who in answers], graders, n, existing=in_set, load=load, seed=seed)
    when = utcnow(now)
    for a, r in created:
        session.add(Assignment(team_id=team_id, answer_id=a, grader_user_id=r, created_at=when))
        load[r] = load.get(r, 0) + 1
    session.flush()
    return Allocation(created=created, load=load, connected=is_connected(in_set + created), per_answer=n)


def assignments(session: Session, team_id: int, set_id: int) -> list[Pair]:
    """(answer id, grader id) pairs of one set (no membership check: for callers that checked)."""
    rows = session.execute(select(Assignment.answer_id, Assignment.grader_user_id)
                           .join(CalibrationAnswer, CalibrationAnswer.id == Assignment.answer_id)
                           .where(Assignment.team_id == team_id, CalibrationAnswer.set_id == set_id)).all()
    return [(a, r) for a, r in rows]
