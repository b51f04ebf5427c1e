"""The question authoring form: the common fields of a question as form fields, built into the same JSON document
the JSON editor saves, so the one validation (`simulator.teams.save_question`) checks both.

The form covers id, round, rubric, tracks, difficulty, time limit, what it tests, the prompt, the key points (text,
criterion, aliases and contradicting phrasings one a line, because), the probes (one a line) and the reference answer.
Everything else in the document (topics, tags, examples, a key point's weight, a probe's targets, ...) travels in a
hidden `base` field and is kept as it was; the JSON view edits it. A blank field is left out of the document, so the
schema's own "'prompt' is required" names it. Problems come back as JSON pointers and are mapped to the form field
they are about (`field_errors`); those about fields the form does not show are listed with their pointer.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from simulator.validation import Problem, schema

FIELDS = ("id", "round", "rubric", "difficulty", "time_limit_min", "tests", "prompt", "reference_answer")
FORM_KEYS = set(FIELDS) | {"tracks", "key_points", "probes"}
KP_TEXT = ("id", "text", "criterion", "because")
KP_LINES = ("aliases", "contradicts")
KP_KEYS = KP_TEXT + KP_LINES
MAX_KEY_POINTS = 100
LABELS = {"id": "Question id", "round": "Round", "rubric": "Rubric", "tracks": "Tracks", "difficulty": "Difficulty",
          "time_limit_min": "Time limit (minutes)", "tests": "What it tests", "prompt": "Prompt",
          "reference_answer": "Reference answer", "key_points": "Key points", "probes": "Probes"}
KP_LABELS = {"id": "id", "text": "claim", "criterion": "criterion", "because": "because",
             "aliases": "aliases", "contradicts": "misconceptions"}
REQUIRED = re.compile(r"^'([A-Za-z_]+)' is required$")


def enum(name: str) -> list[str]:
    return list(schema("question")["properties"][name]["enum"])


@dataclass
class KeyPoint:
    """One key point block as typed; `orig` is its index in the base document ('' for a new block)."""

    id: str = ""
    text: str = ""
    criterion: str = ""
    because: str = ""
    aliases: str = ""
    contradicts: str = ""
    orig: str = ""

    def blank(self) -> bool:
        return not any(getattr(self, k).strip() for k in KP_KEYS)


@dataclass
class QuestionForm:
    fields: dict[str, str] = field(default_factory=dict)
    tracks: list[str] = field(default_factory=list)
    probes: str = ""
    key_points: list[KeyPoint] = field(default_factory=list)
    base: dict[str, Any] = field(default_factory=dict)

    @property
    def base_json(self) -> str:
        return json.dumps(self.base, ensure_ascii=False, separators=(",", ":"))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _lines(values: Any) -> str:
    return "\n".join(_text(v) for v in values) if isinstance(values, list) else _text(values)


def from_document(doc: Any) -> QuestionForm:
    """The form showing a document (the stored question, a starter, or what the JSON view held)."""
    doc = doc if isinstance(doc, dict) else {}
    kps = doc.get("key_points") if isinstance(doc.get("key_points"), list) else []
    probes = doc.get("probes") if isinstance(doc.get("probes"), list) else []
    tracks = doc.get("tracks") if isinstance(doc.get("tracks"), list) else []
    blocks = []
    for i, kp in enumerate(kps):
        kp = kp if isinstance(kp, dict) else {}
        blocks.append(KeyPoint(**{k: _text(kp.get(k)) for k in KP_TEXT}, **{k: _lines(kp.get(k)) for k in KP_LINES},
                               orig=str(i)))
    return QuestionForm(fields={k: _text(doc.get(k)) for k in FIELDS}, tracks=[_text(t) for t in tracks],
                        probes="\n".join(_text(p.get("text")) if isinstance(p, dict) else _text(p) for p in probes),
                        key_points=blocks or [KeyPoint()], base=doc)


def from_request(form) -> QuestionForm:
    """The form as submitted (a werkzeug MultiDict); a base that is not a JSON object counts as empty."""
    try:
        base = json.loads(form.get("base", "") or "{}")
    except ValueError:
        base = {}
    try:
        count = min(max(int(form.get("kp-count", "0")), 0), MAX_KEY_POINTS)
    except ValueError:
        count = 0
    blocks = [KeyPoint(**{k: form.get(f"kp-{i}-{k}", "") for k in KP_KEYS}, orig=form.get(f"kp-{i}-orig", ""))
              for i in range(count)]
    return QuestionForm(fields={k: form.get(k, "") for k in FIELDS}, tracks=form.getlist("tracks"),
                        probes=form.get("probes", ""), key_points=blocks, base=base if isinstance(base, dict) else {})


def _split(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def _number(text: str) -> Any:
    try:
        value = float(text)
    except ValueError:
        return text  # the schema says it is not a number
    return int(value) if value.is_integer() else value


def _slug(text: str, taken: set[str], n: int) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())[:4]
    slug = "-".join(words)[:40].strip("-") or f"kp{n}"
    out, k = slug, 2
    while out in taken:
        out, k = f"{slug}-{k}", k + 1
    return out


@dataclass
class Built:
    """The document, and where its key points and probes came from (block index, probe line) for the errors."""

    document: dict[str, Any]
    kp_blocks: list[int]
    probe_lines: list[int]


def build(qf: QuestionForm) -> Built:
    """The question document from the form; an id left blank on a key point with text is made from its text
    (and written back into the form, so the page shows it)."""
    base = qf.base
    base_kps = base.get("key_points") if isinstance(base.get("key_points"), list) else []
    base_probes = base.get("probes") if isinstance(base.get("probes"), list) else []
    key_points, kp_blocks = [], []
    taken = {kp.id.strip() for kp in qf.key_points if kp.id.strip()}
    for i, block in enumerate(qf.key_points):
        if block.blank():
            continue
        extra: dict[str, Any] = {}
        if block.orig.isdigit() and int(block.orig) < len(base_kps) and isinstance(base_kps[int(block.orig)], dict):
            extra = {k: v for k, v in base_kps[int(block.orig)].items() if k not in KP_KEYS}
        if not block.id.strip() and block.text.strip():
            block.id = _slug(block.text, taken, len(key_points) + 1)
            taken.add(block.id)
        kp: dict[str, Any] = dict(extra)
        for k in KP_TEXT:
            if value := getattr(block, k).strip():
                kp[k] = value
        for k in KP_LINES:
            if lines := _split(getattr(block, k)):
                kp[k] = lines
        order = list(schema("question")["properties"]["key_points"]["items"]["properties"])
        kp = {k: kp[k] for k in sorted(kp, key=lambda k: order.index(k) if k in order else len(order))}
        key_points.append(kp)
        kp_blocks.append(i)
    probes, probe_lines, used = [], [], set()
    for n, line in enumerate(qf.probes.replace("\r\n", "\n").split("\n")):
        if not line.strip():
            continue
        match = next((j for j, p in enumerate(base_probes) if j not in used and isinstance(p, dict)
                      and p.get("text") == line.strip()), None)
        if match is None:
            probes.append({"text": line.strip()})
        else:
            used.add(match)
            probes.append(dict(base_probes[match]))
        probe_lines.append(n)
    values: dict[str, Any] = {}
    for k in FIELDS:
        text = qf.fields.get(k, "").replace("\r\n", "\n").strip()
        if text:
            values[k] = _number(text) if k == "time_limit_min" else text
    chosen = list(dict.fromkeys(t.strip() for t in qf.tracks if t.strip()))
    if chosen:  # in the stored order (the boxes are sorted), so an unchanged question stays unchanged
        before = [t for t in base.get("tracks", []) if t in chosen] if isinstance(base.get("tracks"), list) else []
        values["tracks"] = before + [t for t in chosen if t not in before]
    values["key_points"], values["probes"] = key_points, probes
    document: dict[str, Any] = {}
    for k in schema("question")["properties"]:  # the schema's order, as the bundled bank writes it
        if k in FORM_KEYS:
            if k in values:
                document[k] = values[k]
        elif k in base:
            document[k] = base[k]
    document.update({k: v for k, v in base.items() if k not in document and k not in FORM_KEYS})
    return Built(document, kp_blocks, probe_lines)


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


@dataclass
class Errors:
    """Problems by form field name (`prompt`, `kp-1-criterion`, ...), and a summary naming each field."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    summary: list[tuple[str, str, str]] = field(default_factory=list)  # (anchor id or '', field label, message)

    def add(self, name: str, label: str, message: str) -> None:
        self.fields.setdefault(name, []).append(message)
        self.summary.append((f"f-{name}", label, message))


