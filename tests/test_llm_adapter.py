"""The adapter against a real socket: strict json_schema requests, the client's retries, one re-ask, faults."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fake_openai_server import FakeOpenAI, make_config, sample_question, sample_rubric
from simulator.llm.adapter import LLMFault, get_adapter
from simulator.llm.config import LLMConfig, configured, from_env
from simulator.llm.response_schema import GRADE_SCHEMA_NAME, grade_schema

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def server():
    fake = FakeOpenAI().start()
    yield fake
    fake.stop()


def ask(config, answer="We separate data, model and measurement causes first."):
    schema = grade_schema(sample_question(), sample_rubric())
    messages = [{"role": "user", "content": f"grade this\n<answer-{'0' * 16}>\n{answer}\n</answer-{'0' * 16}>"}]
    return get_adapter(config).structured(messages, GRADE_SCHEMA_NAME, schema)


def test_config_from_env_reads_every_setting():
    env = {"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": "http://localhost:11434/v1/", "MOCKLOOP_LLM_MODEL": "llama3.1",
           "MOCKLOOP_LLM_TIMEOUT": "12.5", "MOCKLOOP_LLM_MAX_RETRIES": "0", "MOCKLOOP_LLM_CONCURRENCY": "2",
           "MOCKLOOP_LLM_TEMPERATURE": "none", "MOCKLOOP_LLM_SEED": "7", "MOCKLOOP_LLM_CACHE": "0",
           "MOCKLOOP_LLM_TOKEN_PARAM": "max_completion_tokens", "MOCKLOOP_DATA_DIR": "/tmp/x"}
    c = from_env(env)
    assert (c.model, c.timeout, c.max_retries, c.concurrency, c.seed, c.cache) == ("llama3.1", 12.5, 0, 2, 7, False)
    assert c.endpoint == "http://localhost:11434/v1" and c.configured
    assert c.params() == {"max_completion_tokens": 2000, "seed": 7}
    assert from_env({}).model == "gpt-4o-mini" and from_env({}).endpoint == "https://api.openai.com/v1"
    assert configured({"OPENAI_API_KEY": "x"}) and not configured({}) and not from_env({}).configured
    with pytest.raises(ValueError, match="MOCKLOOP_LLM_CONCURRENCY"):
        from_env({"MOCKLOOP_LLM_CONCURRENCY": "0"})
    with pytest.raises(ValueError, match="MOCKLOOP_LLM_TIMEOUT"):
        from_env({"MOCKLOOP_LLM_TIMEOUT": "soon"})


def test_importing_the_llm_code_does_not_import_openai_or_build_a_client():
    code = ("import sys; import simulator.llm, simulator.llm.adapter, simulator.interviewer, simulator.llm.batch, "
            "simulator.llm.cache, simulator.graders.llm; from simulator.graders.llm import LLMGrader; LLMGrader(); "
            "print(sorted(m for m in ('openai', 'jsonschema', 'httpx2') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_only_the_adapter_imports_openai():
    pattern = re.compile(r"^\s*(import openai|from openai\b)", re.M)
    importers = [str(p.relative_to(ROOT)) for folder in ("simulator", "rubrics", "question_bank", "web")
                 for p in (ROOT / folder).rglob("*.py") if pattern.search(p.read_text(encoding="utf-8"))]
    assert importers == ["simulator/llm/adapter.py"]


def test_request_asks_for_strict_json_schema(server, tmp_path):
    reply = ask(make_config(server, tmp_path, seed=3))
    body = server.requests[0]
    assert server.paths == ["/v1/chat/completions"]
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["name"] == GRADE_SCHEMA_NAME
    assert fmt["json_schema"]["schema"] == grade_schema(sample_question(), sample_rubric())
    assert (body["model"], body["temperature"], body["seed"], body["max_tokens"]) == ("fake-judge", 0.0, 3, 2000)
    assert reply.attempts == 1 and reply.model == "fake-judge" and reply.usage["total_tokens"] > 0


def test_strict_schema_has_every_property_required_and_no_extras():
    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "object":
                assert node["additionalProperties"] is False
                assert set(node["required"]) == set(node["properties"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    schema = grade_schema(sample_question(), sample_rubric())
    walk(schema)
    item = schema["properties"]["criteria"]["items"]["properties"]
    assert item["criterion"]["enum"] == ["decomposition", "experiments", "evaluation"]
    assert item["key_points_covered"]["items"]["enum"] == ["split-causes", "ablation", "held-out"]
    assert list(item) == ["criterion", "reasoning", "evidence", "key_points_covered", "level"]


@pytest.mark.parametrize("status", ["429", "500"])
def test_client_backoff_retries_then_succeeds(server, tmp_path, status):
    server.push(status, status)
    reply = ask(make_config(server, tmp_path, max_retries=2))
    assert len(server.requests) == 3 and reply.attempts == 1


@pytest.mark.parametrize("status, kind", [("429", "rate_limited"), ("500", "http_500")])
def test_exhausted_retries_raise_a_transport_fault(server, tmp_path, status, kind):
    server.push(status, status, status)
    with pytest.raises(LLMFault) as err:
        ask(make_config(server, tmp_path, max_retries=2))
    assert err.value.kind == kind and len(server.requests) == 3


def test_timeout_is_retried_then_raises(server, tmp_path):
    server.slow_seconds = 1.0
    server.push("slow", "slow")
    start = time.monotonic()
    with pytest.raises(LLMFault) as err:
        ask(make_config(server, tmp_path, timeout=0.25, max_retries=1))
    assert err.value.kind == "timeout" and len(server.requests) == 2
    assert time.monotonic() - start < 3


@pytest.mark.parametrize("bad", ["malformed", "schema", "refusal", "length"])
def test_one_reask_with_the_problem_stated(server, tmp_path, bad):
    server.push(bad)
    reply = ask(make_config(server, tmp_path))
    assert reply.attempts == 2 and len(server.requests) == 2
    first, second = server.requests
    assert len(second["messages"]) == len(first["messages"]) + 1
    assert second["messages"][:-1] == first["messages"]  # the bad reply is not echoed back
    reask = second["messages"][-1]
    assert reask["role"] == "user" and "could not be used" in reask["content"]
    expected = {"malformed": "not valid JSON", "schema": "level", "refusal": "refused", "length": "cut off"}[bad]
    assert expected in reask["content"]
    assert reply.usage["total_tokens"] > 0


@pytest.mark.parametrize("bad", ["malformed", "schema", "refusal", "length"])
def test_a_second_bad_reply_raises(server, tmp_path, bad):
    server.push(bad, bad)
    with pytest.raises(LLMFault) as err:
        ask(make_config(server, tmp_path))
    assert err.value.kind == bad and err.value.attempts == 2 and len(server.requests) == 2


def test_a_fenced_json_reply_is_accepted(server, tmp_path):
    server.push(lambda body: "```json\n" + json.dumps(server.reply(body)) + "\n```")
    assert ask(make_config(server, tmp_path)).data["feedback"]


def test_without_a_key_no_request_is_made(server, tmp_path):
    with pytest.raises(LLMFault) as err:
        ask(LLMConfig(api_key=None, base_url=server.url, data_dir=str(tmp_path)))
    assert err.value.kind == "not_configured" and server.requests == []


def test_the_client_is_built_once_and_shared(server, tmp_path):
    config = make_config(server, tmp_path)
    adapter = get_adapter(config)
    assert adapter._client is None
    ask(config)
    ask(config)
    assert get_adapter(config) is adapter and adapter._client is not None and len(server.requests) == 2
