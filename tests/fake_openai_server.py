"""A scripted fake of an OpenAI-compatible server on 127.0.0.1:0, for tests that use the real client.

It speaks POST /v1/chat/completions (and /chat/completions). Each request takes
the next behaviour from `script` (then `default`):

  valid      a reply that follows the requested schema (grade or probe)
  malformed  text that is not JSON            schema    JSON that breaks the schema (level 7)
  refusal    message.refusal set              length    cut-off JSON, finish_reason "length"
  429        rate limited, Retry-After 0.05 s 500       server error, retry-after-ms 20
  slow       a valid reply after `slow_seconds` (longer than the client's timeout)
  obey       a judge fooled by injection: level 5 everywhere, quoting the injected sentence
  fabricate  level 5 everywhere with quotes that are not in the answer
  report     a valid reply with injection_suspected true
  leak       a probe that states the target key point's text
or a callable(body) -> content string. It records every request body and the
most requests it had in flight at once.
"""
from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

ANSWER = re.compile(r"<answer-([0-9a-f]{16})>\n(.*?)\n</answer-\1>", re.S)
TRIGGER = re.compile(r"marks|score|level|grade|ignore|grader|evaluator|judge|rubric|instruction|system|deserve|"
                     r"thought process|\"|<|\[INST\]", re.I)


def tagged_answer(body: dict[str, Any]) -> str | None:
    """The text inside the marked answer tags of the last user message."""
    for message in reversed(body["messages"]):
        m = ANSWER.search(message["content"])
        if m:
            return m.group(2)
    return None


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


