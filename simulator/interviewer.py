"""Follow-up probes: what an interviewer asks next, aimed at the key points the answer has not covered.

With an LLM configured, the model writes one follow-up in an interviewer's
voice, aimed at a missing key point without revealing it; a reply that leaks a
key point's wording, repeats a probe or fails is replaced by a scripted probe.
Without an LLM, the scripted probe is the question's own `probes` entry whose
`targets` are missing. Coverage comes from the keyword grader (by name in the
registry) when it is available, else from simple token overlap.

Probes and the answers to them are part of the record: a list of `Exchange`
({probe, answer}) is stored with the answer, and `graded_text` is what the
graders see (the same text as the engine's `views.graded_text`).
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Iterable

from simulator.llm.config import LLMConfig, from_env

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "a an the and or of to in on for with by at from as is are be was were it its this that these those you your "
    "how what why when which who would should could can will do does not no into than then there their them they "
    "we our us i my me".split()
)


@dataclass
class Exchange:
    """One follow-up and the candidate's answer to it; a round stores a list of these with its main answer.

    Records are `{"probe": ..., "answer": ...}`; the engine's probe records (`{"text": ..., "answer": ...,
    ...}`) are read as well.
    """

    probe: str
    answer: str = ""

    def to_record(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "Exchange":
        return cls(probe=str(record.get("probe", record.get("text", ""))), answer=str(record.get("answer") or ""))


def graded_text(answer: str, exchanges: Iterable[Exchange | dict[str, Any]] = ()) -> str:
    """The main answer, then each answer to a follow-up, blank-line separated: the text the graders grade.

    The probe texts are left out (as in the engine's view), so evidence can only quote the candidate.
    """
    parts = [answer] + [(ex if isinstance(ex, Exchange) else Exchange.from_record(ex)).answer for ex in exchanges]
    return "\n\n".join(part for part in parts if part.strip())


@dataclass
class Probe:
    text: str
    source: str  # "llm" or "script"
    targets: list[str]
    note: str = ""


def _stem(word: str) -> str:
    for suffix in ("ations", "ation", "ings", "ing", "ies", "es", "ed", "ly", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _tokens(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def overlap_covered(kp: dict[str, Any], answer: str) -> bool:
    """A key point counts as covered when an alias appears or most of its content words do."""
    lowered = answer.lower()
    if any(alias.lower() in lowered for alias in kp.get("aliases") or []):
        return True
    wanted = _tokens(kp["text"])
    return bool(wanted) and len(wanted & _tokens(answer)) / len(wanted) >= 0.6


def _rubric_for(question: dict[str, Any]) -> dict[str, Any] | None:
    try:
        from simulator.bank import default_bank

        return default_bank().rubric_for(question)
    except Exception:
        return None


def missing_key_points(question: dict[str, Any], answer: str, *, rubric: dict[str, Any] | None = None, registry=None) -> list[str]:
    """Ids of the key points the answer has not covered, in the question's order."""
    ids = [kp["id"] for kp in question.get("key_points") or []]
    if registry is None:
        from simulator.graders.base import registry
    try:
        keyword = registry.get("keyword")
    except (LookupError, ImportError, AttributeError):
        keyword = None
    rubric = rubric or (_rubric_for(question) if keyword is not None else None)
    if keyword is not None and rubric is not None and answer.strip():
        try:
            grade = keyword.grade(question, rubric, answer)
            covered = {k for c in grade["criteria"] for k in c.get("key_points_covered") or []}
            return [k for k in ids if k not in covered]
        except Exception:
            pass  # coverage is advisory: fall through to token overlap
    return [kp["id"] for kp in question.get("key_points") or [] if not overlap_covered(kp, answer)]


def leaks(probe: str, question: dict[str, Any]) -> list[str]:
    """Key point ids whose text (or a multi-word alias) appears verbatim in the probe."""
    flat = " ".join(probe.lower().split())
    out = []
    for kp in question.get("key_points") or []:
        phrases = [kp["text"]] + [a for a in kp.get("aliases") or [] if len(a.split()) > 1]
        if any(" ".join(p.lower().split()) in flat for p in phrases):
            out.append(kp["id"])
    return out


def scripted_probe(question: dict[str, Any], missing: list[str], asked: list[str]) -> Probe | None:
    """The unasked probe that targets the most missing key points; an untargeted one if none do."""
    asked_norm = {" ".join(a.lower().split()) for a in asked}
    best, best_hits = None, 0
    untargeted = None
    for p in question.get("probes") or []:
        if " ".join(p["text"].lower().split()) in asked_norm:
            continue
        targets = p.get("targets") or []
        hits = len(set(targets) & set(missing))
        if hits > best_hits:
            best, best_hits = p, hits
        if not targets and untargeted is None:
            untargeted = p
    chosen = best or untargeted
    if chosen is None:
        return None
    return Probe(chosen["text"], "script", [t for t in chosen.get("targets") or [] if t in missing])


def _asked_texts(asked: Iterable[Any]) -> list[str]:
    out = []
    for a in asked or []:
        if isinstance(a, Exchange):
            out.append(a.probe)
        elif isinstance(a, dict):
            out.append(str(a.get("probe", a.get("text", ""))))
        else:
            out.append(str(a))
    return out


def choose_probe(question: dict[str, Any], answer_so_far: str, asked: Iterable[Any] = (), *, rubric=None,
                 config: LLMConfig | None = None, registry=None) -> Probe | None:
    """The next follow-up with where it came from; None when there is nothing left worth asking."""
    asked_list = _asked_texts(asked)
    missing = missing_key_points(question, answer_so_far, rubric=rubric, registry=registry)
    scripted = scripted_probe(question, missing, asked_list)
    config = config or from_env()
    if not missing or not config.configured:
        return scripted
    from simulator.llm.adapter import LLMFault, get_adapter
    from simulator.llm.prompt import new_marker, probe_messages
    from simulator.llm.response_schema import PROBE_SCHEMA_NAME, probe_schema

    missing_kps = [kp for kp in question["key_points"] if kp["id"] in missing]
    messages = probe_messages(question, missing_kps, asked_list, answer_so_far, new_marker(answer_so_far))
    try:
        reply = get_adapter(config).structured(messages, PROBE_SCHEMA_NAME, probe_schema(missing))
    except LLMFault as fault:
        return _with_note(scripted, f"llm failed: {fault}")
    text = " ".join(reply.data["probe"].split())
    leaked = leaks(text, question)
    asked_norm = {" ".join(a.lower().split()) for a in asked_list}
    if leaked:
        return _with_note(scripted, f"llm probe revealed key point(s) {', '.join(leaked)}")
    if len(text) < 10 or len(text) > 500 or text.lower() in asked_norm:
        return _with_note(scripted, "llm probe was empty, too long or already asked")
    return Probe(text, "llm", [reply.data["target"]])


def _with_note(probe: Probe | None, note: str) -> Probe | None:
    if probe is not None:
        probe.note = note
    return probe


def next_probe(question: dict[str, Any], answer_so_far: str, asked: Iterable[Any] = (), **options: Any) -> str | None:
    """The text of the next follow-up (see `choose_probe`), or None when nothing is left to ask."""
    probe = choose_probe(question, answer_so_far, asked, **options)
    return probe.text if probe else None
