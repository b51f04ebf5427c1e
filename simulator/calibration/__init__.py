"""Calibration statistics for graders and questions, in numpy only.

Agreement (Krippendorff's alpha, ICC, weighted kappa), grader severity
adjusted for the answers graded, per-question difficulty and discrimination,
and drift over time. Functions take plain arrays or records, never requests
or database sessions; every statistic comes with n and a CI, or is withheld
with a reason.
"""
from __future__ import annotations

from .alpha import LEVELS, alpha_long, krippendorff_alpha
from .drift import drift
from .grades import Grade, GradeTable, to_long, to_matrix
from .icc import FORMS, icc
from .items import question_stats
from .kappa import kappa_matrix, weighted_kappa
from .report import calibrate
from .result import Estimate
from .severity import grader_effects, grader_severity

__all__ = ["FORMS", "LEVELS", "Estimate", "Grade", "GradeTable", "alpha_long", "calibrate", "drift",
           "grader_effects", "grader_severity", "icc", "kappa_matrix", "krippendorff_alpha",
           "question_stats", "to_long", "to_matrix", "weighted_kappa"]
