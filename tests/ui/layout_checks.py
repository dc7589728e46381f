"""Checks that text fits: nothing clipped, nothing on top of anything else.

Sound, not pixel-peeping: Qt computes how much room a label or button needs for its text in
the current font (``sizeHint``/``minimumSizeHint``, ``heightForWidth`` for wrapped text); a
control given less than that shows its text cut off. Layout-managed siblings never overlap
unless something is squeezed, so any overlap is a bug too.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QLabel,
    QMainWindow,
    QScrollArea,
    QScrollBar,
    QToolBar,
    QWidget,
)

from ui.announce import LIVE_LABEL

#: Fusion draws tab bars and frames a pixel or two over their neighbours on purpose.
SLACK = 2


def _name(w: QWidget) -> str:
    text = getattr(w, "text", lambda: "")()
    return f"{type(w).__name__} {w.accessibleName() or text!r}"


def _shown(w: QWidget) -> bool:
    return w.isVisible() and w.objectName() != LIVE_LABEL and not w.objectName().startswith("qt_")


def _in_scroll_content(w: QWidget) -> bool:
    """Inside a scroll area's content, where running past the edge means "scroll to it"."""
    parent = w.parentWidget()
    while parent is not None:
        if isinstance(parent.parentWidget(), QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def clipped(root: QWidget) -> list[str]:
    """Labels and buttons under ``root`` with less room than their text needs."""
    problems = []
    for w in [root, *root.findChildren(QWidget)]:
        if not _shown(w) or not isinstance(w, (QLabel, QAbstractButton)):
            continue
        if isinstance(w, QLabel) and not w.text() and w.pixmap().isNull():
            continue
        size = w.size()
        if isinstance(w, QLabel) and w.wordWrap():
            need_h = w.heightForWidth(size.width())
            if need_h > size.height() + 1:
                problems.append(f"{_name(w)}: wrapped text needs {need_h} px, has {size.height()}")
            continue
        need = w.sizeHint() if isinstance(w, QAbstractButton) else w.minimumSizeHint()
        if need.width() > size.width() + 1 or need.height() > size.height() + 1:
            problems.append(
                f"{_name(w)}: needs {need.width()}x{need.height()}, has "
                f"{size.width()}x{size.height()}"
            )
        # Inside its parents too: a parent smaller than its child cuts it off.
        if not _in_scroll_content(w):
            rect = QRect(w.mapTo(w.window(), w.rect().topLeft()), size)
            parent = w.parentWidget()
            while parent is not None and parent is not w.window():
                area = QRect(parent.mapTo(w.window(), parent.rect().topLeft()), parent.size())
                if not area.adjusted(-SLACK, -SLACK, SLACK, SLACK).contains(rect):
                    problems.append(f"{_name(w)} sticks out of {_name(parent)}")
                    break
                parent = parent.parentWidget()
    return problems


def sideways(root: QWidget) -> list[str]:
    """Scroll areas of whole screens that need a horizontal scroll bar: reading a line would
    mean scrolling back and forth (lists and text views may scroll their own long lines)."""
    return [
        f"{_name(area)} scrolls sideways"
        for area in root.findChildren(QScrollArea)
        if area.isVisible() and area.horizontalScrollBar().isVisible()
    ]


def _skip_children_of(w: QWidget) -> bool:
    # Scroll areas, toolbars and the main window place their own parts (viewport, scroll
    # bars, extension button, docks) with their own rules.
    return isinstance(w, (QAbstractScrollArea, QToolBar, QMainWindow))


def overlapping(root: QWidget) -> list[str]:
    """Visible siblings whose rectangles overlap (more than the style's slack)."""
    problems = []
    for parent in [root, *root.findChildren(QWidget)]:
        if not parent.isVisible() or _skip_children_of(parent):
            continue
        children = [
            c
            for c in parent.children()
            if isinstance(c, QWidget) and _shown(c) and not c.isWindow()
            and not isinstance(c, QScrollBar)
        ]  # fmt: skip
        for i, a in enumerate(children):
            for b in children[i + 1 :]:
                common = a.geometry().intersected(b.geometry())
                if common.width() > SLACK and common.height() > SLACK:
                    problems.append(f"{_name(a)} overlaps {_name(b)} in {_name(parent)}")
    return problems
