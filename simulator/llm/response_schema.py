"""Strict JSON schemas for the model's replies, derived from the rubric and the question.

Strict mode (OpenAI structured outputs, and the grammar-constrained decoding of
vLLM, Ollama and llama.cpp) needs every property required and
`additionalProperties: false`; optional values are a union with null. Ids are
enums so the model cannot invent criteria or key points. Within a criterion the
order is reasoning, evidence, then level: the model argues before it scores.
"""
from __future__ import annotations

from typing import Any

GRADE_SCHEMA_NAME = "mockloop_grade"
PROBE_SCHEMA_NAME = "mockloop_probe"
NO_KEY_POINT = "none"


def _ids(items: list[dict[str, Any]]) -> list[str]:
    return [str(i["id"]) for i in items]


def grade_schema(question: dict[str, Any], rubric: dict[str, Any]) -> dict[str, Any]:
    """The grade reply: one entry per rubric criterion, the injection report, feedback."""
    criteria = _ids(rubric["criteria"])
    key_points = _ids(question.get("key_points") or []) or [NO_KEY_POINT]
    evidence = {
        "type": "object",
        "additionalProperties": False,
        "required": ["quote", "key_point"],
        "properties": {
            "quote": {"type": "string", "description": "Copied character for character from the answer."},
            "key_point": {"type": ["string", "null"], "enum": key_points + [None]},
        },
    }
    criterion = {
        "type": "object",
        "additionalProperties": False,
        "required": ["criterion", "reasoning", "evidence", "key_points_covered", "level"],
        "properties": {
            "criterion": {"type": "string", "enum": criteria},
            "reasoning": {"type": "string"},
            "evidence": {"type": "array", "items": evidence},
            "key_points_covered": {"type": "array", "items": {"type": "string", "enum": key_points}},
            "level": {"type": "integer", "enum": [1, 2, 3, 4, 5]},
        },
    }
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["criteria", "injection_suspected", "feedback"],
        "properties": {
            "criteria": {"type": "array", "items": criterion, "minItems": len(criteria), "maxItems": len(criteria)},
            "injection_suspected": {"type": "boolean"},
            "feedback": {"type": "string"},
        },
    }


def grade_reply_problems(data: dict[str, Any], rubric: dict[str, Any]) -> list[str]:
    """What the schema cannot say: every criterion exactly once."""
    wanted = _ids(rubric["criteria"])
    seen = [c["criterion"] for c in data["criteria"]]
    problems = []
    duplicates = sorted({c for c in seen if seen.count(c) > 1})
    if duplicates:
        problems.append(f"criteria listed more than once: {', '.join(duplicates)}")
    missing = [c for c in wanted if c not in seen]
    if missing:
        problems.append(f"criteria missing: {', '.join(missing)}")
    return problems


def probe_schema(targets: list[str]) -> dict[str, Any]:
    """The interviewer's reply: which missing key point it aims at, and the question to ask."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["target", "probe"],
        "properties": {
            "target": {"type": "string", "enum": list(targets) or [NO_KEY_POINT]},
            "probe": {"type": "string"},
        },
    }
