"""Line input that never blocks the countdown: a thread reads, the session polls with a timeout."""
from __future__ import annotations

import queue
import threading
from typing import IO


class LineReader:
    """Reads lines from a stream on a daemon thread; `get(timeout)` returns a line, None at EOF,
    or raises queue.Empty when nothing arrived in time."""

    def __init__(self, stream: IO[str]):
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._eof = False
        thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        thread.start()

    def _pump(self, stream: IO[str]) -> None:
        try:
            for line in stream:
                self._lines.put(line.rstrip("\n"))
        except (ValueError, OSError):  # stream closed under us
            pass
        self._lines.put(None)

    def get(self, timeout: float) -> str | None:
        if self._eof:
            return None
        line = self._lines.get(timeout=timeout)
        if line is None:
            self._eof = True
        return line


def edit_in_editor(text: str, suffix: str = ".md") -> str:
    """Open $VISUAL/$EDITOR on the text and return what was saved."""
    import click

    edited = click.edit(text, extension=suffix, require_save=False)
    return text if edited is None else edited.rstrip("\n")
