"""Grader certification: agreement with the intended levels of the team's gold answers.

A grader (person or machine) is certified when the quadratic weighted kappa
(`simulator.calibration.weighted_kappa`) between their levels and the
intended levels, over every (gold answer, criterion) pair both rated, reaches
the team's threshold (default 0.6), over at least the team's minimum number
of gold answers (default 10). Each computation is stored, so the history
shows when someone passed. A person's certification is recomputed after each
gold grade; machine graders are run on the gold answers by `certify_machine`.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from simulator.calibration import weighted_kappa
from simulator.storage.models import User
from simulator.teams.errors import Forbidden
from simulator.teams.grades import machine_key, run_machine, user_key
from simulator.teams.models import CalibrationAnswer, Certification, Team, TeamGrade
from simulator.teams.workspace import is_admin, require_admin, require_member, utcnow

N_BOOT = 500


def held_back(origin: dict[str, Any] | None) -> bool:
    """Whether a gold answer was held back from practice (the only gold that certifies)."""
    return bool(origin and origin.get("held_back") is True)


def _gold(session: Session, team_id: int, *where: Any) -> list[CalibrationAnswer]:
    rows = session.scalars(select(CalibrationAnswer).where(CalibrationAnswer.team_id == team_id,
                                                           CalibrationAnswer.source == "gold", *where)
                           .order_by(CalibrationAnswer.id))
    return [a for a in rows if held_back(a.origin)]


def gold_pairs(session: Session, team_id: int, grader_key: str) -> tuple[list[int], list[int], set[int]]:
    """Intended and given levels over the held-back gold (answer, criterion) pairs both rated, and the answers used."""
    rows = session.execute(select(CalibrationAnswer.id, CalibrationAnswer.intended, CalibrationAnswer.origin,
                                  TeamGrade.levels)
                           .join(TeamGrade, TeamGrade.answer_id == CalibrationAnswer.id)
                           .where(CalibrationAnswer.team_id == team_id, TeamGrade.team_id == team_id,
                                  CalibrationAnswer.source == "gold", TeamGrade.grader_key == grader_key)
                           .order_by(CalibrationAnswer.id)).all()
    intended, given, used = [], [], set()
    for answer_id, want, origin, got in rows:
        if not held_back(origin):
            continue
        for cid, level in sorted((want or {}).items()):
            if level is not None and got.get(cid) is not None:
                intended.append(int(level))
                given.append(int(got[cid]))
                used.add(answer_id)
    return intended, given, used


def compute(session: Session, team_id: int, grader_key: str, *, now: datetime | None = None) -> Certification:
    """Compute and store a certification record (no permission check)."""
    team = session.get(Team, team_id)
    intended, given, used = gold_pairs(session, team_id, grader_key)
    est = weighted_kappa(intended, given, n_boot=N_BOOT, seed=0, min_n=2)
    enough = len(used) >= team.min_gold
    passed = bool(est.ok and enough and est.value >= team.kappa_threshold)
    if not est.ok:
        reason = est.reason
    elif not enough:
        reason = f"only {len(used)} gold answers graded (minimum {team.min_gold})"
    else:
        sign = ">=" if passed else "<"
        reason = (f"kappa {est.value:.3f} {sign} {team.kappa_threshold:.2f} over {len(used)} gold answers "
                  "held back from practice")
    row = Certification(team_id=team_id, grader_key=grader_key, kappa=est.value,
                        ci_low=est.ci[0] if est.ci else None, ci_high=est.ci[1] if est.ci else None,
                        n_answers=len(used), n_pairs=len(intended), threshold=team.kappa_threshold,
                        min_answers=team.min_gold, certified=passed, reason=reason, created_at=utcnow(now))
    session.add(row)
    session.flush()
    return row


def latest(session: Session, team_id: int, grader_key: str) -> Certification | None:
    return session.scalar(select(Certification).where(Certification.team_id == team_id,
                                                      Certification.grader_key == grader_key)
                          .order_by(Certification.id.desc()).limit(1))


def certify(session: Session, team_id: int, actor: int, user_id: int | None = None, *,
            now: datetime | None = None) -> Certification:
    """Recompute a person's certification (themselves, or anyone for an admin)."""
    require_member(session, team_id, actor)
    user_id = actor if user_id is None else user_id
    if user_id != actor and not is_admin(session, team_id, actor):
        raise Forbidden("only a team admin can certify someone else")
    require_member(session, team_id, user_id)
    return compute(session, team_id, user_key(user_id), now=now)


