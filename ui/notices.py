"""The one bridge from the core's change notices to the main thread.

``app.notices`` may call subscribers on a worker thread (a transcription job publishes from
there). ``NoticeBridge`` re-emits each ``Change`` as a Qt signal from an object that lives on the
main thread, so Qt queues it across and every screen's slot runs on the main thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal

from app.notices import Change, Notices


class NoticeBridge(QObject):
    #: A ``Change``, always delivered on the main thread.
    changed = Signal(object)

    def __init__(self, notices: Notices, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Emitting from another thread to a main-thread receiver is queued by Qt itself.
        self._unsubscribe: Callable[[], None] | None = notices.subscribe(self.changed.emit)
        self.destroyed.connect(lambda *_a: self.close())

    def close(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None


_bridges: dict[int, NoticeBridge] = {}


def bridge_for(notices: Notices) -> NoticeBridge:
    """The single bridge for one hub (created on first use, on the main thread)."""
    key = id(notices)
    found = _bridges.get(key)
    if found is None:
        found = _bridges[key] = NoticeBridge(notices)
    return found


def on_change(notices: Notices, slot: Callable[[Change], None]) -> None:
    """Have ``slot`` called on the main thread for every change published on ``notices``.

    Always queued, also for a change made on the main thread: a screen then never reloads
    in the middle of its own call (the widget that made the change is still using itself).
    """
    bridge_for(notices).changed.connect(slot, Qt.ConnectionType.QueuedConnection)
