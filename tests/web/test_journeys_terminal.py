"""Terminal journey: an ML-coding round shows its starter code (signature and docstring), as the web page does."""
import io

from simulator.terminal import session as terminal
from simulator.terminal.session import TerminalSession


def _run(service, user, round_type, stdin, monkeypatch=None):
    loop = service.create_loop(user, "research-engineer", round_type=round_type, seed=3)
    out: list[str] = []
    session = TerminalSession(service, user, loop["id"], stdin=io.StringIO(stdin), echo=out.append, poll_s=0.01, tty=False)
    session.run()
    return "\n".join(out)


def test_ml_coding_round_shows_the_starter_code(service, user):
    text = _run(service, user, "ml_coding", "\n:q\n")
    assert "Starter code" in text
    assert "def softmax(x):" in text and "Return softmax over the last axis" in text


def test_editing_an_empty_ml_coding_answer_starts_from_the_starter(service, user, monkeypatch):
    seen = []
    monkeypatch.setattr(terminal, "edit_in_editor", lambda text, suffix: seen.append(text) or "def softmax(x):\n    return x")
    _run(service, user, "ml_coding", "\n:e\n:q\n")
    assert seen and seen[0].startswith("import numpy as np") and "def softmax(x):" in seen[0]


def test_text_rounds_show_no_starter(service, user):
    assert "Starter code" not in _run(service, user, "behavioral", "\n:q\n")
