"""A screen's body that scrolls up and down when the window is too short for it.

With large text (or the transcription panel open on a small laptop screen) a screen can need
more height than there is; Qt would then make the window taller than the display and cut off
its bottom. Inside this area it scrolls instead, and Qt scrolls the focused control into view
as the user tabs. It never scrolls sideways: it asks for the content's full width instead, so
nobody reads a line by scrolling back and forth.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QAbstractItemView, QListView, QScrollArea, QWidget


def wrap_lines(view: QListView) -> QListView:
    """A list of sentences whose long lines wrap instead of scrolling sideways."""
    view.setWordWrap(True)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.setResizeMode(QListView.ResizeMode.Adjust)  # re-wrap when the width changes
    view.setTextElideMode(Qt.TextElideMode.ElideNone)
    return view


class VerticalScroll(QScrollArea):
    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setWidget(content)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the fields inside take the focus
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def minimumSizeHint(self) -> QSize:
        content = self.widget().minimumSizeHint().width()
        bar = self.verticalScrollBar().sizeHint().width()
        return QSize(content + bar + 2 * self.frameWidth(), super().minimumSizeHint().height())
