"""Help > Keyboard shortcuts (built from the real menus, so it cannot drift) and Help > About."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMenuBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.version import version

#: Keys that work without a menu entry.
EXTRA_KEYS = [
    ("Tab / Shift+Tab", "Move to the next / previous control"),
    ("Enter", "Open the selected interview (in the library)"),
    ("Delete", "Delete the selected interview (asks first)"),
    ("Alt + underlined letter", "Press that button or go to that field"),
]


def menu_shortcuts(bar: QMenuBar) -> list[tuple[str, str]]:
    rows = []
    for menu_action in bar.actions():
        menu = menu_action.menu()
        if menu is None:
            continue
        menu_name = menu_action.text().replace("&", "")
        for action in menu.actions():
            keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
            if keys:
                name = action.text().replace("&", "").rstrip("…")
                rows.append((" or ".join(keys), f"{menu_name}: {name}"))
    return rows


def widget_shortcuts(screen: QWidget, area: str) -> list[tuple[str, str]]:
    """Shortcuts a screen keeps on its own actions and buttons (active while it is shown)."""
    rows = []
    for action in screen.actions():
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        if keys:
            name = action.text().replace("&", "").rstrip("…")
            rows.append((" or ".join(keys), f"{area}: {name}"))
    for button in screen.findChildren(QAbstractButton):
        shortcut = button.shortcut()
        # Alt+letter mnemonics are covered by the general "Alt + underlined letter" row.
        if shortcut.isEmpty() or shortcut == QKeySequence.mnemonic(button.text()):
            continue
        key = shortcut.toString(QKeySequence.SequenceFormat.NativeText)
        rows.append((key, f"{area}: {button.text().replace('&', '').rstrip('…')}"))
    return rows


class ShortcutsDialog(QDialog):
    def __init__(
        self, bar: QMenuBar, extra: Sequence[tuple[str, str]] = (), parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setAccessibleName("Keyboard shortcuts")
        self.rows = menu_shortcuts(bar) + list(extra) + EXTRA_KEYS
        self.table = QTableWidget(len(self.rows), 2)
        self.table.setHorizontalHeaderLabels(["Keys", "What it does"])
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, (keys, what) in enumerate(self.rows):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(what))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(620, 560)


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Buddy Interviews")
        self.setAccessibleName("About Buddy Interviews")
        title = QLabel(f"Buddy Interviews {version()}")
        title.setProperty("role", "heading")
        self.version_label = title
        text = QLabel(
            "Interview a colleague, record it, turn it into text on this computer and make a "
            "blog post of it. Recordings and transcripts never leave this computer unless you "
            "export them."
        )
        text.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(text)
        layout.addWidget(buttons)
