"""A dependency-free progress bar on stderr, shown only when stderr is a terminal."""
from __future__ import annotations

import sys
import time
from typing import Iterator, Sequence, TypeVar

T = TypeVar("T")


def progress(items: Sequence[T], *, label: str = "", enabled: bool = True, width: int = 30, stream=None) -> Iterator[T]:
    """Yield `items`, redrawing `label [#####.....] i/n` on `stream` (stderr) at most ten times a second."""
    stream = stream or sys.stderr
    total = len(items)
    if not enabled or total == 0:
        yield from items
        return
    last = 0.0
    for i, item in enumerate(items, 1):
        yield item
        now = time.monotonic()
        if now - last >= 0.1 or i == total:
            last = now
            done = int(width * i / total)
            stream.write(f"\r{label} [{'#' * done}{'.' * (width - done)}] {i}/{total}")
            stream.flush()
    stream.write("\n")
    stream.flush()
