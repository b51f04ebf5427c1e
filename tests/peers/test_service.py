"""The library over a real database: links (hashed, expiring, revocable, scoped), blind peer grades,
self-assessment until the reveal, the comparison, practice, and concurrent peers."""
import hashlib
import threading

import pytest
from sqlalchemy import select, text

from simulator.engine import NotFound
from simulator.peers.models import PeerGrade, ShareLink
from simulator.peers.service import PeerConflict
from simulator.storage.db import unit_of_work
from tests.peers.conftest import finished_drill

LEVELS = {"levels": {"depth": 4, "clarity": 2}, "feedback": "ok"}


def test_the_token_is_shown_once_and_stored_only_as_its_sha256(peers, service, user, sessions):
    loop_id, _ = finished_drill(service, user)
    link = peers.create_link(user, loop_id)
    assert link["token"].startswith("mlp_") and link["status"] == "active" and link["scope"] == "loop"
    with unit_of_work(sessions) as s:
        stored = s.scalars(select(ShareLink)).one()
        dump = "\n".join(str(row) for row in s.execute(text("SELECT * FROM peer_links")))
    assert stored.token_hash == hashlib.sha256(link["token"].encode()).hexdigest()
    assert link["token"] not in dump and link["token"][4:] not in dump
    assert "token" not in peers.list_links(user, loop_id)[0]


def test_expiry_defaults_to_seven_days_and_is_bounded(peers, service, user, clock):
    loop_id, _ = finished_drill(service, user)
    link = peers.create_link(user, loop_id)
    assert link["expires_at"].startswith("2026-01-08")  # FakeClock starts 2026-01-01 09:00
    for days in (0, 31, "7", True):
        with pytest.raises(ValueError):
            peers.create_link(user, loop_id, days=days)
    assert peers.create_link(user, loop_id, days=30)["expires_at"].startswith("2026-01-31")


def test_expired_revoked_malformed_and_unknown_tokens_are_the_same_not_found(peers, service, user, clock):
    loop_id, _ = finished_drill(service, user)
    short, revoked, good = (peers.create_link(user, loop_id, days=d) for d in (1, 7, 7))
    peers.revoke(user, revoked["id"])
    clock.advance(86400)
    messages = set()
    for token in (short["token"], revoked["token"], "mlp_" + "A" * 43, "not-a-token", ""):
        with pytest.raises(NotFound) as err:
            peers.scope(token)
        messages.add(str(err.value))
    assert messages == {"no such link"}
    assert peers.scope(good["token"])["rounds"][0]["position"] == 1
    assert [x["status"] for x in peers.list_links(user, loop_id)] == ["active", "revoked", "expired"]


def test_revoking_works_at_once_and_only_for_the_owner(peers, service, user):
    loop_id, _ = finished_drill(service, user)
    link = peers.create_link(user, loop_id)
    bob = service.ensure_user("bob")
    with pytest.raises(NotFound):
        peers.revoke(bob, link["id"])
    with pytest.raises(NotFound):
        peers.list_links(bob, loop_id)
    with pytest.raises(NotFound):
        peers.create_link(bob, loop_id)
    peers.scope(link["token"])
    peers.revoke(user, link["id"])
    with pytest.raises(NotFound):
        peers.submit_peer(link["token"], 1, LEVELS)


def test_a_whole_loop_is_shared_once_finished_and_a_round_link_grants_that_round_only(peers, service, user):
    loop = service.create_loop(user, "research-engineer", seed=3)
    assert len(loop["rounds"]) > 2
    with pytest.raises(ValueError, match="once every round is in"):
        peers.create_link(user, loop["id"])
    rnd = service.start_next_round(user, loop["id"])
    link = peers.create_link(user, loop["id"], position=2)  # a live interviewer's link before round 2 starts
    scope = peers.scope(link["token"])
    assert [r["position"] for r in scope["rounds"]] == [2] and scope["scope"] == "round"
    for position in (1, 3, 0, 99):
        with pytest.raises(NotFound):
            peers.peer_round(link["token"], position)
    with pytest.raises(PeerConflict, match="not started"):
        peers.submit_peer(link["token"], 2, LEVELS)
    with pytest.raises(ValueError):
        peers.create_link(user, loop["id"], position=len(loop["rounds"]) + 1)
    assert rnd["position"] == 0


def test_a_peer_sees_no_grade_until_they_submit_and_then_sees_every_one(peers, service, user):
    loop_id, round_id = finished_drill(service, user)
    token = peers.create_link(user, loop_id)["token"]
    scope = peers.scope(token)
    assert not {"grades", "grade", "score"} & set(scope["rounds"][0]) and "keyword" not in str(scope)
    assert scope["rounds"][0]["answer"].startswith("I used gradient accumulation")
    first = peers.submit_peer(token, 1, LEVELS, display_name="Ada")
    second = peers.submit_peer(token, 1, {"levels": {"depth": 2}}, display_name="Ada")
    labels = [g["label"] for g in second["round"]["graders"]]
    assert labels == ["Ada", "Ada (2)", "Keyword grader"]
    assert first["grade"]["grader"] == {"kind": "peer", "name": "Ada", "version": "1"}
    with pytest.raises(NotFound):
        peers.peer_results(token, 1, first["grade_id"] + 100)
    assert peers.peer_results(token, 1, first["grade_id"])["grade"] == first["grade"]
    assert service.get_loop(user, loop_id)["rounds"][0]["grades"][-1]["grader"]["kind"] == "keyword"  # scorecard untouched


