"""A realistic demo team for the dashboard: people, questions, calibration sets and simulated grades.

`seed_demo_team(session)` creates (and flushes; the caller commits):
  - two admins and `n_interviewers` interviewers with Faker names (a fixed list when Faker is absent);
  - a team rubric in two versions and a reviewed team question (copied from the bundled behavioral bank);
  - "Gold answers": the graded examples of a few bundled questions per round;
  - "Calibration round": synthetic answers (key points removed from strong gold answers) and answers
    shared with consent by simulated candidates;
  - simulated grades: each interviewer has a severity (+ lenient, - harsh) and a noise level; one is
    deliberately noisy and fails certification. Interviewers grade gold answers first, the certified
    ones are allocated the calibration round (3 graders per answer) and grade it;
  - the keyword grader certified on the gold answers and run on the calibration round.
Grades are spread over the last 60 days so that drift has something to show.
"""
from __future__ import annotations

import copy
import re
import unicodedata
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from simulator.storage.models import User
from simulator.teams import allocation, answers, authoring, certification, grading, library, synthetic, workspace
from simulator.teams.errors import Forbidden

FALLBACK_NAMES = ["Ada Okafor", "Bruno Lindqvist", "Chen Wei", "Dalia Haddad", "Emeka Nwosu", "Farah Siddiqui",
                  "Greta Novak", "Hiro Tanaka", "Ines Carvalho", "Jonas Berg", "Kavya Rao", "Luca Romano",
                  "Maya Cohen", "Nils Hagen", "Olu Adeyemi", "Priya Nair", "Quinn Murphy", "Rosa Jimenez"]


def _namer(seed: int):
    try:
        from faker import Faker
    except ImportError:
        names = iter(FALLBACK_NAMES * 10)
        return lambda: next(names)
    fake = Faker()
    fake.seed_instance(seed)
    return fake.name


def _user(session: Session, full_name: str, now: datetime) -> User:
    ascii_name = unicodedata.normalize("NFKD", full_name).encode("ascii", "ignore").decode()
    parts = [p for p in re.sub(r"[^a-z ]", "", ascii_name.lower()).split() if p not in ("mr", "mrs", "ms", "dr")]
    base = ".".join(parts[-2:]) if len(parts) >= 2 else (parts[0] if parts else "user")
    name, n = base[:36], 1
    while session.scalar(select(User.id).where(User.username == name)) is not None:
        n += 1
        name = f"{base[:33]}{n}"
    user = User(username=name, password_hash=None, created_at=now)
    session.add(user)
    session.flush()
    return user


def _simulate(intended: dict[str, int], severity: float, noise: float, rng: np.random.Generator) -> dict[str, int]:
    return {cid: None if lv is None else int(np.clip(np.rint(lv + severity + noise * rng.normal()), 1, 5))
            for cid, lv in intended.items()}


