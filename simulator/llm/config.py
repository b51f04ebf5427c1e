"""LLM settings from the environment, read when asked (never at import).

OPENAI_API_KEY            the key; `configured()` is true when it is set
OPENAI_BASE_URL           any OpenAI-compatible server (vLLM, Ollama, llama.cpp); unset = OpenAI
MOCKLOOP_LLM_MODEL        model name (default gpt-4o-mini)
MOCKLOOP_LLM_TIMEOUT      seconds per request (default 60)
MOCKLOOP_LLM_MAX_RETRIES  the client's own retries with backoff on 429/5xx/timeouts (default 2)
MOCKLOOP_LLM_CONCURRENCY  requests in flight at most (default 4; use 1-2 for a local server)
MOCKLOOP_LLM_MAX_TOKENS   reply budget (default 2000)
MOCKLOOP_LLM_TOKEN_PARAM  max_tokens (default) or max_completion_tokens (OpenAI reasoning models)
MOCKLOOP_LLM_TEMPERATURE  default 0; "none" leaves it out (models that only accept their default)
MOCKLOOP_LLM_SEED         default 0; "none" leaves it out
MOCKLOOP_LLM_CACHE        1 (default) or 0 to disable the on-disk cache
MOCKLOOP_DATA_DIR         where the cache lives (else the platform's user data directory)
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

DEFAULT_MODEL = "gpt-4o-mini"
OPENAI_URL = "https://api.openai.com/v1"


@dataclass(frozen=True)
class LLMConfig:
    """One endpoint and how to call it. Frozen, so it can key shared clients and semaphores."""

    api_key: str | None = None
    base_url: str | None = None
    model: str = DEFAULT_MODEL
    timeout: float = 60.0
    max_retries: int = 2
    concurrency: int = 4
    max_tokens: int = 2000
    token_param: str = "max_tokens"
    temperature: float | None = 0.0
    seed: int | None = 0
    cache: bool = True
    data_dir: str | None = None

    @property
    def configured(self) -> bool:
        return bool(self.api_key)

    @property
    def endpoint(self) -> str:
        """The base URL actually used, normalised (part of the cache key)."""
        return (self.base_url or OPENAI_URL).rstrip("/")

    def params(self) -> dict[str, object]:
        """Sampling parameters sent with every request (and hashed into the cache key)."""
        out: dict[str, object] = {self.token_param: self.max_tokens}
        if self.temperature is not None:
            out["temperature"] = self.temperature
        if self.seed is not None:
            out["seed"] = self.seed
        return out

    def cache_dir(self) -> Path:
        return Path(self.data_dir).expanduser() if self.data_dir else data_dir()


def data_dir() -> Path:
    """`MOCKLOOP_DATA_DIR`, else the platform's user data directory (created on demand)."""
    configured_dir = os.environ.get("MOCKLOOP_DATA_DIR")
    if configured_dir:
        path = Path(configured_dir).expanduser()
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir("mockloop", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _number(env: Mapping[str, str], name: str, default, cast, *, minimum=None, optional=False):
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if optional and raw.lower() in ("none", "null", "off"):
        return None
    try:
        value = cast(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a valid {cast.__name__}") from None
    if minimum is not None and value < minimum:
        raise ValueError(f"{name}={raw!r} must be at least {minimum}")
    return value


def from_env(env: Mapping[str, str] | None = None) -> LLMConfig:
    """The configuration the environment describes; bad numbers raise ValueError naming the variable."""
    env = os.environ if env is None else env
    token_param = env.get("MOCKLOOP_LLM_TOKEN_PARAM", "").strip() or "max_tokens"
    if token_param not in ("max_tokens", "max_completion_tokens"):
        raise ValueError(f"MOCKLOOP_LLM_TOKEN_PARAM={token_param!r} must be max_tokens or max_completion_tokens")
    return LLMConfig(
        api_key=env.get("OPENAI_API_KEY") or None,
        base_url=env.get("OPENAI_BASE_URL") or None,
        model=env.get("MOCKLOOP_LLM_MODEL", "").strip() or DEFAULT_MODEL,
        timeout=_number(env, "MOCKLOOP_LLM_TIMEOUT", 60.0, float, minimum=0.01),
        max_retries=_number(env, "MOCKLOOP_LLM_MAX_RETRIES", 2, int, minimum=0),
        concurrency=_number(env, "MOCKLOOP_LLM_CONCURRENCY", 4, int, minimum=1),
        max_tokens=_number(env, "MOCKLOOP_LLM_MAX_TOKENS", 2000, int, minimum=16),
        token_param=token_param,
        temperature=_number(env, "MOCKLOOP_LLM_TEMPERATURE", 0.0, float, optional=True),
        seed=_number(env, "MOCKLOOP_LLM_SEED", 0, int, optional=True),
        cache=env.get("MOCKLOOP_LLM_CACHE", "1").strip().lower() not in ("0", "false", "no", "off"),
        data_dir=env.get("MOCKLOOP_DATA_DIR") or None,
    )


def configured(env: Mapping[str, str] | None = None) -> bool:
    """True when an API key is set (local servers accept any non-empty key)."""
    env = os.environ if env is None else env
    return bool(env.get("OPENAI_API_KEY"))