def certify_machine(session: Session, team_id: int, actor: int, name: str = "keyword", *,
                    now: datetime | None = None) -> Certification:
    """Run a machine grader on every gold answer of the team, then certify it like any grader (admin)."""
    require_admin(session, team_id, actor)
    gold = _gold(session, team_id)
    run_machine(session, team_id, name, gold, now=now)
    return compute(session, team_id, machine_key(name), now=now)


def is_certified(session: Session, team_id: int, user_id: int) -> bool:
    row = latest(session, team_id, user_key(user_id))
    return bool(row and row.certified)


def label(session: Session, grader_key: str) -> str:
    """A grader's display name: the username, or "machine:<name>"."""
    if grader_key.startswith("user:"):
        user = session.get(User, int(grader_key.split(":", 1)[1]))
        return user.username if user else grader_key
    return grader_key


def certifications(session: Session, team_id: int, actor: int) -> list[dict[str, Any]]:
    """The latest certification of every grader of the team, as plain dicts."""
    require_member(session, team_id, actor)
    rows = session.scalars(select(Certification).where(Certification.team_id == team_id)
                           .order_by(Certification.id)).all()
    latest_rows = {r.grader_key: r for r in rows}
    return [{"grader": label(session, key), "grader_key": key, "certified": r.certified, "kappa": r.kappa,
             "ci95": [r.ci_low, r.ci_high] if r.ci_low is not None else None, "n_answers": r.n_answers,
             "n_pairs": r.n_pairs, "threshold": r.threshold, "min_answers": r.min_answers, "reason": r.reason,
             "at": r.created_at.isoformat()} for key, r in sorted(latest_rows.items())]


def standing(session: Session, team_id: int, user_id: int) -> dict[str, Any]:
    """Where a member stands on certification, and what they can do next, as plain values for a page.

    `required`: the team needs graders certified before they grade answers other than gold;
    `certified`: the latest record passed; `graded`: gold answers counted so far; `needed`: how many
    more the minimum asks for; `left`: held-back gold answers they have not graded; `todo`: one sentence
    saying what to do (None once certified).
    """
    team = session.get(Team, team_id)
    row = latest(session, team_id, user_key(user_id))
    certified = bool(row and row.certified)
    _, _, used = gold_pairs(session, team_id, user_key(user_id))
    graded = len(used)
    needed = max(0, team.min_gold - graded)
    left = len(certification_queue(session, team_id, user_id))
    todo = None
    if not certified:
        if needed and left >= needed:
            todo = (f"grade {needed} more gold answer{'s' if needed != 1 else ''} to be certified first "
                    f"({graded} of the team's minimum {team.min_gold} graded so far)")
        elif needed:
            todo = (f"grade {needed} more gold answer{'s' if needed != 1 else ''} to be certified first, but only "
                    f"{left} {'is' if left == 1 else 'are'} left for you: ask a team admin to add gold answers")
        elif left:
            todo = (f"your agreement with the gold answers is below the team's threshold "
                    f"({row.reason if row else 'not computed yet'}): grade the {left} gold answer"
                    f"{'s' if left != 1 else ''} left for you to be certified first")
        else:
            todo = (f"your agreement with the gold answers is below the team's threshold "
                    f"({row.reason if row else 'not computed yet'}) and no gold answers are left for you: "
                    "ask a team admin to add gold answers or to change the certification settings")
    return {"required": bool(team.require_certification), "certified": certified, "graded": graded,
            "needed": needed, "left": left, "minimum": team.min_gold, "todo": todo}


def certification_queue(session: Session, team_id: int, actor: int) -> list[CalibrationAnswer]:
    """Held-back gold answers the actor has not graded yet (their path to certification)."""
    require_member(session, team_id, actor)
    done = select(TeamGrade.answer_id).where(TeamGrade.team_id == team_id, TeamGrade.grader_key == user_key(actor))
    return _gold(session, team_id, CalibrationAnswer.id.not_in(done))