def test_the_owner_cannot_grade_their_own_loop_as_a_peer(peers, service, user):
    loop_id, _ = finished_drill(service, user)
    token = peers.create_link(user, loop_id)["token"]
    with pytest.raises(PeerConflict, match="your own loop"):
        peers.submit_peer(token, 1, LEVELS, user_id=user)


def test_self_assessment_is_open_from_submission_until_the_reveal(peers, service, user):
    loop = service.create_loop(user, "research-engineer", round_type="behavioral", seed=7)
    rnd = service.start_next_round(user, loop["id"])
    assert not peers.self_state(user, rnd["id"])["open"]
    service.submit(user, rnd["id"], "an answer")
    assert peers.mark_revealed(user, loop["id"], "scorecard") is None  # no machine grade yet: nothing revealed
    assert peers.self_state(user, rnd["id"])["open"]
    service.grade(user, loop["id"], "keyword")
    peers.submit_self(user, rnd["id"], {"levels": {"depth": 5, "clarity": 5}})
    with pytest.raises(PeerConflict, match="graded yourself"):
        peers.submit_self(user, rnd["id"], {"levels": {"depth": 1}})
    other_loop, other_round = finished_drill(service, user, round_type="math_fundamentals")
    assert peers.mark_revealed(user, other_loop, "scorecard").startswith("2026-01-01")
    state = peers.self_state(user, other_round)
    assert not state["open"] and "saw the automatic grades (scorecard" in state["reason"]
    with pytest.raises(PeerConflict):
        peers.submit_self(user, other_round, {"levels": {"depth": 3}})
    with pytest.raises(NotFound):
        peers.self_state(service.ensure_user("bob"), rnd["id"])


def test_the_comparison_reveals_and_states_the_self_gap(peers, service, user):
    loop_id, round_id = finished_drill(service, user)
    peers.submit_self(user, round_id, {"levels": {"depth": 5, "clarity": 5}})
    token = peers.create_link(user, loop_id)["token"]
    for depth in (2, 3):
        peers.submit_peer(token, 1, {"levels": {"depth": depth, "clarity": 3}}, display_name=f"P{depth}")
    cmp = peers.comparison(user, loop_id)
    assert cmp["revealed_at"].startswith("2026-01-01")
    row = cmp["rounds"][0]["rows"][0]
    assert row["peer_median"] == 3 and row["disagreement"]
    assert [g["kind"] for g in cmp["rounds"][0]["graders"]] == ["self", "peer", "peer", "keyword"]
    assert cmp["rounds"][0]["self_gap"]["text"].startswith("You rated yourself 2.0 levels above your peers' median")
    assert cmp["summary"].startswith("Across the loop you rated yourself 2.0 levels higher")
    with pytest.raises(NotFound):
        peers.comparison(service.ensure_user("bob"), loop_id)


def test_practice_uses_the_links_rubrics_and_says_where_the_peer_differs(peers, service, user):
    loop_id, _ = finished_drill(service, user)
    token = peers.create_link(user, loop_id)["token"]
    examples = peers.practice_examples(token)
    assert len(examples) == 2 and {e["rubric_id"] for e in examples} == {"behavioral-r"}
    result = peers.practice_check(token, 1, {"levels": {"depth": 2, "clarity": 4}})
    assert [r["agrees"] for r in result["rows"]] == [False, True]
    with pytest.raises(NotFound):
        peers.practice_check(token, 9, {"levels": {"depth": 2}})


def test_concurrent_peers_all_land(peers, service, user, sessions):
    """Six peers submit at the same moment through one engine: every grade is stored, none lost or locked out."""
    loop_id, round_id = finished_drill(service, user)
    token = peers.create_link(user, loop_id)["token"]
    barrier, errors = threading.Barrier(6), []

    def grade(n):
        try:
            barrier.wait()
            peers.submit_peer(token, 1, {"levels": {"depth": 1 + n % 5}}, display_name=f"peer {n}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=grade, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with unit_of_work(sessions) as s:
        names = sorted(s.scalars(select(PeerGrade.display_name).where(PeerGrade.round_id == round_id)))
    assert names == [f"peer {n}" for n in range(6)]


def test_a_round_past_its_deadline_reaches_the_peer_as_submitted(peers, service, user, clock):
    """Nobody has ticked the candidate's loop: the peer's read applies the clock, as the engine would."""
    loop = service.create_loop(user, "research-engineer", round_type="behavioral", seed=7)
    rnd = service.start_next_round(user, loop["id"])
    service.save_draft(user, rnd["id"], "the last saved draft")
    token = peers.create_link(user, loop["id"], position=1)["token"]
    assert peers.peer_round(token, 1)["answer"] is None and peers.peer_round(token, 1)["time_left_s"] == 600
    clock.advance(601)
    seen = peers.peer_round(token, 1)
    assert seen["submitted"] and seen["answer"] == "the last saved draft" and seen["time_left_s"] == 0
