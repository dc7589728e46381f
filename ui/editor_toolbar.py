"""Toolbars of the transcript editor: actions with keys, buttons reachable by Tab."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolBar, QToolButton, QWidget


def together(label: QLabel, field: QWidget) -> QWidget:
    """A label and its field as one toolbar item: with large text the toolbar moves what does
    not fit into its "»" menu, and the two must not end up apart."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(4, 0, 4, 0)
    row.addWidget(label)
    row.addWidget(field)
    return box


def make_action(
    owner: QWidget, text: str, keys: str, slot: Callable[[], object], tip: str
) -> QAction:
    action = QAction(text, owner)
    action.setShortcuts([QKeySequence(k) for k in keys.split(", ") if k])
    # Only while focus is inside the editor, so other screens keep their own keys.
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.setToolTip(f"{tip} ({keys})")
    action.triggered.connect(lambda _checked=False: slot())
    owner.addAction(action)
    return action


def make_toolbar(owner: QWidget, name: str, actions: list[QAction], *widgets: QWidget) -> QToolBar:
    bar = QToolBar(name, owner)
    bar.setAccessibleName(name)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    for action in actions:
        bar.addAction(action)
        # Toolbar buttons take no focus by default; keyboard-only users Tab to them.
        button = bar.widgetForAction(action)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        button.setAccessibleName(action.text())
        button.setAccessibleDescription(action.toolTip())
    for widget in widgets:
        bar.addWidget(widget)
    # With large text the bar overflows into a "»" menu; keyboard users must reach it too.
    more = bar.findChild(QToolButton, "qt_toolbar_ext_button")
    if more is not None:
        more.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        more.setAccessibleName(f"More {name.lower()} controls")
    return bar


def reserve_width(bar: QToolBar, action: QAction, labels: Sequence[str]) -> None:
    """Give an action's button the width of its longest label, so changing it moves nothing."""
    button = bar.widgetForAction(action)
    if button is None:
        return
    current = action.text()
    widths = []
    for label in labels:
        action.setText(label)
        widths.append(button.sizeHint().width())
    action.setText(current)
    button.setMinimumWidth(max(widths))
