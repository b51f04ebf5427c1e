"""Graders: pure functions (question, rubric, answer) -> Grade, found by name in one registry."""
from simulator.graders.base import Grader, GraderRegistry, registry, grade_answer

__all__ = ["Grader", "GraderRegistry", "registry", "grade_answer"]
