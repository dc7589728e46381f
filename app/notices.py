"""Change notices: the core says what changed, screens that show it reload themselves.

A service publishes a ``Change`` after its transaction has committed, so whoever reloads on a
notice reads the new state, never a half-written one. Subscribers are plain callables; they may
be called on any thread (a transcription job publishes from its worker), so the desktop app
re-emits every notice on the main thread through one Qt bridge (``ui/notices.py``) and widgets
never see a worker thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

log = logging.getLogger(__name__)

#: What changed. "interview": title, notes, status, participants or consent; "transcript":
#: its segments or revision; "recordings": a take was added, left out, brought back or deleted;
#: "settings": the saved settings; "post": the blog post draft; "deleted": the interview is gone.
ChangeKind = Literal["interview", "transcript", "recordings", "settings", "post", "deleted"]


@dataclass(frozen=True)
class Change:
    kind: str
    #: The interview concerned; None for what belongs to no interview (settings, scripts).
    interview_id: int | None = None


Subscriber = Callable[[Change], None]


class Notices:
    """A small thread-safe publish/subscribe hub."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[int, Subscriber] = {}
        self._next = 0

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback(change)`` for every change from now on; returns an unsubscribe."""
        with self._lock:
            key = self._next
            self._next += 1
            self._subscribers[key] = callback

        def unsubscribe() -> None:
            with self._lock:
                self._subscribers.pop(key, None)

        return unsubscribe

    def publish(self, change: Change) -> None:
        """Tell every subscriber; one that fails is logged and does not stop the others."""
        with self._lock:
            # A copy: a subscriber may (un)subscribe while being called.
            callbacks = list(self._subscribers.values())
        for callback in callbacks:
            try:
                callback(change)
            except Exception:  # one broken screen must not stop the others being told
                log.exception("A change-notice subscriber failed on %s", change)

    def __len__(self) -> int:
        with self._lock:
            return len(self._subscribers)
