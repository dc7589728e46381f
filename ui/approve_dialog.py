"""Approve for publishing: each participant reads the final text and approves that version.

The dialog shows the text exactly as it will be approved (and, when a participant approved
an earlier version, what changed since), and records the approval of the text it showed: if
the post changed in the meantime, the core refuses and the dialog shows the new text.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.approval import text_hash
from app.errors import BuddyError
from app.services import Services
from ui.announce import announce


class ApproveDialog(QDialog):
    approved = Signal(str)

    def __init__(self, services: Services, interview_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.interview_id = interview_id
        self.setWindowTitle("Approve for publishing")
        self.setAccessibleName("Approve for publishing")
        self.who = QComboBox(self)
        self.who.setAccessibleName("Who approves")
        self.states = QLabel(self)
        self.states.setWordWrap(True)
        self.states.setAccessibleName("Who has approved")
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setTabChangesFocus(True)
        self.text.setAccessibleName("The post as it will be approved")
        self.changes_label = QLabel("What changed since the last approval:", self)
        self.changes = QPlainTextEdit(self)
        self.changes.setReadOnly(True)
        self.changes.setTabChangesFocus(True)
        self.changes.setAccessibleName("What changed since the last approval")
        self.changes_label.setBuddy(self.changes)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Approval status")
        self.buttons = QDialogButtonBox(self)
        self.approve_button = self.buttons.addButton(
            "&Approve this text", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.approve_button.setAccessibleName("Approve this text")
        self.review_button = self.buttons.addButton(
            "Save a re&view copy…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.review_button.setAccessibleName("Save a review copy")
        self.review_button.setToolTip(
            "For a participant who is not here: a web page or Word document to read first"
        )
        self.review_button.clicked.connect(self.choose_review_copy)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        self.approve_button.clicked.connect(self.approve)
        close.clicked.connect(self.reject)
        form = QFormLayout()
        who_label = QLabel("&Who approves:", self)
        who_label.setBuddy(self.who)
        form.addRow(who_label, self.who)
        text_label = QLabel("The &text to approve (read it all):", self)
        text_label.setBuddy(self.text)
        layout = QVBoxLayout(self)
        layout.addWidget(self.states)
        layout.addLayout(form)
        layout.addWidget(text_label)
        layout.addWidget(self.text, 2)
        layout.addWidget(self.changes_label)
        layout.addWidget(self.changes, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(720, 640)
        self.reload()

    def reload(self) -> None:
        self.shown_text = self.services.approval_text(self.interview_id)
        self.text.setPlainText(self.shown_text)
        states = self.services.approvals(self.interview_id)
        words = {"approved": "approved this text", "changed": "approved an earlier version",
                 "missing": "not approved yet"}  # fmt: skip
        self.states.setText("; ".join(f"{s.name}: {words[s.state]}" for s in states) + ".")
        current = self.who.currentData()
        self.who.clear()
        for s in states:
            self.who.addItem(s.name, s.participant_id)
        waiting = next((s for s in states if s.state != "approved"), None)
        wanted = current if current is not None else (waiting.participant_id if waiting else None)
        if wanted is not None:
            self.who.setCurrentIndex(max(self.who.findData(wanted), 0))
        diff = next((s.changes for s in states if s.state == "changed"), "")
        self.changes.setPlainText(diff)
        self.changes.setVisible(bool(diff))
        self.changes_label.setVisible(bool(diff))

    def approve(self) -> None:
        participant = self.who.currentData()
        name = self.who.currentText()
        try:
            self.services.approve(
                self.interview_id, participant, text_hash=text_hash(self.shown_text)
            )
        except BuddyError as error:
            self.reload()
            self._say(f"Not approved: {error.message} {error.hint}")
            return
        self.reload()
        waiting = [s.name for s in self.services.approvals(self.interview_id)
                   if s.state != "approved"]  # fmt: skip
        more = f" Still to approve: {', '.join(waiting)}." if waiting else " Both have approved."
        self._say(f"{name} approved this text.{more}")
        if waiting:
            self.who.setCurrentIndex(max(self.who.findText(waiting[0]), 0))
        self.approved.emit(name)

    def choose_review_copy(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(
            self, "Save a review copy", str(Path.home() / "review.html"),
            "Web page (*.html);;Word document (*.docx)",
        )  # fmt: skip
        if path:
            docx = chosen.startswith("Word") or path.lower().endswith(".docx")
            self.save_review_copy(Path(path), "review-docx" if docx else "review-html")

    def save_review_copy(self, path: Path, fmt: str) -> Path | None:
        suffix = ".docx" if fmt == "review-docx" else ".html"
        if path.suffix.lower() != suffix:
            path = path.with_suffix(suffix)
        try:
            written = self.services.review_copy(self.interview_id, fmt, out=path, force=True)
        except BuddyError as error:
            self._say(f"Not saved: {error.message} {error.hint}")
            return None
        self._say(f"Saved the review copy {written.name} in {written.parent}.")
        return written

    def _say(self, message: str) -> None:
        self.status.setText(message)
        announce(self.status, message)
