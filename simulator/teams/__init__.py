"""Hiring-team workspaces: authoring, calibration sets, grader certification and team statistics.

Library only (no Flask). Every public function takes `(session, team_id, actor, ...)`
(`actor`: the acting user's id), checks the actor's membership and role, and
filters every query by `team_id`; it flushes but never commits.

Modules: workspace (teams, roles), library (reads: team bank, rubric versions),
authoring (create/edit/import, review status), review (transitions), export,
answers (calibration sets: gold, shared, synthetic, llm), synthetic (removal
rule), allocation, grading, grades (grader keys, machine runs), certification, stats, demo,
models, errors.

Names are imported lazily (PEP 562): `import simulator.teams.models` (as the
migration environment does) loads only the tables, not numpy or the bank.
"""
from __future__ import annotations

import importlib
from typing import Any

from simulator.teams import models  # noqa: F401  (the tables join Base.metadata whenever the package is imported)

_EXPORTS = {"Allocation": "allocation", "allocate": "allocation", "is_connected": "allocation",
            "add_gold_answers": "answers", "add_llm_answers": "answers", "add_shared_answer": "answers",
            "add_synthetic_answers": "answers", "create_set": "answers", "get_answer": "answers",
            "get_set": "answers", "list_answers": "answers", "list_sets": "answers",
            "withdraw_shared_answer": "answers", "ImportResult": "authoring", "import_documents": "authoring",
            "import_paths": "authoring", "save_question": "authoring", "save_rubric": "authoring",
            "set_question_status": "authoring", "set_rubric_status": "authoring",
            "certification_queue": "certification", "certifications": "certification", "certify": "certification",
            "certify_machine": "certification", "is_certified": "certification", "standing": "certification", "ConsentRequired": "errors",
            "Forbidden": "errors", "InvalidTransition": "errors", "NotFound": "errors", "TeamError": "errors",
            "export_bank": "export", "grading_lock": "grading", "grading_queue": "grading", "list_grades": "grading",
            "run_machine_grader": "grading", "submit_grade": "grading", "get_question": "library",
            "list_questions": "library", "list_rubrics": "library", "rubric_by_hash": "library",
            "rubric_versions": "library", "team_bank": "library", "STATUSES": "review", "TRANSITIONS": "review",
            "allowed": "review", "team_records": "stats", "team_report": "stats", "ROLES": "workspace",
            "add_member": "workspace", "create_team": "workspace", "get_team": "workspace",
            "list_members": "workspace", "remove_member": "workspace", "require_admin": "workspace",
            "require_member": "workspace", "set_role": "workspace", "teams_for": "workspace",
            "update_settings": "workspace"}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'simulator.teams' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"simulator.teams.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
