"""The LLM grader end to end against the fake server: grades, tags, cache, fallback, evidence and review flags."""
from __future__ import annotations

import re

import pytest

from simulator.graders.base import GraderRegistry
from simulator.graders.llm import LLMGrader
from simulator.llm.cache import ReplyCache
from simulator.llm.prompt import PROMPT_VERSION
from simulator.scoring import round_score
from simulator.validation import validate
from tests.fake_openai_server import FakeKeyword, FakeOpenAI, make_config, sample_question, sample_rubric

ANSWER = ("First I would separate data, model and measurement causes. "
          "Then I would retrain on the old data with everything else held fixed.\n"
          "Finally I would check the drop on a held-out set of long documents.")


@pytest.fixture
def server():
    fake = FakeOpenAI().start()
    yield fake
    fake.stop()


@pytest.fixture
def keyword():
    return FakeKeyword(level=3)


def make_grader(server, tmp_path, keyword=None, **overrides):
    registry = GraderRegistry()
    if keyword is not None:
        registry.register(keyword)
    return LLMGrader(make_config(server, tmp_path, **overrides), registry=registry)


def grade(grader, answer=ANSWER, track=None):
    g = grader.grade(sample_question(), sample_rubric(), answer, track=track)
    assert validate("grade", g, "x") == []
    return g


def levels(g):
    return {c["criterion"]: c["level"] for c in g["criteria"]}


def test_a_valid_reply_becomes_a_grade_with_weights_applied_in_code(server, tmp_path, keyword):
    server.level = {"decomposition": 5, "experiments": 3, "evaluation": 1}
    g = grade(make_grader(server, tmp_path, keyword), track="research-engineer")
    assert g["grader"] == {"kind": "llm", "name": "llm", "version": f"1.0.0+{PROMPT_VERSION}"}
    assert levels(g) == {"decomposition": 5, "experiments": 3, "evaluation": 1}
    assert g["score"] == round_score(levels(g), sample_rubric(), "research-engineer") != round_score(levels(g), sample_rubric())
    assert g["flags"] == ["needs_review"] and g["feedback"]  # 5 and 1 against the keyword grader's 3
    d = g["details"]
    assert d["prompt_version"] == PROMPT_VERSION and d["model"] == "fake-judge" and d["cache"] == "miss"
    assert d["usage"]["total_tokens"] == d["usage"]["prompt_tokens"] + d["usage"]["completion_tokens"] > 0
    ev = g["criteria"][0]["evidence"][0]
    assert ANSWER[ev["start"]:ev["end"]] == ev["quote"] and ev["key_point"] == "split-causes"
    assert g["criteria"][0]["key_points_covered"] == ["split-causes"]
    assert g["criteria"][1]["key_points_missing"] == ["ablation"]
    assert "weight" not in server.requests[0]["messages"][1]["content"].lower()


def test_the_prompt_puts_the_rubric_first_and_the_answer_only_inside_marked_tags(server, tmp_path):
    grader = make_grader(server, tmp_path, cache=False)
    grade(grader)
    grade(grader)
    markers = []
    for body in server.requests:
        text = "\n".join(m["content"] for m in body["messages"])
        tags = re.findall(r"<answer-([0-9a-f]{16})>\n(.*?)\n</answer-\1>", text, re.S)
        assert len(tags) == 1 and tags[0][1] == ANSWER
        markers.append(tags[0][0])
        outside = text.replace(f"<answer-{tags[0][0]}>\n{ANSWER}\n</answer-{tags[0][0]}>", "")
        for sentence in re.split(r"(?<=\.)\s+|\n", ANSWER):
            assert sentence not in outside
        user = body["messages"][1]["content"]
        assert user.index("# Rubric") < user.index("# Question") < user.index("# Reference answer") < user.index(f"<answer-{tags[0][0]}>")
        assert "Score 1: " in user and "Score 5: " in user
        assert user.rstrip().endswith(body["messages"][0]["content"].split("\n\n", 1)[1].rstrip())  # rules again, last
        assert "data" in user[user.index(f"</answer-{tags[0][0]}>"):]
    assert markers[0] != markers[1]


def test_a_regrade_is_served_from_the_cache_without_a_request(server, tmp_path, keyword):
    first = grade(make_grader(server, tmp_path, keyword))
    assert len(server.requests) == 1
    again = grade(make_grader(server, tmp_path, keyword))  # a new grader: the cache is on disk
    spaced = grade(make_grader(server, tmp_path, keyword), answer="  " + ANSWER.replace(" ", "  ") + "\n")
    assert len(server.requests) == 1
    assert again["details"]["cache"] == spaced["details"]["cache"] == "hit"
    assert levels(again) == levels(first) and again["criteria"][0]["evidence"] == first["criteria"][0]["evidence"]
    assert spaced["criteria"][0]["evidence"][0]["quote"].split() == first["criteria"][0]["evidence"][0]["quote"].split()
    assert len(ReplyCache(tmp_path)) == 1
    grade(make_grader(server, tmp_path, keyword, model="another-judge"))
    grade(make_grader(server, tmp_path, keyword), answer=ANSWER + " Also check tokenisation.")
    assert len(server.requests) == 3


FAULTS = [
    (["malformed", "malformed"], "malformed", 2, {}),
    (["schema", "schema"], "schema", 2, {}),
    (["refusal", "refusal"], "refusal", 2, {}),
    (["length", "length"], "length", 2, {}),
    (["429", "429", "429"], "rate_limited", 3, {}),
    (["500", "500", "500"], "http_500", 3, {}),
    (["slow", "slow"], "timeout", 2, {"timeout": 0.25, "max_retries": 1}),
]


