"""The keyword grader: offline, deterministic key-point matching (see grader.py)."""
from simulator.graders.keyword.grader import KeywordGrader, adhoc_question

__all__ = ["KeywordGrader", "adhoc_question"]
