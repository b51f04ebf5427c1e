"""The LLM grader: a rubric judge on any OpenAI-compatible server, with the keyword grader behind it.

Per answer: pre-scan for instructions to the grader (those sentences are not
shown to the model), look the reply up in the cache, else ask the model for a
strict-schema reply (one re-ask on a bad reply). Evidence quotes that are not
verbatim in the answer are dropped and cap their criterion at level 2. Levels
are weighted in code. The keyword grader, found by name in the registry, grades
the same answer: a difference of two levels or more flags `needs_review` and
keeps both. When the model gives no usable reply, the keyword grade is returned
flagged `fallback`, with the reason: every answer is graded either way.
"""
from __future__ import annotations

import threading
from typing import Any

from simulator.llm.config import LLMConfig, from_env
from simulator.llm.guard import Span, locate, prescan, redact
from simulator.llm.prompt import PROMPT_VERSION
from simulator.scoring import empty_grade, round_score

Grade = dict[str, Any]
EVIDENCE_CAP = 2  # the highest level a criterion keeps when its evidence is not verbatim
REVIEW_GAP = 2  # LLM vs keyword difference (levels) that calls for a person


def _spans(spans: list[Span]) -> list[dict[str, Any]]:
    return [{"start": s.start, "end": s.end, "rule": s.rule} for s in spans]


def _add_flag(grade: Grade, flag: str) -> None:
    if flag not in grade["flags"]:
        grade["flags"].append(flag)


