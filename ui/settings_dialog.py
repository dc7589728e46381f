"""Settings: input, transcription, export, appearance and single-key interview controls."""

from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import BuddyError
from app.export import FLAVOURS
from app.services import Services
from app.settings import THEMES, Settings
from app.transcription import ENGINES
from app.wording import plural
from ui import dialogs, tasks
from ui.dialogs import grow_to_fit
from ui.errors import describe, show_error

log = logging.getLogger(__name__)

THEME_NAMES = {
    "system": "Same as the system",
    "light": "Light",
    "dark": "Dark",
    "high-contrast": "High contrast (yellow on black)",
}
LANGUAGES = [("en", "English"), ("", "Detect automatically")]


def _form(parent: QWidget) -> QFormLayout:
    form = QFormLayout(parent)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form


def _row(form: QFormLayout, label: str, field: QWidget, name: str, description: str = "") -> None:
    field.setAccessibleName(name)
    if description:
        field.setAccessibleDescription(description)
        field.setToolTip(description)
    text = QLabel(label)
    text.setBuddy(field)
    text.setWordWrap(True)
    form.addRow(text, field)


class SettingsDialog(QDialog):
    applied = Signal(object)  # the new Settings, already saved

    def __init__(self, services: Services, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.original = settings
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Settings sections")
        # Every tab stays in sight at any text size: the dialog widens instead of hiding some
        # behind scroll arrows.
        self.tabs.setUsesScrollButtons(False)
        self.tabs.addTab(self._recording_tab(settings), "&Recording")
        self.tabs.addTab(self._transcription_tab(settings), "&Transcription")
        self.tabs.addTab(self._export_tab(settings), "&Export")
        self.tabs.addTab(self._appearance_tab(settings), "&Appearance")
        buttons = dialogs.save_cancel_buttons(self, "Save settings")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self._list_devices(settings.input_device)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        grow_to_fit(self)

    # -- tabs -----------------------------------------------------------------------------

    def _recording_tab(self, s: Settings) -> QWidget:
        page = QWidget()
        form = _form(page)
        self.device = QComboBox()
        self.device.addItem("System default", "")
        _row(form, "&Microphone:", self.device, "Microphone", "The input to record from")
        self.device_note = QLabel("Looking for microphones…")
        self.device_note.setWordWrap(True)
        form.addRow(self.device_note)  # a full-width row: wrapped text in the field column gets cut
        self.single_keys = QCheckBox("Use &single keys to control the interview")
        self.single_keys.setChecked(s.single_key_controls)
        self.single_keys.setAccessibleName("Use single keys to control the interview")
        self.single_keys.setAccessibleDescription(
            "For switch users: one key each for next, previous and pause, while not typing notes"
        )
        form.addRow(self.single_keys)
        self.key_next = self._key_edit(s.key_next)
        self.key_previous = self._key_edit(s.key_previous)
        self.key_pause = self._key_edit(s.key_pause)
        _row(form, "&Next question key:", self.key_next, "Next question key")
        _row(form, "&Previous question key:", self.key_previous, "Previous question key")
        _row(form, "Pa&use and resume key:", self.key_pause, "Pause and resume key")
        self.single_keys.toggled.connect(self._keys_enabled)
        self._keys_enabled(s.single_key_controls)
        return page

    def _key_edit(self, key: str) -> QKeySequenceEdit:
        edit = QKeySequenceEdit(QKeySequence(key))
        edit.setMaximumSequenceLength(1)
        return edit

    def _keys_enabled(self, on: bool) -> None:
        for edit in (self.key_next, self.key_previous, self.key_pause):
            edit.setEnabled(on)

    def _transcription_tab(self, s: Settings) -> QWidget:
        page = QWidget()
        form = _form(page)
        self.engine = QComboBox()
        for name in ENGINES:
            self.engine.addItem(name, name)
        self.engine.setCurrentIndex(max(0, self.engine.findData(s.engine)))
        _row(form, "&Engine:", self.engine, "Speech engine", "faster-whisper is built in")
        self.model = QLineEdit(s.model)
        self.model.setPlaceholderText("The built-in model")
        _row(form, "&Model:", self.model, "Model", "A model name or folder; empty for built-in")
        self.language = QComboBox()
        self.language.setEditable(True)
        for code, name in LANGUAGES:
            self.language.addItem(name, code)
        index = self.language.findData(s.language)
        if index >= 0:
            self.language.setCurrentIndex(index)
        else:
            self.language.setEditText(s.language)
        _row(form, "&Language:", self.language, "Language", "English, or a code such as fr")
        self.glossary = QPlainTextEdit("\n".join(s.glossary))
        self.glossary.setTabChangesFocus(True)
        _row(
            form,
            "&Glossary (one name or word a line):",
            self.glossary,
            "Glossary",
            "Names and words the engine should spell your way",
        )
        # Live transcription uses the engine and model above; off, takes are transcribed after.
        self.live = QCheckBox("Transcribe &while recording (live captions)")
        self.live.setChecked(s.live_transcription)
        self.live.setAccessibleName("Transcribe while recording")
        self.live.setAccessibleDescription(
            "The transcript is ready when you stop, and captions show while you talk"
        )
        form.addRow(self.live)
        self.captions = QCheckBox("Show li&ve captions on the interview screen")
        self.captions.setChecked(s.live_captions)
        self.captions.setAccessibleName("Show live captions")
        form.addRow(self.captions)
        self.captions_window = QCheckBox("Show captions in a separate, movable w&indow")
        self.captions_window.setChecked(s.captions_window)
        self.captions_window.setAccessibleName("Show captions in a separate window")
        form.addRow(self.captions_window)
        return page

    def _export_tab(self, s: Settings) -> QWidget:
        page = QWidget()
        form = _form(page)
        self.flavour = QComboBox()
        for name in FLAVOURS:
            self.flavour.addItem(name.capitalize(), name)
        self.flavour.setCurrentIndex(max(0, self.flavour.findData(s.export_flavour)))
        _row(
            form, "Blog &flavour:", self.flavour, "Blog flavour", "Front matter for Hugo or Jekyll"
        )
        self.folder = QLineEdit(s.export_folder)
        self.folder.setPlaceholderText("Ask each time")
        browse = QPushButton("&Browse…")
        browse.setAccessibleName("Choose export folder")
        browse.clicked.connect(self._choose_folder)
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.folder, 1)
        box.addWidget(browse)
        label = QLabel("Export f&older:")
        label.setBuddy(self.folder)
        self.folder.setAccessibleName("Export folder")
        form.addRow(label, row)
        return page

    def _appearance_tab(self, s: Settings) -> QWidget:
        page = QWidget()
        form = _form(page)
        self.text_size = QSpinBox()
        self.text_size.setRange(80, 300)
        self.text_size.setSingleStep(10)
        self.text_size.setSuffix(" %")
        self.text_size.setValue(round(s.text_scale * 100))
        _row(form, "Te&xt size:", self.text_size, "Text size", "100% is the system's size")
        self.theme = QComboBox()
        for name in THEMES:
            self.theme.addItem(THEME_NAMES.get(name, name), name)
        self.theme.setCurrentIndex(max(0, self.theme.findData(s.theme)))
        _row(form, "&Colours:", self.theme, "Colours", "Includes a high-contrast theme")
        return page

    # -- behaviour ------------------------------------------------------------------------

    def _list_devices(self, wanted: str) -> None:
        from app.audio.devices import list_inputs  # sounddevice loads only when asked

        def listed(devices: list) -> None:
            for d in devices:
                self.device.addItem(f"{d.name} ({d.hostapi})", d.name)
            self.device_note.setText(
                plural(len(devices), "microphone or other input", "microphones or other inputs")
                + " found."
                if devices
                else "No microphone found: plug one in, then open Settings again."
            )
            self._select_device(wanted)
            grow_to_fit(self)  # the note may now need a second line

        def failed(error: BaseException) -> None:
            message, hint = describe(error)  # the window's words; details go to the log
            log.info("Listing the inputs failed", exc_info=error)
            self.device_note.setText(f"No microphone list: {message} {hint}".strip())
            self._select_device(wanted)
            grow_to_fit(self)

        self.device_task = tasks.run_task(
            "list inputs", list_inputs, on_success=listed, on_failure=failed
        )

    def _select_device(self, wanted: str) -> None:
        index = self.device.findData(wanted)
        if index < 0 and wanted:
            self.device.addItem(f"{wanted} (not connected now)", wanted)
            index = self.device.count() - 1
        self.device.setCurrentIndex(max(0, index))

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export folder", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def collect(self) -> Settings:
        def key(edit: QKeySequenceEdit) -> str:
            return edit.keySequence().toString(QKeySequence.SequenceFormat.PortableText)

        language = self.language.currentData()
        if self.language.currentText() != self.language.itemText(self.language.currentIndex()):
            language = self.language.currentText().strip()
        return replace(
            self.original,
            input_device=self.device.currentData() or "",
            engine=self.engine.currentData(),
            model=self.model.text().strip(),
            language=language if language is not None else "",
            glossary=[g.strip() for g in self.glossary.toPlainText().splitlines() if g.strip()],
            export_flavour=self.flavour.currentData(),
            export_folder=self.folder.text().strip(),
            text_scale=self.text_size.value() / 100,
            theme=self.theme.currentData(),
            single_key_controls=self.single_keys.isChecked(),
            key_next=key(self.key_next),
            key_previous=key(self.key_previous),
            key_pause=key(self.key_pause),
            live_transcription=self.live.isChecked(),
            live_captions=self.captions.isChecked(),
            captions_window=self.captions_window.isChecked(),
        )

    def accept(self) -> None:
        try:
            # Checked, saved and announced by the core; screens reload on its notice.
            settings = self.services.update_settings(self.collect())
        except BuddyError as exc:
            show_error(self, exc)
            return
        self.applied.emit(settings)
        super().accept()
