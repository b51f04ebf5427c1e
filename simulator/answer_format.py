"""What a candidate is told about how their answer is read, shown on the round page and in the terminal."""
from __future__ import annotations

from typing import Any

FINAL_ANSWER_RULE = ("Your final value is read wherever you state it: after =, ≈, ~, 'is', 'equals', 'gives' or 'so', as a "
                     "fraction (2/3), a decimal (0.667), a percentage (66.7%), scientific notation (1.2e9 or 1.2 × 10^9) or "
                     "with a word (1.2 billion). In a chain like 21/6 = 3.5 the last value counts. When the question asks "
                     "for several values, give them in the order asked. A line 'Final answer: ...' decides.")


def format_rule(question: dict[str, Any]) -> str | None:
    """The reading rule for questions whose final value is checked, else None."""
    fa = question.get("final_answer")
    if not fa:
        return None
    if "values" in fa:
        return FINAL_ANSWER_RULE + f" This question asks for {len(fa['values'])} values."
    return FINAL_ANSWER_RULE
