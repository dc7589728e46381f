"""Live captions: the last lines said, large and white on black, on the interview screen or
in a separate window a participant can move where they can see it.

Screen readers are not flooded: the caption label has a fixed accessible name and
description (Qt announces a label's text changes only when it has no accessible name of its
own) and never takes the focus. The full text is in the transcript once the take ends.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.models import Segment

#: How many lines stay on screen: enough to catch up, few enough to read at a glance.
LINES = 3
WAITING = "Captions appear here as you talk."


class CaptionView(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(WAITING, parent)
        self.setProperty("role", "captions")
        self.setObjectName("captions")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName("Live captions")
        self.setAccessibleDescription(
            "What is being said, shown while recording. Not read out line by line; "
            "the whole transcript is ready when the take ends."
        )
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
        self.lines: list[str] = []

    def add(self, segments: Iterable[Segment]) -> None:
        for seg in segments:
            text = seg.text.strip()
            if text:
                self.lines.append(f"{seg.speaker}: {text}" if seg.speaker else text)
        self.lines = self.lines[-LINES:]
        self.setText("\n".join(self.lines) if self.lines else WAITING)

    def show_lines(self, lines: list[str]) -> None:
        self.lines = lines[-LINES:]
        self.setText("\n".join(self.lines) if self.lines else WAITING)

    def clear_lines(self) -> None:
        self.show_lines([])

    def sizeHint(self):
        hint = super().sizeHint()
        # Room for all the lines from the start, so the screen does not jump as they come.
        hint.setHeight(max(hint.height(), self.fontMetrics().lineSpacing() * LINES + 12))
        return hint

    def minimumSizeHint(self):
        hint = super().minimumSizeHint()
        hint.setHeight(self.sizeHint().height())
        return hint


class CaptionWindow(QWidget):
    """A separate, movable and resizable window with the same captions."""

    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Live captions")
        self.setObjectName("captions-window")
        self.setAccessibleName("Live captions window")
        self.view = CaptionView(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        self.resize(720, self.view.sizeHint().height() + 40)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()
        super().closeEvent(event)
