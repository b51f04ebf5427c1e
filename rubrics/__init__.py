"""Rubrics: one JSON file per round type, validated by `rubric.schema.json`."""
from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

Rubric = dict[str, Any]


def data_dir() -> Path:
    return Path(str(resources.files("rubrics").joinpath("data")))


def rubric_hash(rubric: Rubric) -> str:
    """Content hash: every grade keeps the exact rubric it used."""
    canonical = json.dumps(rubric, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def criterion_weights(rubric: Rubric, track: str | None = None) -> dict[str, float]:
    """Criterion id -> weight, using the track's weights where the rubric gives them."""
    weights = {c["id"]: float(c["weight"]) for c in rubric["criteria"]}
    if track and track in rubric.get("track_weights", {}):
        weights.update({k: float(v) for k, v in rubric["track_weights"][track].items() if k in weights})
    return weights


def band_for(bands: list[dict[str, Any]], score: float | None) -> dict[str, Any] | None:
    """The highest band whose lower bound the score reaches."""
    if score is None:
        return None
    chosen = None
    for band in sorted(bands, key=lambda b: b["min_score"]):
        if score >= band["min_score"] - 1e-12:
            chosen = band
    return chosen
