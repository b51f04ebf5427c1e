"""Hiring-team workspaces: authoring, calibration sets, grader certification and team statistics.

Library only (no Flask). Every public function takes `(session, team_id, actor, ...)`
(`actor`: the acting user's id), checks the actor's membership and role, and
filters every query by `team_id`; it flushes but never commits.

Modules: workspace (teams, roles), library (reads: team bank, rubric versions),
authoring (create/edit/import, review status), review (transitions), export,
answers (calibration sets: gold, shared, synthetic, llm), synthetic (removal
rule), allocation, grading, certification, stats, demo, models, errors.
"""
from __future__ import annotations

from simulator.teams.allocation import Allocation, allocate, is_connected
from simulator.teams.answers import (add_gold_answers, add_llm_answers, add_shared_answer, add_synthetic_answers,
                                     create_set, get_answer, get_set, list_answers, list_sets,
                                     withdraw_shared_answer)
from simulator.teams.authoring import (ImportResult, import_documents, import_paths, save_question, save_rubric,
                                       set_question_status, set_rubric_status)
from simulator.teams.certification import (certification_queue, certifications, certify, certify_machine,
                                           is_certified)
from simulator.teams.errors import ConsentRequired, Forbidden, InvalidTransition, NotFound, TeamError
from simulator.teams.export import export_bank
from simulator.teams.grading import grading_queue, list_grades, run_machine_grader, submit_grade
from simulator.teams.library import (get_question, list_questions, list_rubrics, rubric_by_hash, rubric_versions,
                                     team_bank)
from simulator.teams.review import STATUSES, TRANSITIONS, allowed
from simulator.teams.stats import team_records, team_report
from simulator.teams.workspace import (ROLES, add_member, create_team, get_team, list_members, remove_member,
                                       require_admin, require_member, set_role, teams_for, update_settings)

__all__ = ["Allocation", "ConsentRequired", "Forbidden", "ImportResult", "InvalidTransition", "NotFound", "ROLES",
           "STATUSES", "TRANSITIONS", "TeamError", "add_gold_answers", "add_llm_answers", "add_member",
           "add_shared_answer", "add_synthetic_answers", "allocate", "allowed",
           "certification_queue", "certifications", "certify", "certify_machine", "create_set", "create_team",
           "export_bank", "get_answer", "get_question", "get_set", "get_team", "grading_queue",
           "import_documents", "import_paths", "is_certified", "is_connected", "list_answers", "list_grades",
           "list_members", "list_questions", "list_rubrics", "list_sets", "remove_member", "require_admin",
           "require_member", "rubric_by_hash", "rubric_versions", "run_machine_grader", "save_question",
           "save_rubric", "set_question_status", "set_role", "set_rubric_status", "submit_grade", "team_bank",
           "team_records", "team_report", "teams_for", "update_settings", "withdraw_shared_answer"]