@pytest.mark.parametrize("script, kind, requests, overrides", FAULTS, ids=[f[1] for f in FAULTS])
def test_every_fault_falls_back_to_the_keyword_grade(server, tmp_path, keyword, script, kind, requests, overrides):
    server.slow_seconds = 1.0
    server.push(*script)
    grader = make_grader(server, tmp_path, keyword, **overrides)
    g = grade(grader)
    assert len(server.requests) == requests
    assert "fallback" in g["flags"] and g["grader"]["kind"] == "keyword"
    assert levels(g) == dict.fromkeys(levels(g), 3) and g["score"] is not None
    assert g["details"]["fallback_reason"].startswith(kind) and g["details"]["requested_grader"] == "llm"
    assert g["details"]["prompt_version"] == PROMPT_VERSION
    # a failure is not cached: the next grade asks again, and succeeds
    ok = grade(grader)
    assert "fallback" not in ok["flags"] and len(server.requests) == requests + 1


@pytest.mark.parametrize("bad", ["malformed", "schema", "refusal", "length"])
def test_one_bad_reply_is_recovered_by_the_reask(server, tmp_path, keyword, bad):
    server.push(bad)
    g = grade(make_grader(server, tmp_path, keyword))
    assert "fallback" not in g["flags"] and g["details"]["attempts"] == 2 and g["grader"]["kind"] == "llm"


def test_without_a_key_the_keyword_grader_grades_and_no_request_is_made(server, tmp_path, keyword):
    g = grade(make_grader(server, tmp_path, keyword, api_key=None))
    assert "fallback" in g["flags"] and g["details"]["fallback_reason"].startswith("not_configured")
    assert server.requests == []


def test_without_any_keyword_grader_the_fallback_is_pending_not_lost(server, tmp_path):
    server.push("500", "500", "500")
    g = grade(make_grader(server, tmp_path, keyword=None))
    assert {"fallback", "pending"} <= set(g["flags"]) and g["score"] is None
    assert g["details"]["fallback_reason"].startswith("http_500")


def test_a_broken_keyword_grader_does_not_lose_the_llm_grade(server, tmp_path):
    g = grade(make_grader(server, tmp_path, FakeKeyword(fail=True)))
    assert g["grader"]["kind"] == "llm" and g["details"]["keyword_compare"].startswith("error")


def test_quotes_not_in_the_answer_are_dropped_and_cap_the_level(server, tmp_path, keyword):
    server.default = "fabricate"
    g = grade(make_grader(server, tmp_path, keyword))
    assert levels(g) == dict.fromkeys(levels(g), 2)
    for c in g["criteria"]:
        assert c["evidence"] == [] and "not found verbatim" in c["note"] and "capped at 2" in c["note"]
    assert [c["from"] for c in g["details"]["capped"]] == [5, 5, 5]


def test_a_high_level_without_any_quote_is_capped(server, tmp_path, keyword):
    def no_quotes(body):
        import json

        reply = server.reply(body)
        for c in reply["criteria"]:
            c["evidence"], c["level"] = [], 4
        return json.dumps(reply)

    server.default = no_quotes
    g = grade(make_grader(server, tmp_path, keyword))
    assert levels(g) == dict.fromkeys(levels(g), 2) and "no evidence" in g["criteria"][0]["note"]


def test_two_levels_apart_from_keyword_is_flagged_for_review_and_both_are_kept(server, tmp_path):
    server.level = 5
    g = grade(make_grader(server, tmp_path, FakeKeyword(level={"decomposition": 3, "experiments": 4, "evaluation": 5})))
    assert "needs_review" in g["flags"]
    assert levels(g) == dict.fromkeys(levels(g), 5)  # never averaged
    assert g["details"]["disagreements"] == [{"criterion": "decomposition", "llm": 5, "keyword": 3}]
    assert validate("grade", g["details"]["keyword_grade"], "kw") == []
    assert g["details"]["keyword_grade"]["criteria"][0]["level"] == 3


def test_one_level_apart_is_not_flagged(server, tmp_path):
    server.level = 4
    g = grade(make_grader(server, tmp_path, FakeKeyword(level=3)))
    assert "needs_review" not in g["flags"] and "keyword_grade" not in g["details"]
    assert g["details"]["keyword_levels"] == dict.fromkeys(levels(g), 3)


def test_the_models_own_injection_report_is_flagged(server, tmp_path, keyword):
    server.default = "report"
    g = grade(make_grader(server, tmp_path, keyword))
    assert {"injection_suspected", "needs_review"} <= set(g["flags"])
    assert g["details"]["injection"] == {"prescan": [], "model_reported": True}


def test_an_empty_answer_is_no_answer_without_a_request(server, tmp_path, keyword):
    g = grade(make_grader(server, tmp_path, keyword), answer="   \n")
    assert g["flags"] == ["no_answer"] and g["score"] is None and server.requests == []


def test_the_llm_grader_is_registered_lazily_by_name():
    from simulator.graders.base import registry

    grader = registry.get("llm")
    assert (grader.name, grader.kind) == ("llm", "llm") and isinstance(grader, LLMGrader)


def test_the_real_keyword_grader_is_found_by_name_when_it_exists(server, tmp_path):
    pytest.importorskip("simulator.graders.keyword")
    from simulator.graders.base import registry

    server.push("500", "500", "500")
    grader = LLMGrader(make_config(server, tmp_path))
    assert grader.keyword_grader() is registry.get("keyword")
    g = grade(grader)
    assert "fallback" in g["flags"] and g["grader"]["kind"] == "keyword"
