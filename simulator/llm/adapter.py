"""The one module that imports `openai`: Chat Completions with a strict JSON schema, validated locally.

The client is built on first use (never at import), with `timeout` and
`max_retries` from the config, so 429 / 5xx / timeouts get the client's own
backoff (honouring Retry-After). A reply that is malformed JSON, breaks the
schema, is a refusal or was cut off (`finish_reason == "length"`) is asked for
once more with the problem stated; a second failure raises `LLMFault`, and so
does a transport error once the client's retries are spent. Callers fall back.
"""
from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from simulator.llm.config import LLMConfig

# Faults worth one re-ask: the model answered, but not usably.
REASKABLE = frozenset({"malformed", "schema", "refusal", "length"})

REASK = (
    "Your previous reply could not be used: {error}\n"
    "Reply again with exactly one JSON object that follows the given schema. Keep every free-text field short."
)


class LLMFault(Exception):
    """No usable reply. `kind`: not_configured, timeout, rate_limited, http_<status>, connection, client,
    malformed, schema, refusal or length."""

    def __init__(self, kind: str, message: str, *, attempts: int = 0, usage: dict[str, int] | None = None):
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message
        self.attempts = attempts
        self.usage = usage or {}


@dataclass
class Reply:
    """A validated reply: the parsed object, the model that answered, summed token usage, requests made."""

    data: Any
    model: str
    usage: dict[str, int] = field(default_factory=dict)
    attempts: int = 1


def _add_usage(total: dict[str, int], usage: Any) -> None:
    if usage is None:
        return
    for key in ("prompt_tokens", "completion_tokens", "total_tokens"):
        value = getattr(usage, key, None)
        if isinstance(value, int):
            total[key] = total.get(key, 0) + value


_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.S)


def _parse(content: str | None) -> Any:
    """JSON from the reply text; tolerates a Markdown fence some local servers add."""
    if not content or not content.strip():
        raise LLMFault("malformed", "the reply was empty")
    fenced = _FENCE.match(content)
    text = fenced.group(1) if fenced else content
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise LLMFault("malformed", f"the reply is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None


def _schema_problems(data: Any, schema: dict[str, Any]) -> list[str]:
    from jsonschema import Draft202012Validator

    errors = sorted(Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.absolute_path))
    out = []
    for e in errors[:5]:
        where = "/" + "/".join(str(p) for p in e.absolute_path)
        out.append(f"at {where}: {e.message[:200]}")
    return out


class Adapter:
    """A lazily built OpenAI client for one config, with a semaphore bounding requests in flight."""

    def __init__(self, config: LLMConfig):
        self.config = config
        self._client = None
        self._lock = threading.Lock()
        self.slots = threading.BoundedSemaphore(config.concurrency)

    def client(self):
        with self._lock:
            if self._client is None:
                if not self.config.configured:
                    raise LLMFault("not_configured", "OPENAI_API_KEY is not set")
                import openai

                self._client = openai.OpenAI(
                    api_key=self.config.api_key,
                    base_url=self.config.endpoint,
                    timeout=self.config.timeout,
                    max_retries=self.config.max_retries,
                )
            return self._client

    def _call(self, messages: list[dict[str, str]], name: str, schema: dict[str, Any], usage: dict[str, int]):
        import openai

        client = self.client()
        try:
            with self.slots:
                completion = client.chat.completions.create(
                    model=self.config.model,
                    messages=messages,
                    response_format={"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}},
                    **self.config.params(),
                )
        except openai.APITimeoutError as exc:
            raise LLMFault("timeout", f"no reply within {self.config.timeout:g} s after retries ({exc})") from None
        except openai.RateLimitError as exc:
            raise LLMFault("rate_limited", f"429 after {self.config.max_retries} retries ({exc.message})") from None
        except openai.APIStatusError as exc:
            raise LLMFault(f"http_{exc.status_code}", f"{exc.status_code} after retries ({exc.message})") from None
        except openai.APIConnectionError as exc:
            raise LLMFault("connection", f"cannot reach {self.config.endpoint} ({exc})") from None
        except openai.OpenAIError as exc:
            raise LLMFault("client", str(exc)) from None
        _add_usage(usage, getattr(completion, "usage", None))
        if not completion.choices:
            raise LLMFault("malformed", "the reply had no choices")
        choice = completion.choices[0]
        message = choice.message
        if getattr(message, "refusal", None):
            raise LLMFault("refusal", f"the model refused: {message.refusal[:200]}")
        if choice.finish_reason == "content_filter":
            raise LLMFault("refusal", "the reply was stopped by a content filter")
        if choice.finish_reason == "length":
            raise LLMFault("length", "the reply was cut off at the token limit; be more concise")
        return completion.model or self.config.model, message.content

    def structured(
        self,
        messages: list[dict[str, str]],
        name: str,
        schema: dict[str, Any],
        *,
        check: Callable[[Any], list[str]] | None = None,
        reasks: int = 1,
    ) -> Reply:
        """A reply that validates against `schema` (and passes `check`), or LLMFault."""
        usage: dict[str, int] = {}
        convo = list(messages)
        attempts = 0
        while True:
            attempts += 1
            try:
                model, content = self._call(convo, name, schema, usage)
                data = _parse(content)
                problems = _schema_problems(data, schema)
                if not problems and check is not None:
                    problems = check(data)
                if problems:
                    raise LLMFault("schema", "; ".join(problems))
                return Reply(data=data, model=model, usage=usage, attempts=attempts)
            except LLMFault as fault:
                fault.attempts, fault.usage = attempts, usage
                if fault.kind not in REASKABLE or attempts > reasks:
                    raise
                # The bad reply itself is not echoed back: it may quote the answer outside its tags.
                convo = list(messages) + [{"role": "user", "content": REASK.format(error=fault.message[:600])}]


_ADAPTERS: dict[LLMConfig, Adapter] = {}
_ADAPTERS_LOCK = threading.Lock()


def get_adapter(config: LLMConfig) -> Adapter:
    """One adapter (client and semaphore) per config, shared by the grader and the interviewer."""
    with _ADAPTERS_LOCK:
        if config not in _ADAPTERS:
            _ADAPTERS[config] = Adapter(config)
        return _ADAPTERS[config]
