"""Bounded sandbox concurrency: a counting semaphore in the queue's key-value store, so every process sharing
the queue (web processes, workers) shares the bound. A slot held longer than `stale_s` (its process died) is
taken back."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

PREFIX = "mockloop.sandbox."


class Busy(RuntimeError):
    """No slot: the message says why (this user's run in flight, or the server's bound reached)."""


class SandboxSlots:
    def __init__(self, huey, *, total: int, per_user: int, now: Callable[[], float], stale_s: float = 300.0):
        if total < 1 or per_user < 1:
            raise ValueError("sandbox slots: the global and per-user limits must be at least 1")
        self.huey = huey
        self.total = total
        self.per_user = per_user
        self.now = now
        self.stale_s = stale_s

    def _take(self, keys: list[str]) -> str | None:
        now = self.now()
        for key in keys:
            if self.huey.put_if_empty(key, now):
                return key
        for key in keys:  # every slot held: any left by a dead process?
            held_since = self.huey.get(key, peek=True)
            if held_since is not None and now - held_since > self.stale_s:
                self.huey.delete(key)
                if self.huey.put_if_empty(key, now):
                    return key
        return None

    def in_use(self) -> int:
        return sum(self.huey.get(f"{PREFIX}all.{i}", peek=True) is not None for i in range(self.total))

    def take_user(self, user_id: int) -> str:
        """One of the user's slots (its key, to release), or Busy."""
        mine = self._take([f"{PREFIX}user.{user_id}.{i}" for i in range(self.per_user)])
        if mine is None:
            raise Busy("A run is already in progress; wait for its output before running again."
                       if self.per_user == 1 else
                       f"{self.per_user} runs are already in progress; wait for one to finish.")
        return mine

    def take_shared(self) -> str:
        """One of the server's slots (its key, to release), or Busy."""
        shared = self._take([f"{PREFIX}all.{i}" for i in range(self.total)])
        if shared is None:
            raise Busy(f"The server is running as many code runs as it allows ({self.total}); try again in a moment.")
        return shared

    def release(self, key: str | None) -> None:
        if key:
            self.huey.delete(key)

    @contextmanager
    def hold(self, user_id: int) -> Iterator[None]:
        """One slot of the user's and one of the server's for the duration, or Busy at once (never a wait)."""
        mine = self.take_user(user_id)
        try:
            shared = self.take_shared()
            try:
                yield
            finally:
                self.release(shared)
        finally:
            self.release(mine)