def _team_content(bank: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    rubric = copy.deepcopy(bank.rubrics["behavioral"]) if "behavioral" in bank.rubrics else None
    source = next(q for _, q in sorted(bank.questions.items()) if q["round"] == "behavioral"
                  and q.get("examples") and (rubric is None or q["rubric"] == rubric["id"]))
    rubric = rubric or copy.deepcopy(bank.rubric_for(source))
    rubric["id"], rubric["version"] = "demo-behavioral", "1.0.0"
    rubric["title"] = "Behavioral (demo lab edition)"
    question = copy.deepcopy(source)
    question["id"], question["rubric"] = f"demo-{source['id']}", rubric["id"]
    return rubric, question


def seed_demo_team(session: Session, *, seed: int = 0, n_interviewers: int = 6, name: str = "Demo AI lab",
                   questions_per_round: int = 3, gold_per_grader: int = 14,
                   now: datetime | None = None) -> dict[str, Any]:
    """Create the demo team; returns ids and usernames (the first admin is `admin_user_id`)."""
    rng = np.random.default_rng(seed)
    now = now or datetime.now(timezone.utc)
    start = now - timedelta(days=60)
    name_of = _namer(seed)
    admin, reviewer = _user(session, name_of(), start), _user(session, name_of(), start)
    team = workspace.create_team(session, name, admin.id, now=start)
    workspace.add_member(session, team.id, admin.id, reviewer.id, "admin", now=start)
    people = [_user(session, name_of(), start) for _ in range(n_interviewers)]
    for p in people:
        workspace.add_member(session, team.id, admin.id, p.id, "interviewer", now=start)

    bank = library.base_bank()
    rubric, question = _team_content(bank)
    authoring.save_rubric(session, team.id, admin.id, rubric, now=start)
    edited = copy.deepcopy(rubric)
    edited["version"] = "1.1.0"
    edited["criteria"][0]["description"] += " Ask for the stakes in numbers."
    authoring.save_rubric(session, team.id, admin.id, edited, now=start + timedelta(days=1))
    authoring.save_question(session, team.id, admin.id, question, now=start + timedelta(days=1))
    authoring.set_rubric_status(session, team.id, reviewer.id, rubric["id"], "reviewed")
    authoring.set_question_status(session, team.id, reviewer.id, question["id"], "reviewed")

    picked: list[str] = []
    for round_type in sorted({q["round"] for q in bank.questions.values()}):
        ids = sorted(qid for qid, q in bank.questions.items() if q["round"] == round_type and q.get("examples"))
        picked += ids[:questions_per_round]
    gold_set = answers.create_set(session, team.id, admin.id, "Gold answers", now=start)
    gold = answers.add_gold_answers(session, team.id, admin.id, gold_set.id, question_ids=picked + [question["id"]],
                                    now=start)

    # interviewers: severity and noise; the last one is too noisy to certify
    severity = rng.normal(0.0, 0.35, n_interviewers)
    noise = rng.uniform(0.25, 0.6, n_interviewers)
    noise[-1] = 3.0
    clock = iter(sorted(start + timedelta(days=float(d)) for d in rng.uniform(2, 20, n_interviewers * gold_per_grader)))
    for i, person in enumerate(people):
        for k in rng.choice(len(gold), size=min(gold_per_grader, len(gold)), replace=False):
            a = gold[int(k)]
            levels = _simulate(a.intended, severity[i], noise[i], rng)
            grading.submit_grade(session, team.id, person.id, a.id, levels, now=next(clock))
    keyword_cert = certification.certify_machine(session, team.id, admin.id, "keyword", now=start + timedelta(days=20))

    # calibration round: synthetic answers and consented answers from simulated candidates
    calib = answers.create_set(session, team.id, admin.id, "Calibration round", now=start + timedelta(days=21))
    strong = [a for a in gold if a.origin.get("quality") == "strong"]
    made = []
    for a in strong:
        variants, _ = answers.add_synthetic_answers(session, team.id, admin.id, calib.id, a.id,
                                                    now=start + timedelta(days=21))
        made += variants
    candidates = [_user(session, name_of(), start) for _ in range(6)]
    team_bank = library.build_bank(session, team.id)
    truth = {a.id: a.intended for a in made}
    for c in candidates:
        for k in rng.choice(len(strong), size=min(3, len(strong)), replace=False):
            a = strong[int(k)]
            q = team_bank.questions[a.question_id]
            rub = library.find_rubric(session, team.id, a.rubric_hash)
            plans = synthetic.removal_plans(q, rub, a.text) or [[]]
            try:
                d = synthetic.remove_key_points(q, rub, a.text, a.intended, plans[int(rng.integers(len(plans)))])
            except ValueError:
                continue
            shared = answers.add_shared_answer(session, team.id, admin.id, calib.id, question_id=a.question_id,
                                               text=d.text, author_user_id=c.id, consent=True,
                                               now=start + timedelta(days=22))
            truth[shared.id] = d.levels

    certified = [p for p in people if certification.is_certified(session, team.id, p.id)]
    alloc = allocation.allocate(session, team.id, admin.id, calib.id, n=min(3, max(len(certified), 1)),
                                graders=[p.id for p in certified], seed=seed, now=start + timedelta(days=23))
    index = {p.id: i for i, p in enumerate(people)}
    for answer_id, grader_id in alloc.created:
        when = start + timedelta(days=float(rng.uniform(24, 59)))
        levels = _simulate(truth[answer_id], severity[index[grader_id]], noise[index[grader_id]], rng)
        try:
            grading.submit_grade(session, team.id, grader_id, answer_id, levels, now=when)
        except Forbidden:
            continue
    grading.run_machine_grader(session, team.id, admin.id, "keyword", set_id=calib.id, now=start + timedelta(days=59))
    session.flush()
    return {"team_id": team.id, "slug": team.slug, "admin_user_id": admin.id, "admin": admin.username,
            "reviewer": reviewer.username, "interviewers": [p.username for p in people],
            "candidates": [c.username for c in candidates], "sets": {"gold": gold_set.id, "calibration": calib.id},
            "gold_answers": len(gold), "calibration_answers": len(truth), "certified": [p.username for p in certified],
            "keyword_kappa": keyword_cert.kappa, "allocation_connected": alloc.connected}
