"""After a crash: the takes start-up recovery repaired, each with a way to open its interview."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Signal
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

from ui.dialogs import grow_to_fit
from ui.scrolling import wrap_lines


def describe_report(report: Any, titles: Mapping[int, str] | None = None) -> str:
    """The interview by its title (people know it by that, not by a file name), then what
    happened to the take, in the report's own words."""
    interview_id = getattr(report, "interview_id", None)
    title = (titles or {}).get(interview_id) if interview_id is not None else None
    message = getattr(report, "message", "") or str(report)
    name = f"“{title}”" if title else f"Interview {interview_id if interview_id else '?'}"
    return f"{name}: {message}"


class RecoveredDialog(QDialog):
    open_interview = Signal(int)

    def __init__(
        self,
        reports: Sequence[Any],
        parent: QWidget | None = None,
        *,
        titles: Mapping[int, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Recordings recovered")
        self.setAccessibleName("Recordings recovered")
        intro = QLabel(
            "The app stopped unexpectedly while recording. These takes were saved up to the "
            "moment it stopped. Open an interview to listen, transcribe or record more."
        )
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Recovered takes")
        # Long lines wrap inside the list: reading one must never mean scrolling sideways.
        wrap_lines(self.list)
        for report in reports:
            item = QListWidgetItem(describe_report(report, titles))
            item.setData(256, getattr(report, "interview_id", None))
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _i: self._open())
        self.open_button = QPushButton("&Open interview")
        self.open_button.setAccessibleName("Open interview")
        self.open_button.clicked.connect(self._open)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(640, 360)
        grow_to_fit(self)

    def _open(self) -> None:
        item = self.list.currentItem()
        interview_id = item.data(256) if item is not None else None
        if interview_id is not None:
            self.open_interview.emit(int(interview_id))
            self.accept()