def field_errors(problems: list[Problem], built: Built) -> Errors:
    """Each problem next to its field; a problem about a part the form does not show is listed by its pointer."""
    out = Errors()
    for p in problems:
        parts = [_unescape(x) for x in p.pointer.split("/")[1:]] if p.pointer else []
        required = REQUIRED.match(p.message)
        if not parts:
            if required and required.group(1) in FORM_KEYS:
                out.add(required.group(1), LABELS[required.group(1)], p.message)
            else:
                out.summary.append(("", "The question", p.message))
            continue
        top = parts[0]
        if top in FIELDS or top == "tracks":
            out.add(top, LABELS[top], p.message)
        elif top == "key_points" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(built.kp_blocks):
            block = built.kp_blocks[int(parts[1])]
            key = parts[2] if len(parts) > 2 else (required.group(1) if required else "")
            where = f"Key point {block + 1}"
            if key in KP_KEYS:
                line = f"line {int(parts[3]) + 1}: " if len(parts) > 3 and parts[3].isdigit() else ""
                out.add(f"kp-{block}-{key}", f"{where}, {KP_LABELS[key]}", line + p.message)
            else:  # weight, supports_level, an unknown field: kept from the JSON, edited there
                out.summary.append(("", f"{where} ({p.pointer}, in the JSON view)", p.message))
        elif top in ("key_points", "probes"):
            if top == "probes" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(built.probe_lines):
                rest = "/".join(parts[2:])
                detail = "" if rest == "text" else f"{rest}: "
                out.add("probes", LABELS["probes"], f"line {built.probe_lines[int(parts[1])] + 1}: {detail}{p.message}")
            else:
                out.add(top, LABELS[top], p.message)
        else:
            out.summary.append(("", f"{p.pointer} (in the JSON view)", p.message))
    return out
