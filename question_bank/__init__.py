"""The question bank: questions per round, paper cards, and their schemas."""
from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

Question = dict[str, Any]


def data_dir() -> Path:
    return Path(str(resources.files("question_bank").joinpath("data")))


def papers_dir() -> Path:
    return Path(str(resources.files("question_bank").joinpath("papers")))
