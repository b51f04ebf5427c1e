"""Follow-up probes: scripted from the question's probes without an LLM, written by the LLM with one."""
from __future__ import annotations

import re

import pytest

from simulator.graders.base import GraderRegistry
from simulator.llm.config import LLMConfig
from simulator.interviewer import (Exchange, choose_probe, graded_text, leaks, missing_key_points, next_probe,
                                       overlap_covered)
from tests.fake_openai_server import FakeKeyword, FakeOpenAI, make_config, sample_question, sample_rubric

PARTIAL = "I would first separate data, model and measurement causes, then look at each in turn."
OFFLINE = LLMConfig(api_key=None)


@pytest.fixture
def server():
    fake = FakeOpenAI().start()
    yield fake
    fake.stop()


@pytest.fixture
def no_keyword():
    return GraderRegistry()


def key_point_texts():
    return [kp["text"].lower() for kp in sample_question()["key_points"]]


def test_exchanges_are_plain_records_and_their_answers_are_graded():
    exchanges = [Exchange("How would you tell them apart?", "Retrain on the old data."), Exchange("Anything else?")]
    records = [e.to_record() for e in exchanges]
    assert records[0] == {"probe": "How would you tell them apart?", "answer": "Retrain on the old data."}
    assert [Exchange.from_record(r) for r in records] == exchanges
    assert Exchange.from_record({"text": "engine-style", "answer": "a"}) == Exchange("engine-style", "a")
    text = graded_text("Main answer.", records)
    assert text == "Main answer.\n\nRetrain on the old data."  # probe texts are not graded


def test_token_overlap_coverage_without_a_keyword_grader(no_keyword):
    q = sample_question()
    assert missing_key_points(q, PARTIAL, registry=no_keyword) == ["ablation", "held-out"]
    assert overlap_covered(q["key_points"][0], "data versus model versus measurement, as a first cut")
    assert missing_key_points(q, "", registry=no_keyword) == ["split-causes", "ablation", "held-out"]


def test_coverage_comes_from_the_keyword_grader_by_name_when_registered():
    class Everything(FakeKeyword):
        def grade(self, question, rubric, answer, *, track=None):
            g = super().grade(question, rubric, answer, track=track)
            for c in g["criteria"]:
                c["key_points_covered"] = [kp["id"] for kp in question["key_points"] if kp["criterion"] == c["criterion"]]
            return g

    registry = GraderRegistry()
    keyword = registry.register(Everything())
    assert missing_key_points(sample_question(), "anything", rubric=sample_rubric(), registry=registry) == []
    assert keyword.calls == 1


def test_scripted_probes_aim_at_missing_points_and_are_not_repeated(no_keyword):
    q = sample_question()
    first = choose_probe(q, PARTIAL, [], config=OFFLINE, registry=no_keyword)
    assert first.source == "script" and first.targets == ["ablation"] and first.text == q["probes"][1]["text"]
    second = next_probe(q, PARTIAL, [first.text], config=OFFLINE, registry=no_keyword)
    assert second == q["probes"][2]["text"]
    engine_style = [{"text": first.text, "answer": ""}, {"probe": second, "answer": ""}]
    assert next_probe(q, PARTIAL, engine_style, config=OFFLINE, registry=no_keyword) == q["probes"][3]["text"]
    everything = [p["text"] for p in q["probes"]]
    assert next_probe(q, PARTIAL, everything, config=OFFLINE, registry=no_keyword) is None


def test_without_an_llm_no_request_is_made(server, tmp_path, no_keyword):
    probe = choose_probe(sample_question(), PARTIAL, [], config=make_config(server, tmp_path, api_key=None), registry=no_keyword)
    assert probe.source == "script" and server.requests == []


def test_the_llm_writes_a_probe_aimed_at_a_missing_point_without_revealing_it(server, tmp_path, no_keyword):
    probe = choose_probe(sample_question(), PARTIAL, ["How would you tell a data problem from a model problem?"],
                         config=make_config(server, tmp_path), registry=no_keyword)
    assert probe.source == "llm" and probe.targets == ["ablation"]
    assert not any(t in probe.text.lower() for t in key_point_texts()) and leaks(probe.text, sample_question()) == []
    body = server.requests[0]
    fmt = body["response_format"]["json_schema"]
    assert fmt["strict"] is True and fmt["name"] == "mockloop_probe"
    assert fmt["schema"]["properties"]["target"]["enum"] == ["ablation", "held-out"]
    text = "\n".join(m["content"] for m in body["messages"])
    tags = re.findall(r"<answer-([0-9a-f]{16})>\n(.*?)\n</answer-\1>", text, re.S)
    assert [t[1] for t in tags] == [PARTIAL] and text.count(PARTIAL) == 1
    assert "How would you tell a data problem from a model problem?" in text  # asked probes are listed


def test_a_probe_that_reveals_a_key_point_is_replaced_by_a_scripted_one(server, tmp_path, no_keyword):
    server.default = "leak"
    probe = choose_probe(sample_question(), PARTIAL, [], config=make_config(server, tmp_path), registry=no_keyword)
    assert len(server.requests) == 1 and probe.source == "script" and "revealed key point" in probe.note
    assert not any(t in probe.text.lower() for t in key_point_texts())


def test_an_llm_failure_falls_back_to_the_script(server, tmp_path, no_keyword):
    server.push("500", "500")
    probe = choose_probe(sample_question(), PARTIAL, [], config=make_config(server, tmp_path, max_retries=1),
                         registry=no_keyword)
    assert probe.source == "script" and probe.note.startswith("llm failed: http_500")


def test_nothing_missing_means_no_llm_request(server, tmp_path, no_keyword):
    q = sample_question()
    probe = next_probe(q, q["reference_answer"], [], config=make_config(server, tmp_path), registry=no_keyword)
    assert probe == q["probes"][3]["text"] and server.requests == []
