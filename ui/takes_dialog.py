"""The takes of one interview: leave a take out, bring it back, or delete it (asked first).

An interview's takes are one conversation in the order they were recorded; each is listed
with its length and how it came, with a tick for "use in the transcript and exports".
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.models import Recording
from app.notices import Change
from app.services import Services
from ui import dialogs
from ui.announce import announce
from ui.errors import show_error
from ui.interview_controls import fmt_clock
from ui.notices import on_change

_HOW = {"imported": "imported", "recovered": "recovered after a crash"}


def how_made(take: Recording) -> str:
    if take.status == "stopped-early":
        return "recorded, stopped early"
    return _HOW.get(take.status, "recorded")


def take_text(number: int, take: Recording) -> str:
    when = f"{take.created_at:%d %b %H:%M}"
    return f"Take {number}: {fmt_clock(take.duration_s)}, {how_made(take)}, {when}"


class TakesDialog(QDialog):
    def __init__(self, services: Services, interview_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.interview_id = interview_id
        self.setWindowTitle("Takes of this interview")
        self.setAccessibleName("Takes of this interview")
        intro = QLabel(
            "The takes are one conversation, in the order they were recorded. Untick a take "
            "to leave it out of the transcript and exports; it stays on disk."
        )
        intro.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Takes")
        self.list.setAccessibleDescription("Space ticks or unticks the selected take.")
        self.list.itemChanged.connect(self._ticked)
        self.delete_button = QPushButton("&Delete take…", self)
        self.delete_button.setAccessibleName("Delete take")
        self.delete_button.clicked.connect(self.delete_selected)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (intro, self.list, self.delete_button, self.status, buttons):
            layout.addWidget(widget)
        on_change(services.notices, self._on_change)
        self.refresh()

    def _on_change(self, change: Change) -> None:
        if change.interview_id == self.interview_id and change.kind == "recordings":
            self.refresh()

    def refresh(self) -> None:
        self.takes = self.services.takes(self.interview_id)
        self.list.blockSignals(True)
        row = max(self.list.currentRow(), 0)
        self.list.clear()
        for number, take in enumerate(self.takes, start=1):
            item = QListWidgetItem(take_text(number, take))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if take.included else Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, take.id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        if self.takes:
            self.list.setCurrentRow(min(row, len(self.takes) - 1))
        self.delete_button.setEnabled(bool(self.takes))

    def _ticked(self, item: QListWidgetItem) -> None:
        included = item.checkState() == Qt.CheckState.Checked
        name = item.text().split(":")[0]
        try:
            self.services.set_take_included(item.data(Qt.ItemDataRole.UserRole), included)
        except Exception as error:
            show_error(self, error)
            self.refresh()
            return
        what = "used again" if included else "left out"
        self._say(f"{name} is {what}. Transcribe again to update the text.")

    def delete_selected(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        take_id = item.data(Qt.ItemDataRole.UserRole)
        name = item.text().split(":")[0]
        dialogs.ask(
            self,
            "Delete this take?",
            f"Delete {name} and its audio file?",
            informative="Its lines leave the transcript too. This cannot be undone.",
            yes_text="Delete take",
            no_text="Keep it",
            destructive=True,
            on_yes=lambda: self._delete(take_id, name),
        )

    def _delete(self, take_id: int, name: str) -> None:
        try:
            self.services.delete_take(take_id)
        except Exception as error:
            show_error(self, error)
            return
        self.refresh()
        self._say(f"{name} was deleted.")

    def _say(self, text: str) -> None:
        self.status.setText(text)
        announce(self.status, text)