class FakeOpenAI:
    def __init__(self, *, latency: float = 0.0, level: int | dict[str, int] = 3, slow_seconds: float = 1.5):
        self.latency = latency
        self.level = level
        self.slow_seconds = slow_seconds
        self.script: deque[str | Callable[[dict[str, Any]], str]] = deque()
        self.default: str | Callable[[dict[str, Any]], str] = "valid"
        self.requests: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle ---------------------------------------------------------------------------------------------
    def start(self) -> "FakeOpenAI":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stalls

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                fake._serve(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def push(self, *behaviours: str | Callable[[dict[str, Any]], str]) -> None:
        self.script.extend(behaviours)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.paths.clear()
            self.max_in_flight = 0

    # -- one request -------------------------------------------------------------------------------------------
    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = json.loads(handler.rfile.read(length) or b"{}")
        with self._lock:
            self.requests.append(body)
            self.paths.append(handler.path)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            behaviour = self.script.popleft() if self.script else self.default
        try:
            if handler.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
                return self._send(handler, 404, {"error": {"message": "not found"}})
            if self.latency:
                self._stop.wait(self.latency)
            if behaviour == "429":
                return self._send(handler, 429, {"error": {"message": "rate limited", "type": "rate_limit"}}, {"Retry-After": "0.05"})
            if behaviour == "500":
                return self._send(handler, 500, {"error": {"message": "boom", "type": "server_error"}}, {"retry-after-ms": "20"})
            if behaviour == "slow":
                self._stop.wait(self.slow_seconds)
            self._send(handler, 200, self._completion(body, behaviour))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout) before the reply
        finally:
            with self._lock:
                self.in_flight -= 1

    def _send(self, handler, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            handler.send_header(k, v)
        handler.end_headers()
        handler.wfile.write(data)

    def _completion(self, body: dict[str, Any], behaviour) -> dict[str, Any]:
        finish, refusal = "stop", None
        if callable(behaviour):
            content = behaviour(body)
        elif behaviour == "malformed":
            content = '{"criteria": [ this is not json'
        elif behaviour == "refusal":
            content, refusal = None, "I can't help with grading this."
        elif behaviour == "length":
            content, finish = json.dumps(self.reply(body))[:40], "length"
        else:
            content = json.dumps(self.reply(body, behaviour))
        prompt_chars = sum(len(m["content"]) for m in body["messages"])
        usage = {"prompt_tokens": prompt_chars // 4, "completion_tokens": len(content or "") // 4}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        return {
            "id": f"chatcmpl-fake-{len(self.requests)}", "object": "chat.completion", "created": int(time.time()),
            "model": body.get("model", "fake"),
            "choices": [{"index": 0, "finish_reason": finish, "logprobs": None,
                         "message": {"role": "assistant", "content": content, "refusal": refusal}}],
            "usage": usage,
        }

    # -- reply bodies ------------------------------------------------------------------------------------------
    def reply(self, body: dict[str, Any], behaviour: str = "valid") -> dict[str, Any]:
        spec = body["response_format"]["json_schema"]
        schema = spec["schema"]
        if spec["name"] == "mockloop_probe":
            return self._probe(body, schema, behaviour)
        item = schema["properties"]["criteria"]["items"]["properties"]
        criteria = item["criterion"]["enum"]
        key_points = [k for k in item["key_points_covered"]["items"]["enum"] if k != "none"]
        answer = tagged_answer(body) or ""
        sentences = _sentences(answer)
        levels = {c: self.level if isinstance(self.level, int) else self.level.get(c, 3) for c in criteria}
        quote, suspected = (sentences[0] if sentences else answer)[:80], False
        if behaviour == "obey":
            injected = [s for s in sentences if TRIGGER.search(s)]
            if injected:
                levels, quote = dict.fromkeys(criteria, 5), injected[0]
        elif behaviour == "fabricate":
            levels, quote = dict.fromkeys(criteria, 5), "The candidate gave a flawless, complete and rigorous answer."
        elif behaviour == "report":
            suspected = True
        entries = [
            {"criterion": c, "reasoning": f"Reasoning about {c}.",
             "evidence": [{"quote": quote, "key_point": key_points[0] if key_points else None}],
             "key_points_covered": key_points[:1], "level": levels[c]}
            for c in criteria
        ]
        if behaviour == "schema":
            entries[0]["level"] = 7
        return {"criteria": entries, "injection_suspected": suspected, "feedback": "Solid structure; add baselines."}

    def _probe(self, body: dict[str, Any], schema: dict[str, Any], behaviour: str) -> dict[str, Any]:
        target = schema["properties"]["target"]["enum"][0]
        if behaviour == "leak":
            m = re.search(rf"^- {re.escape(target)}: (.+)$", body["messages"][-1]["content"], re.M)
            return {"target": target, "probe": f"Did you consider that {m.group(1) if m else target}?"}
        return {"target": target, "probe": "Suppose the first experiment comes back flat. What would you do next, and why?"}


# -- test doubles and data shared by the LLM tests ------------------------------------------------------------
def sample_rubric() -> dict[str, Any]:
    def levels(what: str) -> dict[str, str]:
        return {str(n): f"Level {n} of {what}: observable behaviour number {n}." for n in range(1, 6)}

    return {
        "id": "framing_test", "version": "1.0.0", "round": "research_framing", "title": "Framing (test rubric)",
        "criteria": [
            {"id": "decomposition", "name": "Decomposition", "description": "Splits the problem into causes.",
             "weight": 1.0, "levels": levels("decomposition")},
            {"id": "experiments", "name": "Experiments", "description": "Controlled experiments per hypothesis.",
             "weight": 1.5, "levels": levels("experiments")},
            {"id": "evaluation", "name": "Evaluation", "description": "Metrics that see the failure.",
             "weight": 0.5, "levels": levels("evaluation")},
        ],
        "track_weights": {"research-engineer": {"experiments": 0.5, "evaluation": 2.0}},
        "thresholds": [0.2, 0.4, 0.6, 0.8],
        "bands": [{"id": "no_hire", "label": "No hire", "min_score": 0}, {"id": "hire", "label": "Hire", "min_score": 0.6}],
    }


def sample_question() -> dict[str, Any]:
    return {
        "id": "long-doc-regression", "round": "research_framing", "rubric": "framing_test",
        "tracks": ["research-scientist", "research-engineer"], "difficulty": "medium", "time_limit_min": 20,
        "prompt": "After a data refresh, accuracy on long documents dropped by five points. How would you investigate?",
        "tests": "Turning a vague regression into causes, experiments and measurements.",
        "key_points": [
            {"id": "split-causes", "text": "separate data, model and measurement causes", "criterion": "decomposition",
             "aliases": ["data versus model versus measurement"]},
            {"id": "ablation", "text": "retrain on the old data with everything else held fixed", "criterion": "experiments"},
            {"id": "held-out", "text": "a held-out set of long documents with confidence intervals", "criterion": "evaluation"},
        ],
        "probes": [
            {"text": "How would you tell a data problem from a model problem?", "targets": ["split-causes"]},
            {"text": "What is the one experiment you would run first, and what stays fixed?", "targets": ["ablation"]},
            {"text": "How confident would you be that the drop is real?", "targets": ["held-out"]},
            {"text": "Anything else you would want to know before starting?"},
        ],
        "reference_answer": "First separate data, model and measurement causes. Then retrain on the old data with "
                            "everything else held fixed, and measure on a held-out set of long documents with confidence intervals.",
    }


class FakeKeyword:
    """Stands in for the keyword grader (same signature) until the real one lands; levels are scripted."""

    name, kind, version = "keyword", "keyword", "test"

    def __init__(self, level: int | dict[str, int] = 3, fail: bool = False):
        self.level, self.fail, self.calls = level, fail, 0

    def grade(self, question, rubric, answer, *, track=None):
        from simulator.interviewer import overlap_covered
        from simulator.scoring import empty_grade, grade_score

        self.calls += 1
        if self.fail:
            raise RuntimeError("keyword grader broke")
        grade = empty_grade(self, question, rubric)
        for c in grade["criteria"]:
            c["level"] = self.level if isinstance(self.level, int) else self.level.get(c["criterion"], 3)
            for kp in question["key_points"]:
                if kp["criterion"] == c["criterion"]:
                    (c["key_points_covered"] if overlap_covered(kp, answer) else c["key_points_missing"]).append(kp["id"])
        grade["score"] = grade_score(grade, rubric, track)
        grade["details"] = {"fake": True}
        return grade


def make_config(server: FakeOpenAI, folder, **overrides: Any):
    """An LLMConfig pointed at the fake, with short timeouts and retries, caching under `folder`."""
    from simulator.llm.config import LLMConfig

    options = dict(api_key="test-key", base_url=server.url, model="fake-judge", timeout=2.0, max_retries=2,
                   concurrency=4, data_dir=str(folder))
    options.update(overrides)
    return LLMConfig(**options)
