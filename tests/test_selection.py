"""Question selection: seeded, filtered, no repeats for a candidate until the round's bank is exhausted."""
from simulator.selection import choose, eligible, plan_loop


def ids(qs):
    return [q["id"] for q in qs]


def test_same_seed_same_questions(bank):
    a = plan_loop(bank, "research-engineer", seed=42)
    b = plan_loop(bank, "research-engineer", seed=42)
    assert [q["id"] for _, q in a] == [q["id"] for _, q in b]
    seeds = {tuple(q["id"] for _, q in plan_loop(bank, "research-engineer", seed=s)) for s in range(20)}
    assert len(seeds) > 1


def test_filters(bank):
    assert all(q["difficulty"] == "hard" for q in eligible(bank, "behavioral", difficulty=["hard"]))
    assert ids(eligible(bank, "behavioral", topics=["topic-1"])) == ["behavioral-q1", "behavioral-q3"]
    bank.questions["behavioral-q0"]["tracks"] = ["research-scientist"]
    assert "behavioral-q0" not in ids(eligible(bank, "behavioral", track="research-engineer"))
    assert eligible(bank, "behavioral", tags=["applied"]) == []


def test_no_repeat_until_exhausted(bank):
    pool = eligible(bank, "behavioral")
    seen = set()
    drawn = []
    for i in range(len(pool)):
        q = choose(pool, 1, seed=i, seen=seen)[0]
        drawn.append(q["id"])
        seen.add(q["id"])
    assert sorted(drawn) == ids(pool)  # every question once before any repeats
    again = choose(pool, 1, seed=99, seen=seen)
    assert again and again[0]["id"] in ids(pool)  # exhausted: the cycle starts over


def test_loop_never_repeats_within_a_loop(bank):
    plan = plan_loop(bank, "research-scientist", seed=5)
    qids = [q["id"] for _, q in plan]
    assert len(qids) == len(set(qids))
    assert [s["round"] for s, _ in plan].count("paper_discussion") == 2


def test_track_difficulty_filter_applies(bank):
    plan = plan_loop(bank, "research-engineer", seed=1)
    math = [q for s, q in plan if s["round"] == "math_fundamentals"]
    assert math and all(q["difficulty"] in ("easy", "medium") for q in math)


def test_candidate_history_avoids_repeats(service, user):
    seen_before = set()
    for n in range(2):
        loop = service.create_loop(user, "research-engineer", round_type="behavioral", seed=n)
        qid = loop["rounds"][0]["question_id"]
        assert qid not in seen_before
        seen_before.add(qid)


def test_after_exhaustion_the_next_cycle_does_not_repeat_either(bank):
    pool = eligible(bank, "behavioral")
    history = ids(pool)  # the first cycle is done: every question seen once
    for i in range(len(pool)):
        q = choose(pool, 1, seed=100 + i, seen=history)[0]
        assert history.count(q["id"]) == 1, f"{q['id']} repeated before the second cycle was complete"
        history.append(q["id"])


def test_candidate_history_cycles_through_the_bank(service, user):
    drawn = [service.create_loop(user, "research-engineer", round_type="behavioral", seed=n)["rounds"][0]["question_id"]
             for n in range(12)]
    assert [len(set(drawn[i:i + 4])) for i in (0, 4, 8)] == [4, 4, 4]  # each cycle covers the whole bank
