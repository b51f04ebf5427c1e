"""The "which track should I target?" questionnaire, built from the seed's criteria.

Each answer gives points to one or more tracks, with the reason it does so
(taken from the "Which to target" lists). The highest total wins, with two
rules from the same text: research scientist effectively needs a PhD or an
equivalent research record, and when research scientist and research
engineer are close, the applied ML engineer track is the recommended start.
Pure data and functions: no web, no database.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

RS, RE, AML = "research-scientist", "research-engineer", "applied-ml-engineer"
TRACKS = (RS, RE, AML)
CLOSE = 1  # points: "unsure between research scientist and research engineer"
FALLBACK_REASON = {
    RS: "Your answers lean towards open-ended research: designing experiments and writing up findings.",
    RE: "Your answers lean towards building the systems that research depends on.",
    AML: "The applied ML engineer loop is closer to research engineer, with more product focus.",
}


def _c(cid: str, label: str, points: dict[str, int], reason: str = "") -> dict[str, Any]:
    return {"id": cid, "label": label, "points": points, "reason": reason}


QUESTIONS: list[dict[str, Any]] = [
    {"id": "background", "text": "What is your research background?", "choices": [
        _c("phd", "A PhD in ML or a related field (math, physics, CS theory, computational neuroscience)", {RS: 3},
           "You have a PhD in ML or a related field, the default path into research scientist roles."),
        _c("research_record", "No PhD, but an equivalent research record from industry research positions", {RS: 2},
           "You have built an equivalent research record, which some labs accept for research scientist roles."),
        _c("shipped", "No PhD, but a track record of shipping technically demanding systems", {RE: 2, AML: 1},
           "You have shipped technically demanding systems without a PhD: the research engineer profile."),
        _c("early", "Neither yet: I am early in my career", {AML: 1},
           "Early in a career, applied ML engineering is a natural way in that converts to research engineering."),
    ]},
    {"id": "systems", "text": "How strong is your systems-engineering background?", "choices": [
        _c("strong", "Strong: distributed systems, infrastructure or performance work, plus ML exposure", {RE: 3},
           "A strong systems-engineering background plus ML exposure is the first research engineer criterion."),
        _c("some", "Some: I have built and run production services or pipelines", {RE: 1, AML: 1},
           "Some production engineering suits research and applied ML engineering."),
        _c("little", "Little: most of my work is modelling and experiments", {RS: 1},
           "Your experience is mostly modelling and experiments, closer to research scientist work."),
    ]},
    {"id": "mode", "text": "Which mode of work do you enjoy most?", "choices": [
        _c("research", "Open-ended research: formulating hypotheses, designing experiments, writing up results", {RS: 3},
           "You enjoy the open-ended-research mode of work."),
        _c("systems", "Building systems that scale: making research move 10x faster by removing infrastructure bottlenecks",
           {RE: 3}, "You enjoy the build-systems-that-scale mode of work."),
        _c("product", "Applying existing models to product problems: fine-tuning, evaluation harnesses, data pipelines",
           {AML: 3}, "You want to apply existing models to product problems, the applied ML engineer's work."),
    ]},
    {"id": "problems", "text": "Which kind of problem do you prefer?", "choices": [
        _c("defined", "Well-defined problems with clear success criteria", {RE: 2, AML: 1},
           "You prefer well-defined problems with clear success criteria over open-ended research direction."),
        _c("open", "Open-ended research directions", {RS: 2},
           "You prefer open-ended research direction to well-defined problems."),
        _c("either", "Either suits me", {}),
    ]},
    {"id": "long_threads", "text": "Would you be comfortable spending months on one research thread that may not pan out?",
     "choices": [
         _c("yes", "Yes", {RS: 2}, "You are comfortable spending months on a single research thread that may not pan out."),
         _c("unsure", "Not sure", {}),
         _c("no", "No, I want to see results sooner", {RE: 1, AML: 1},
            "You want results sooner than a months-long research thread gives them."),
     ]},
    {"id": "publishing", "text": "How do you feel about publishing papers?", "choices": [
        _c("excited", "Excited to publish (or to write internal papers where publishing is restricted)", {RS: 2},
           "You are excited to publish, which research scientist promotion rewards."),
        _c("neutral", "Neutral", {}),
        _c("not_for_me", "It is not what I care about", {RE: 1, AML: 1},
           "Publishing is not what drives you; engineering tracks promote on impact instead."),
    ]},
]


@dataclass
class Advice:
    track: str
    scores: dict[str, int]
    reasons: list[str]
    caveats: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"track": self.track, "scores": self.scores, "reasons": self.reasons, "caveats": self.caveats}


def questions() -> list[dict[str, Any]]:
    """The questionnaire: ids, texts and choices (points are internal, but not secret)."""
    return [{"id": q["id"], "text": q["text"], "choices": [{"id": c["id"], "label": c["label"]} for c in q["choices"]]}
            for q in QUESTIONS]


def _choice(question_id: str, choice_id: str) -> dict[str, Any]:
    question = next((q for q in QUESTIONS if q["id"] == question_id), None)
    if question is None:
        known = ", ".join(q["id"] for q in QUESTIONS)
        raise ValueError(f"unknown question {question_id!r} (questions: {known})")
    choice = next((c for c in question["choices"] if c["id"] == choice_id), None)
    if choice is None:
        known = ", ".join(c["id"] for c in question["choices"])
        raise ValueError(f"{question_id}: unknown choice {choice_id!r} (choices: {known})")
    return choice


def recommend(answers: dict[str, str]) -> Advice:
    """The track to target for these answers (question id -> choice id), with the reasons."""
    picked = {qid: _choice(qid, cid) for qid, cid in answers.items() if cid not in (None, "")}
    if not picked:
        raise ValueError("answer at least one question")
    scores = {t: 0 for t in TRACKS}
    for choice in picked.values():
        for track, points in choice["points"].items():
            scores[track] += points
    best = max(TRACKS, key=lambda t: (scores[t], -TRACKS.index(t)))
    caveats: list[str] = []
    background = picked.get("background", {}).get("id")
    if best == RS and background not in ("phd", "research_record"):
        caveats.append("Research scientist roles effectively need a PhD at most major labs; without one, an "
                       "exceptional industry research record is the exception, not the rule.")
        if background is not None:
            best = RE if scores[RE] >= scores[AML] else AML
            caveats.append("Research engineer is easier to break into without a PhD: the bar is high, but the "
                           "criteria are systems-engineering ones that strong industry engineers can meet.")
    if best in (RS, RE) and abs(scores[RS] - scores[RE]) <= CLOSE and min(scores[RS], scores[RE]) > 0:
        caveats.append("Your answers sit between research scientist and research engineer: applied ML engineer is "
                       "often the right starting point and converts naturally to research engineer over time.")
        best = AML
    reasons = [c["reason"] for c in picked.values() if c["reason"] and c["points"].get(best)]
    if not reasons:
        reasons.append(FALLBACK_REASON[best])
    if best == RE:
        caveats.append("Research engineer roles outnumber research scientist roles at most labs by 2-4x, "
                       "and the skills transfer broadly across the AI ecosystem.")
    return Advice(track=best, scores=scores, reasons=reasons, caveats=caveats)
