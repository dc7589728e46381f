"""Choosing an audio file (and, optionally, a question-markers file) to import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.audio.importer import SUPPORTED_SUFFIXES
from ui.dialogs import grow_to_fit

AUDIO_FILTER = "Audio files ({});;All files (*)".format(
    " ".join(f"*{s}" for s in SUPPORTED_SUFFIXES)
)


class ImportDialog(QDialog):
    """Collects two paths; the Library does the import itself (in the background)."""

    chosen = Signal(Path, object)  # audio path, markers path or None

    def __init__(self, interview_title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import audio")
        self.setAccessibleName("Import audio")
        intro = QLabel(
            f"Add a recording made elsewhere to '{interview_title}'. If you have a file with "
            "the times each question started (JSON), add it too so the transcript is split "
            "by question."
        )
        intro.setWordWrap(True)

        self.audio = QLineEdit()
        self.audio.setAccessibleName("Audio file")
        self.audio.setAccessibleDescription("The path of a WAV, FLAC, OGG, MP3 or M4A file")
        self.markers = QLineEdit()
        self.markers.setAccessibleName("Question markers file (optional)")
        self.markers.setAccessibleDescription("A JSON file with the time each question started")
        self.markers.setPlaceholderText("Optional")
        audio_browse = self._browse_button("Choose audio file", self._choose_audio)
        markers_browse = self._browse_button("Choose markers file", self._choose_markers)

        form = QFormLayout()
        audio_label = QLabel("&Audio file:")
        audio_label.setBuddy(self.audio)
        markers_label = QLabel("&Markers file:")
        markers_label.setBuddy(self.markers)
        form.addRow(audio_label, self._row(self.audio, audio_browse))
        form.addRow(markers_label, self._row(self.markers, markers_browse))

        self.problem = QLabel()
        self.problem.setProperty("role", "banner")
        self.problem.setWordWrap(True)
        self.problem.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Import")
        ok.setAccessibleName("Import")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        grow_to_fit(self)  # large text must not open it too small

    def _row(self, edit: QLineEdit, button: QPushButton) -> QWidget:
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(edit, 1)
        box.addWidget(button)
        return row

    def _browse_button(self, name: str, slot: object) -> QPushButton:
        button = QPushButton("Browse…")
        button.setAccessibleName(name)
        button.clicked.connect(slot)
        return button

    def _choose_audio(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a recording", "", AUDIO_FILTER)
        if path:
            self.audio.setText(path)

    def _choose_markers(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose a markers file", "", "Markers (*.json);;All files (*)"
        )
        if path:
            self.markers.setText(path)

    def accept(self) -> None:
        audio = self.audio.text().strip()
        if not audio:
            self._problem("Choose the audio file to import.", self.audio)
            return
        markers = self.markers.text().strip()
        self.chosen.emit(Path(audio).expanduser(), Path(markers).expanduser() if markers else None)
        super().accept()

    def _problem(self, text: str, focus: QWidget) -> None:
        self.problem.setText(f"Problem: {text}")
        self.problem.show()
        focus.setFocus()
