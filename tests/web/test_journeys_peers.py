"""Peer comparison journey: gaps in both directions are not averaged away; the criteria that disagree are named."""
import re

from tests.peers.conftest import csrf_token, form_data, web_drill


def _keyword_levels(api, round_id):
    grade = next(g for g in api.get(f"/api/rounds/{round_id}")["grades"] if g["grader"]["kind"] == "keyword")
    return {e["criterion"]: e["level"] for e in grade["criteria"]}


def _text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _self_assess(client, round_id, levels):
    data = {"csrf_token": csrf_token(client), **form_data(levels)}
    assert client.post(f"/rounds/{round_id}/self", data=data).status_code == 302


def test_gaps_both_ways_give_the_mean_absolute_gap_and_name_the_criteria(client, api):
    loop_id, round_id = web_drill(api)
    machine = _keyword_levels(api, round_id)
    # one criterion rated a level above the grader, the other a level below: the signed mean is 0
    up, down = ("depth", "clarity") if machine["depth"] <= 4 and machine["clarity"] >= 2 else ("clarity", "depth")
    assert machine[up] <= 4 and machine[down] >= 2, machine
    _self_assess(client, round_id, {up: machine[up] + 1, down: machine[down] - 1})
    text = _text(client.get(f"/loops/{loop_id}/comparison").get_data(as_text=True))
    assert "within half a level" not in text
    assert "Your self-assessment is 1.0 level from the keyword grader on average, in both directions" in text
    names = {"depth": "Depth", "clarity": "Clarity"}
    assert f"{names[up]} (round 1) (you +1)" in text and f"{names[down]} (round 1) (you −1)" in text
    assert f"{names[up]} (you +1)" in text  # the round's own sentence too


def test_gaps_one_way_keep_the_signed_sentence_and_still_name_the_criteria(client, api):
    loop_id, round_id = web_drill(api)
    machine = _keyword_levels(api, round_id)
    _self_assess(client, round_id, {c: min(5, lv + 1) if lv < 5 else lv for c, lv in machine.items()})
    text = _text(client.get(f"/loops/{loop_id}/comparison").get_data(as_text=True))
    assert "in both directions" not in text
    assert re.search(r"You rated yourself \d\.\d levels above the keyword grader on average", text) or \
        "within half a level" in text
