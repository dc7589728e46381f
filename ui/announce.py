"""Tell screen-reader users what changed when their focus did not move: the one way to do it.

Qt 6.8 added ``QAccessibleAnnouncementEvent``, which Orca (AT-SPI ``object:announcement``) and
NVDA (UIA notification) speak without moving the focus. Older Qt has no such event; there the
text goes into a small live label of the window and a name-change event is sent for it, which
screen readers only read when they watch that label: a fallback, not an equal.

Every announcement is also kept in ``history`` and emitted by ``announcer.announced``, so tests
check what a blind user would be told without a screen reader running.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAccessible, QAccessibleEvent
from PySide6.QtWidgets import QLabel, QWidget

try:
    from PySide6.QtGui import QAccessibleAnnouncementEvent
except ImportError:  # Qt < 6.8
    QAccessibleAnnouncementEvent = None  # type: ignore[assignment,misc]

log = logging.getLogger(__name__)

#: The same sentence twice within this many seconds is said once (a screen and the main
#: window's status bar often report one event each).
REPEAT_S = 1.5
#: History kept for tests and for the log; older entries are dropped.
KEEP = 500
LIVE_LABEL = "announcements"


@dataclass(frozen=True)
class Announcement:
    text: str
    assertive: bool
    at: float  # time.monotonic()


class Announcer(QObject):
    announced = Signal(str, bool)  # text, assertive


announcer = Announcer()
history: list[Announcement] = []


def texts() -> list[str]:
    return [a.text for a in history]


def announce(widget: QWidget, text: str, *, assertive: bool = False) -> bool:
    """Have screen readers speak ``text`` (interrupting if ``assertive``); False if skipped
    as a repeat. Call on the UI thread; ``widget`` is where it happened."""
    text = " ".join(text.split())
    if not text:
        return False
    now = time.monotonic()
    last = history[-1] if history else None
    if last is not None and last.text == text and now - last.at < REPEAT_S:
        return False
    history.append(Announcement(text, assertive, now))
    del history[:-KEEP]
    log.debug("Announced%s: %s", " (assertive)" if assertive else "", text)
    if QAccessibleAnnouncementEvent is not None:
        if QAccessible.isActive():  # no screen reader, no work
            event = QAccessibleAnnouncementEvent(widget, text)
            politeness = QAccessible.AnnouncementPoliteness
            event.setPoliteness(politeness.Assertive if assertive else politeness.Polite)
            QAccessible.updateAccessibility(event)
    else:
        _live_label(widget, text)
    announcer.announced.emit(text, assertive)
    return True


def live_label(window: QWidget) -> QLabel:
    """The window's live label (made on first use): shown text, for the fallback path."""
    label = window.findChild(QLabel, LIVE_LABEL)
    if label is None:
        label = QLabel(window)
        label.setObjectName(LIVE_LABEL)
        # Out of sight: the status bar or the screen already shows the same words. Its name
        # is its text, so the name-change event carries the sentence.
        label.setGeometry(0, 0, 1, 1)
        label.lower()
        label.show()
    return label


def _live_label(widget: QWidget, text: str) -> None:
    label = live_label(widget.window())
    label.setText(text)
    if QAccessible.isActive():
        QAccessible.updateAccessibility(QAccessibleEvent(label, QAccessible.Event.NameChanged))
        QAccessible.updateAccessibility(QAccessibleEvent(label, QAccessible.Event.Alert))
