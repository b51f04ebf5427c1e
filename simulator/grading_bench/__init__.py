"""Grading the graders: agreement metrics and the ASAG benchmark runner (`mockloop bench grading`)."""
