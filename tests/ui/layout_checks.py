"""Checks that text fits: nothing clipped, nothing on top of anything else.

Sound, not pixel-peeping: Qt computes how much room a label or button needs for its text in
the current font (``sizeHint``/``minimumSizeHint``, ``heightForWidth`` for wrapped text); a
control given less than that shows its text cut off. Layout-managed siblings never overlap
unless something is squeezed, so any overlap is a bug too.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QComboBox,
    QLabel,
    QListView,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QScrollBar,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
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
    """Scroll areas of whole screens, and lists of sentences, that need a horizontal scroll
    bar: reading a line would mean scrolling back and forth (tables and text editors may
    scroll their own long lines)."""
    return [
        f"{_name(area)} scrolls sideways"
        for area in root.findChildren(QAbstractScrollArea)
        if isinstance(area, (QScrollArea, QListView))
        and area.isVisible()
        and area.horizontalScrollBar().isVisible()
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


# -- focus rings and popups -------------------------------------------------------------------


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _text_need(w: QWidget, text: str, icon_w: int = 0) -> tuple[int, int]:
    fm = w.fontMetrics()
    lines = _plain(text).splitlines() or [""]
    width = max(fm.horizontalAdvance(line) for line in lines) + icon_w
    return width, fm.height() * len(lines)


def focus_ring_clipped(root: QWidget) -> list[str]:
    """Buttons and drop-downs whose text would not fit inside their focus ring.

    The ring is a thicker border drawn inside the widget: layouts size a button for its
    unfocused border, so a ring that is thicker than that border eats into the room for the
    label. The style's own contents rectangle, asked with the focus state set, says how much
    room the text has while the widget has the focus.
    """
    problems = []
    for w in [root, *root.findChildren(QWidget)]:
        if not _shown(w) or not w.focusPolicy() & Qt.FocusPolicy.TabFocus:
            continue
        style = w.style()
        if isinstance(w, QPushButton) and w.text():
            opt = QStyleOptionButton()
            w.initStyleOption(opt)
            opt.state |= QStyle.StateFlag.State_HasFocus
            room = style.subElementRect(QStyle.SubElement.SE_PushButtonContents, opt, w)
            icon_w = opt.iconSize.width() + 4 if not opt.icon.isNull() else 0
            need_w, need_h = _text_need(w, w.text(), icon_w)
        elif isinstance(w, QComboBox) and not w.isEditable() and w.currentText():
            opt = QStyleOptionComboBox()
            w.initStyleOption(opt)
            opt.state |= QStyle.StateFlag.State_HasFocus
            room = style.subControlRect(
                QStyle.ComplexControl.CC_ComboBox, opt, QStyle.SubControl.SC_ComboBoxEditField, w
            )
            need_w, need_h = _text_need(w, w.currentText())
        else:
            continue
        if need_w > room.width() + 1 or need_h > room.height() + 1:
            problems.append(
                f"{_name(w)}: with the focus ring its text needs {need_w}x{need_h}, has "
                f"{room.width()}x{room.height()}"
            )
    return problems


def popup_too_small(view: QAbstractItemView, *, rows: int) -> list[str]:
    """A drop-down or auto-complete list shown smaller than the ``rows`` it should show."""
    if not view.isVisible():
        return [f"{_name(view)} is not shown"]
    model = view.model()
    shown_rows = min(rows, model.rowCount())
    problems = []
    viewport = view.viewport().size()
    need_h = sum(view.sizeHintForRow(r) for r in range(shown_rows))
    if viewport.height() + 1 < need_h:
        problems.append(f"popup shows {viewport.height()} px of the {need_h} px its rows need")
    fm = view.fontMetrics()
    for r in range(shown_rows):
        text = str(model.index(r, 0).data() or "")
        if fm.horizontalAdvance(text) > viewport.width() + 1:
            problems.append(f"popup row {text!r} needs {fm.horizontalAdvance(text)} px wide, "
                            f"has {viewport.width()}")  # fmt: skip
    return problems
