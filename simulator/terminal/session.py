"""A timed loop in the terminal: the question, a countdown, multi-line entry, probes, the scorecard."""
from __future__ import annotations


import queue
import sys
from typing import Any, Callable, IO

import click

from simulator.answer_format import format_rule
from simulator.bank import ROUND_NAMES
from simulator.terminal.reader import LineReader, edit_in_editor

HELP = (
    "Type your answer; each line is saved as you go. Commands on a line of their own:\n"
    "  .        done with this answer (then follow-up questions, then submit)\n"
    "  :e       edit the whole answer in $EDITOR     :f PATH  load the answer from a file\n"
    "  :r       run the visible examples (ML coding)  :t       time left\n"
    "  :p       pause / continue (practice mode only)  :q       save and quit (mockloop resume continues)\n"
)


def clock_text(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    seconds = max(0, int(seconds + 0.999))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def starter_code(question: dict[str, Any]) -> str:
    """The ML-coding problem's starter code (its signature and docstring), as the web page shows it."""
    name = (question.get("coding") or {}).get("problem")
    if not name:
        return ""
    try:
        from simulator.coding import get

        return str(get(name).STARTER).strip("\n")
    except Exception:  # the coding module is optional here: no starter is better than no round
        return ""


class Quit(Exception):
    """The candidate asked to stop; everything is saved."""


class TerminalSession:
    def __init__(self, service, user_id: int, loop_id: int, *, stdin: IO[str] | None = None,
                 echo: Callable[[str], None] | None = None, poll_s: float = 0.5, tty: bool | None = None):
        self.service = service
        self.user_id = user_id
        self.loop_id = loop_id
        self.reader = LineReader(stdin or sys.stdin)
        self.echo = echo or click.echo
        self.poll_s = poll_s
        self.tty = sys.stdout.isatty() if tty is None else tty
        self.starter = ""  # the current ML-coding round's starter code

    # ---- the whole loop ------------------------------------------------------------
    def run(self, grader: str = "auto") -> dict[str, Any]:
        view = self.service.get_loop(self.user_id, self.loop_id)
        track = self.service.bank.tracks.get(view["track"], {}).get("name", view["track"])
        self.echo(f"Loop {view['id']}: {track} ({view['kind']}, {view['mode']} mode, pace {view['pace']:g}). "
                  f"{len(view['rounds'])} round{'' if len(view['rounds']) == 1 else 's'}. Type :help for commands.")
        try:
            while True:
                view = self.service.get_loop(self.user_id, self.loop_id)
                current = view["current_round_id"]
                if current is None and view["next_round_id"] is None:
                    break
                if current is None:
                    nxt = next(r for r in view["rounds"] if r["id"] == view["next_round_id"])
                    self.echo(f"\nRound {nxt['position'] + 1}/{len(view['rounds'])}: {ROUND_NAMES.get(nxt['round'], nxt['round'])}, "
                              f"{clock_text(nxt['time_limit_s'])}. Press Enter to start (:q to stop here).")
                    if self._wait_line() in (":q", None):
                        raise Quit
                    current = self.service.start_next_round(self.user_id, self.loop_id)["id"]
                self.answer_round(current)
        except Quit:
            self.echo(f"Saved. Continue with: mockloop resume {self.loop_id}")
            return self.service.get_loop(self.user_id, self.loop_id)
        return self.service.grade(self.user_id, self.loop_id, grader)

    def _wait_line(self) -> str | None:
        while True:
            try:
                return self.reader.get(self.poll_s)
            except queue.Empty:
                continue

    # ---- one round -----------------------------------------------------------------
    def answer_round(self, round_id: int) -> None:
        rv = self.service.get_round(self.user_id, round_id)
        card = self.service.bank.papers.get(self.service.bank.question(rv["question_id"]).get("paper", ""))
        if card:
            authors = ", ".join(card["authors"][:3]) + (" et al." if len(card["authors"]) > 3 else "")
            self.echo(f"\nPaper: {card['title']} ({authors}, {card['venue']} {card['year']}, arXiv:{card['arxiv']})\n{card['summary']}")
        self.echo(f"\n{rv['prompt']}\n")
        rule = format_rule(self.service.bank.question(rv["question_id"]))
        if rule:
            self.echo(f"How your answer is read: {rule}\n")
        self.starter = starter_code(self.service.bank.question(rv["question_id"])) if rv["round"] == "ml_coding" else ""
        if self.starter:
            self.echo("Starter code (write this function; :e opens it in $EDITOR to fill in, :r runs the examples):\n"
                      f"{self.starter}\n")
        self.echo(f"[{clock_text(rv['time_left_s'])} left] " + ("Continue your answer." if rv["draft"] else "Your answer:"))
        if rv["draft"]:
            self.echo(rv["draft"])
        lines = rv["draft"].split("\n") if rv["draft"] else []
        rv = self._collect(round_id, lines, probe=None)
        if rv["status"] not in ("in_progress", "paused"):
            return
        rv = self.service.first_answer(self.user_id, round_id)
        handled: set[int] = set()
        while rv["status"] == "in_progress":
            for probe in rv["probes"]:
                if probe["index"] in handled or rv["status"] != "in_progress":
                    continue
                handled.add(probe["index"])
                self.echo(f"\nFollow-up: {probe['text']}\n(answer, then '.' on its own line)")
                rv = self._collect(round_id, probe["answer"].split("\n") if probe["answer"] else [], probe=probe["index"])
            if rv["status"] != "in_progress":
                break
            rv = self.service.ask_probe(self.user_id, round_id)
            if not rv["probe_asked"] and all(p["index"] in handled for p in rv["probes"]):
                break
        if rv["status"] in ("in_progress", "paused"):
            rv = self.service.submit(self.user_id, round_id)
            self.echo(f"Submitted round {rv['position'] + 1} with {clock_text(rv['time_left_s'])} left.")

    def _save(self, round_id: int, lines: list[str], probe: int | None) -> dict[str, Any]:
        text = "\n".join(lines)
        if probe is None:
            return self.service.save_draft(self.user_id, round_id, text)
        current = self.service.get_round(self.user_id, round_id)
        return self.service.save_draft(self.user_id, round_id, current["draft"], probe_answers={probe: text})

    def _collect(self, round_id: int, lines: list[str], probe: int | None) -> dict[str, Any]:
        """Read lines until '.', the deadline, or :q; autosave after every line."""
        prompt = True
        while True:
            view = self.service.tick(self.user_id, self.loop_id)
            rv = next(r for r in view["rounds"] if r["id"] == round_id)
            for mark in view.get("warnings", []):
                self.echo(f"\a[{clock_text(mark)} left]")
            if rv["status"] not in ("in_progress", "paused"):
                self.echo("\nTime is up: your last saved answer was submitted.")
                return rv
            if self.tty:  # a live countdown in the window title, and the time left before each new line
                sys.stdout.write(f"\x1b]0;mockloop {clock_text(rv['time_left_s'])} left\x07")
                if prompt:
                    sys.stdout.write(click.style(f"[{clock_text(rv['time_left_s'])}] ", dim=True))
                    prompt = False
                sys.stdout.flush()
            try:
                line = self.reader.get(self.poll_s)
            except queue.Empty:
                continue
            prompt = True
            if line is None:
                raise Quit
            command = line.strip()
            if command == ".":
                return self._save(round_id, lines, probe)
            if command == ":q":
                self._save(round_id, lines, probe)
                raise Quit
            if command == ":help":
                self.echo(HELP)
            elif command == ":t":
                self.echo(f"[{clock_text(rv['time_left_s'])} left]")
            elif command == ":p":
                self._toggle_pause(round_id, rv)
            elif command == ":e":
                start = "\n".join(lines) or (self.starter if probe is None else "")
                lines = edit_in_editor(start, ".py" if rv["round"] == "ml_coding" else ".md").split("\n")
                self._save(round_id, lines, probe)
                self.echo(f"[saved {len(lines)} line(s) from the editor]")
            elif command.startswith(":f "):
                lines = self._load_file(command[3:].strip(), lines)
                self._save(round_id, lines, probe)
            elif command == ":r":
                self._run_examples(rv, "\n".join(lines))
            else:
                lines.append(line)
                self._save(round_id, lines, probe)

    def _toggle_pause(self, round_id: int, rv: dict[str, Any]) -> None:
        from simulator.engine import ModeError

        try:
            if rv["paused"]:
                self.service.unpause(self.user_id, round_id)
                self.echo("[continuing]")
            else:
                self.service.pause(self.user_id, round_id)
                self.echo("[paused: type :p to continue]")
        except ModeError as exc:
            self.echo(f"[{exc}]")

    def _load_file(self, path: str, lines: list[str]) -> list[str]:
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except OSError as exc:
            self.echo(f"[cannot read {path}: {exc.strerror}]")
            return lines
        self.echo(f"[loaded {path}]")
        return text.rstrip("\n").split("\n")

    def _run_examples(self, rv: dict[str, Any], code: str) -> None:
        if rv["round"] != "ml_coding":
            self.echo("[:r runs code; this is not an ML-coding round]")
            return
        from simulator.coding.visible import run_visible_summary

        self.echo(run_visible_summary(self.service.bank.question(rv["question_id"]), code))