class LLMGrader:
    """name "llm", kind "llm"; `config=None` reads the environment on first use."""

    name = "llm"
    kind = "llm"
    version = f"1.0.0+{PROMPT_VERSION}"

    def __init__(self, config: LLMConfig | None = None, *, cache=None, registry=None, fallback: str = "keyword"):
        self._config = config
        self._cache = cache
        self._caches: dict[str, Any] = {}
        self._registry = registry
        self.fallback_name = fallback
        self._lock = threading.Lock()

    # -- collaborators, built on first use ---------------------------------------------------------------------
    @property
    def config(self) -> LLMConfig:
        """The given config, else the environment as it is now (cheap; clients are shared per config)."""
        return self._config if self._config is not None else from_env()

    def cache(self, config: LLMConfig | None = None):
        """The reply cache for the config's data folder, or None when caching is off."""
        config = config or self.config
        if self._cache is not None or not config.cache:
            return self._cache if config.cache else None
        folder = str(config.cache_dir())
        with self._lock:
            if folder not in self._caches:
                from simulator.llm.cache import ReplyCache

                self._caches[folder] = ReplyCache(folder)
            return self._caches[folder]

    def keyword_grader(self):
        """The fallback grader by name, or None while it is not available."""
        registry = self._registry
        if registry is None:
            from simulator.graders.base import registry
        try:
            return registry.get(self.fallback_name)
        except (LookupError, ImportError, AttributeError):
            return None

    # -- grading -----------------------------------------------------------------------------------------------
    def grade(self, question: dict[str, Any], rubric: dict[str, Any], answer: str, *, track: str | None = None) -> Grade:
        if not answer or not answer.strip():
            grade = empty_grade(self, question, rubric)
            grade["flags"].append("no_answer")
            return grade
        spans = prescan(answer)
        shown = redact(answer, spans) if spans else answer
        if not shown.strip():
            return self._only_instructions(question, rubric, spans)
        config = self.config
        if not config.configured:
            return self._fallback(question, rubric, answer, track, spans, "not_configured: OPENAI_API_KEY is not set")
        from simulator.llm import cache as cache_mod
        from simulator.llm.adapter import LLMFault, get_adapter
        from simulator.llm.prompt import grade_messages, new_marker
        from simulator.llm.response_schema import GRADE_SCHEMA_NAME, grade_reply_problems, grade_schema
        from rubrics import rubric_hash

        store = self.cache(config)
        key = cache_mod.cache_key(
            prompt=PROMPT_VERSION, model=config.model, base_url=config.endpoint, params=config.params(),
            rubric=rubric_hash(rubric), question=cache_mod.question_view(question), answer=cache_mod.normalise(shown),
        )
        cached = store.get(key) if store is not None else None
        if cached is None:
            schema = grade_schema(question, rubric)
            try:
                reply = get_adapter(config).structured(
                    grade_messages(question, rubric, shown, new_marker(shown)), GRADE_SCHEMA_NAME, schema,
                    check=lambda data: grade_reply_problems(data, rubric),
                )
            except LLMFault as fault:
                extra = {"attempts": fault.attempts, "usage": fault.usage}
                return self._fallback(question, rubric, answer, track, spans, str(fault), extra)
            record = {"data": reply.data, "model": reply.model, "usage": reply.usage, "attempts": reply.attempts}
            if store is not None:
                store.put(key, record)
            source = "miss"
        else:
            record, source = cached, "hit"
        grade = self._build(question, rubric, answer, track, record["data"], spans)
        grade["details"].update(
            {"model": record["model"], "usage": record["usage"], "attempts": record["attempts"], "cache": source}
        )
        self._compare(grade, question, rubric, answer, track)
        return grade

    def _build(self, question, rubric, answer: str, track, data: dict[str, Any], spans: list[Span]) -> Grade:
        grade = empty_grade(self, question, rubric)
        kp_ids = {kp["id"] for kp in question.get("key_points") or []}
        reply = {c["criterion"]: c for c in data["criteria"]}
        covered = set()
        for r in data["criteria"]:
            covered |= set(r["key_points_covered"]) & kp_ids
        levels: dict[str, int | None] = {}
        capped = []
        for entry in grade["criteria"]:
            r = reply[entry["criterion"]]
            seen, dropped = set(), 0
            for e in r["evidence"]:
                where = locate(e["quote"], answer, spans)
                if where is None:
                    dropped += 1
                elif where not in seen:
                    seen.add(where)
                    kp = e["key_point"] if e["key_point"] in kp_ids else None
                    entry["evidence"].append({"start": where[0], "end": where[1], "quote": answer[where[0]:where[1]], "key_point": kp})
            level, note = r["level"], r["reasoning"].strip()
            if level > EVIDENCE_CAP and (dropped or not entry["evidence"]):
                why = (f"{dropped} evidence quote(s) not found verbatim in the answer were dropped" if dropped
                       else "no evidence quoted from the answer")
                note = f"[{why}; level capped at {EVIDENCE_CAP} from {level}] {note}"
                capped.append({"criterion": entry["criterion"], "from": level, "dropped_quotes": dropped})
                level = EVIDENCE_CAP
            entry["level"] = levels[entry["criterion"]] = level
            entry["note"] = note
            mine = [kp["id"] for kp in question.get("key_points") or [] if kp["criterion"] == entry["criterion"]]
            entry["key_points_covered"] = [k for k in mine if k in covered]
            entry["key_points_missing"] = [k for k in mine if k not in covered]
        grade["score"] = round_score(levels, rubric, track)
        grade["feedback"] = data["feedback"].strip()
        grade["details"] = {
            "prompt_version": PROMPT_VERSION,
            "injection": {"prescan": _spans(spans), "model_reported": bool(data["injection_suspected"])},
        }
        if capped:
            grade["details"]["capped"] = capped
        if spans or data["injection_suspected"]:
            _add_flag(grade, "injection_suspected")
            _add_flag(grade, "needs_review")
        return grade

    def _compare(self, grade: Grade, question, rubric, answer: str, track) -> None:
        """Flag `needs_review` when the keyword grader differs by REVIEW_GAP levels or more; keep both."""
        keyword = self.keyword_grader()
        if keyword is None:
            grade["details"]["keyword_compare"] = f"unavailable: no {self.fallback_name!r} grader"
            return
        try:
            other = keyword.grade(question, rubric, answer, track=track)
        except Exception as exc:  # the comparison must never lose the LLM grade
            grade["details"]["keyword_compare"] = f"error: {type(exc).__name__}: {exc}"
            return
        theirs = {c["criterion"]: c.get("level") for c in other.get("criteria", [])}
        gaps = [
            {"criterion": c["criterion"], "llm": c["level"], "keyword": theirs[c["criterion"]]}
            for c in grade["criteria"]
            if c["level"] is not None and theirs.get(c["criterion"]) is not None
            and abs(c["level"] - theirs[c["criterion"]]) >= REVIEW_GAP
        ]
        grade["details"]["keyword_levels"] = theirs
        if gaps:
            _add_flag(grade, "needs_review")
            grade["details"]["disagreements"] = gaps
            grade["details"]["keyword_grade"] = other

    def _only_instructions(self, question, rubric, spans: list[Span]) -> Grade:
        grade = empty_grade(self, question, rubric)
        for entry in grade["criteria"]:
            entry["level"] = 1
            entry["note"] = "The answer holds only instructions to the grader."
        grade["score"] = 0.0
        grade["feedback"] = "The answer contains no content to grade, only instructions addressed to the grader."
        grade["flags"] += ["injection_suspected", "needs_review"]
        grade["details"] = {"prompt_version": PROMPT_VERSION, "injection": {"prescan": _spans(spans), "model_reported": False}}
        return grade

    def _fallback(self, question, rubric, answer: str, track, spans: list[Span], reason: str, extra=None) -> Grade:
        """The keyword grade, flagged `fallback`, with the reason; a pending grade if no keyword grader exists."""
        keyword = self.keyword_grader()
        grade = None
        if keyword is not None:
            try:
                grade = dict(keyword.grade(question, rubric, answer, track=track))
            except Exception as exc:
                reason += f"; keyword grader failed too: {type(exc).__name__}: {exc}"
        if grade is None:
            grade = empty_grade(self, question, rubric)
            grade["flags"].append("pending")
        grade["flags"] = list(grade["flags"])
        _add_flag(grade, "fallback")
        if spans:
            _add_flag(grade, "injection_suspected")
        details = dict(grade.get("details") or {})
        details.update({"fallback_reason": reason, "requested_grader": self.name, "prompt_version": PROMPT_VERSION,
                        "model": self.config.model})
        details.update(extra or {})
        if spans:
            details["injection"] = {"prescan": _spans(spans), "model_reported": False}
        grade["details"] = details
        return grade
