"""Find and replace inside the transcript editor; results are told in words, and announced."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import transcript as ops
from app.wording import plural
from ui.transcript_model import format_time

if TYPE_CHECKING:
    from ui.transcript_editor import TranscriptEditor


class FindBar(QWidget):
    """The find and replace bar of the transcript editor."""

    def __init__(self, editor: TranscriptEditor) -> None:
        super().__init__(editor)
        self._editor = editor
        self._last: tuple[int, int] | None = None  # (segment, offset) of the match shown
        self.setAccessibleName("Find and replace")
        self.find_label, self.find_edit = self._field("&Find:", "Text to find")
        self.replace_label, self.replace_edit = self._field("Replace &with:", "Replacement text")
        self.case_box = QCheckBox("Match &case", self)
        self.case_box.setAccessibleDescription("Only find text with the same capital letters")
        self.prev_button = self._button("Previous", "Go to the previous match (Shift+F3)")
        self.next_button = self._button("Next", "Go to the next match (F3 or Enter)")
        self.replace_button = self._button("Replace", "Replace this match and go to the next")
        self.replace_all_button = self._button("Replace all", "Replace every match at once")
        self.close_button = self._button("Close", "Close find and replace (Escape)")
        self.result = QLabel(self)
        self.result.setAccessibleName("Find result")
        row1, row2 = QHBoxLayout(), QHBoxLayout()
        for w in (self.find_label, self.find_edit, self.case_box, self.prev_button):
            row1.addWidget(w)
        row1.addWidget(self.next_button)
        for w in (self.replace_label, self.replace_edit, self.replace_button):
            row2.addWidget(w)
        row2.addWidget(self.replace_all_button)
        row2.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(self.result)
        self.find_edit.returnPressed.connect(lambda: self.find(1))
        self.find_edit.textChanged.connect(self._forget)
        self.case_box.toggled.connect(self._forget)
        self.replace_edit.returnPressed.connect(self.replace_one)
        self.prev_button.clicked.connect(lambda: self.find(-1))
        self.next_button.clicked.connect(lambda: self.find(1))
        self.replace_button.clicked.connect(self.replace_one)
        self.replace_all_button.clicked.connect(self.replace_all)
        self.close_button.clicked.connect(self.close_bar)

    def _field(self, label: str, name: str) -> tuple[QLabel, QLineEdit]:
        edit = QLineEdit(self)
        edit.setAccessibleName(name)
        buddy = QLabel(label, self)
        buddy.setBuddy(edit)
        return buddy, edit

    def _button(self, text: str, description: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(text)
        button.setAccessibleDescription(description)
        button.setToolTip(description)
        button.setAutoDefault(False)
        return button

    def _forget(self) -> None:
        self._last = None

    def reset(self) -> None:
        """Another transcript is shown: matches counted in the last one say nothing here."""
        self._forget()
        self.result.setText("")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        super().keyPressEvent(event)

    def open(self, replace: bool) -> None:
        for widget in (self.replace_label, self.replace_edit, self.replace_button):
            widget.setVisible(replace)
        self.replace_all_button.setVisible(replace)
        self.show()
        target = self.replace_edit if replace and self.find_edit.text() else self.find_edit
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)
        target.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self._editor.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _say(self, message: str) -> None:
        self.result.setText(message)
        self._editor.say(message)

    def find(self, step: int) -> tuple[int, int] | None:
        """Go to the next (``step`` 1) or previous (-1) match and select its segment."""
        query = self.find_edit.text()
        segments = self._editor.segments
        matches = ops.find(segments, query, case_sensitive=self.case_box.isChecked())
        if not matches:
            self._last = None
            self._say(f"No matches for “{query}”." if query else "Type the text to find.")
            return None
        if self._last is None:
            here = self._editor.current_segment() or 0
            start = (here, -1) if step > 0 else (here, 10**9)
        else:
            start = self._last
        ahead = [m for m in matches if (m > start if step > 0 else m < start)]
        match = (ahead[0] if step > 0 else ahead[-1]) if ahead else matches[0 if step > 0 else -1]
        self._last = match
        model = self._editor.model
        self._editor.view.setCurrentIndex(model.index(model.row_of_segment(match[0])))
        seg = segments[match[0]]
        self._say(
            f"Match {matches.index(match) + 1} of {len(matches)}: "
            f"{model.speaker_label(seg)} at {format_time(seg.start)}."
        )
        return match

    def replace_one(self) -> None:
        query, replacement = self.find_edit.text(), self.replace_edit.text()
        match = self._last
        segments = self._editor.segments
        valid = (
            match is not None
            and match[0] < len(segments)
            and match in ops.find(segments, query, case_sensitive=self.case_box.isChecked())
        )
        if not valid:
            self.find(1)  # show the match first; the next Replace replaces it
            return
        assert match is not None
        segment, offset = match
        text = segments[segment].text
        new_text = text[:offset] + replacement + text[offset + len(query) :]
        if self._editor.edit_text(segment, new_text):
            self._last = (segment, offset + max(len(replacement), 1) - 1)
            self.find(1)

    def replace_all(self) -> None:
        query = self.find_edit.text()
        count = self._editor.replace_all(
            query, self.replace_edit.text(), case_sensitive=self.case_box.isChecked()
        )
        self._last = None
        self._say(f"Replaced {plural(count, 'match', 'matches')} of “{query}”.")
