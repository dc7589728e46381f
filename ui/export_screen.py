"""Export: the post editor, the post as it will read, then saved, copied or published.

Nothing leaves the app until both participants agreed to publish the text and, for the blog
post, both approved its final words: Save and Copy are refused, and the screen says why in
words, with what to do about it. A review copy (HTML or Word) can go to a participant who is
not at this laptop before they approve.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import yaml
from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication as Gui
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app import export
from app.errors import ApprovalMissing, ApprovalOutdated, BuddyError, ConsentMissing, FileExists
from app.notices import Change
from app.services import Services
from app.settings import Settings
from ui.announce import announce
from ui.dialogs import ask
from ui.errors import show_error
from ui.export_post_actions import PostActions
from ui.notices import on_change
from ui.places import copy_path, not_opened_text, open_folder
from ui.post_editor import PostEditor
from ui.scrolling import VerticalScroll

FORMAT_LABELS = {
    "markdown": "Markdown blog post",
    "srt": "SRT captions",
    "vtt": "WebVTT captions",
    "txt": "Plain text",
}
FLAVOUR_LABELS = {"plain": "Plain Markdown", "hugo": "Hugo", "jekyll": "Jekyll"}


def split_front_matter(text: str) -> tuple[dict, str]:
    """(front matter fields, body) of a post; a blog shows the title, not the raw fields."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end > 0:
            try:
                fields = yaml.safe_load(text[4:end]) or {}
            except yaml.YAMLError:
                fields = {}
            return (fields if isinstance(fields, dict) else {}), text[end + 5 :]
    return {}, text


class ExportScreen(PostActions, QWidget):
    """Preview and export one interview."""

    #: The file just written.
    exported = Signal(Path)
    #: The user wants to record consent for this interview (the main window shows where).
    consent_requested = Signal(int)
    #: A sentence about what just happened; also shown on the screen and announced.
    status_changed = Signal(str)

    def __init__(
        self, services: Services, settings: Settings | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.services = services
        # ``settings`` is not kept: the screen reads the services' settings each time, so it
        # never holds a stale copy (the parameter stays for callers that pass it).
        del settings
        self.interview_id: int | None = None
        self.text = ""
        self.blocked: ConsentMissing | None = None
        #: The file written last (what "Open folder" should point at).
        self.last_saved: Path | None = None
        self._announced = ""
        self._build()
        # Edits elsewhere (the transcript, another window, the approval) show here at once.
        on_change(services.notices, self._on_change)

    # -- construction -------------------------------------------------------------------

    def _button(self, text: str, description: str, slot: object, key: str = "") -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        tip = f"{description} ({key})" if key else description
        button.setAccessibleDescription(tip)
        button.setToolTip(tip)
        if key:
            button.setShortcut(QKeySequence(key))
        button.clicked.connect(slot)
        return button

    def _build(self) -> None:
        self.title = QLabel(self)
        self.title.setProperty("role", "heading")
        self.title.setWordWrap(True)

        # Shown only when consent is missing: the reason and the way out, in words.
        self.consent_box = QFrame(self)
        self.consent_box.setProperty("role", "banner")
        self.consent_box.setAccessibleName("Export blocked")
        self.blocked_label = QLabel(self.consent_box)
        self.blocked_label.setWordWrap(True)
        self.blocked_label.setAccessibleName("Why exporting is blocked")
        self.consent_button = self._button(
            "Record co&nsent…", "Go to the interview to record both participants' consent",
            lambda: self.consent_requested.emit(self.interview_id or 0),
        )  # fmt: skip
        self.banner_approve_button = self._button(
            # No Alt key: the same action as the Approve button below, which has it.
            "Approve for publishing…", "Each participant reads the final text and approves it",
            self.open_approval,
        )  # fmt: skip
        box = QHBoxLayout(self.consent_box)
        box.addWidget(self.blocked_label, 1)
        box.addWidget(self.consent_button)
        box.addWidget(self.banner_approve_button)
        self.consent_box.hide()

        # A known name the engine still misspells: one fix for every place it occurs.
        self.names_box = QFrame(self)
        self.names_box.setProperty("role", "banner")
        self.names_label = QLabel(self.names_box)
        self.names_label.setWordWrap(True)
        self.names_label.setAccessibleName("A name that may be misspelt")
        self.names_button = self._button(
            "Replace e&verywhere", "Correct this name everywhere in the transcript",
            self.fix_name,
        )  # fmt: skip
        names_row = QHBoxLayout(self.names_box)
        names_row.addWidget(self.names_label, 1)
        names_row.addWidget(self.names_button)
        self.names_box.hide()

        self.editor = PostEditor(self.services, self)
        self.editor.changed.connect(self.refresh)
        self.editor.message.connect(self._say)

        self.format = QComboBox(self)
        for fmt in export.FORMATS:
            self.format.addItem(FORMAT_LABELS.get(fmt, fmt), fmt)
        self.format.setAccessibleName("Export format")
        self.flavour = QComboBox(self)
        for flavour in export.FLAVOURS:
            self.flavour.addItem(FLAVOUR_LABELS.get(flavour, flavour), flavour)
        self.flavour.setAccessibleName("Blog flavour")
        self.flavour.setAccessibleDescription("The front matter style of the Markdown post")
        self.folder = QLineEdit(self)
        self.folder.setAccessibleName("Export folder")
        self.choose_button = self._button(
            # No Alt key here: this screen has more controls than letters (Tab reaches it).
            "Choose folder…",
            "Choose the folder to save the export in",
            self.choose_folder,
        )
        self.file_name = QLabel(self)
        self.file_name.setAccessibleName("File name")
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.choose_button)
        form = QFormLayout()
        form.addRow("Format:", self.format)  # Alt+M is the post's Summary
        form.addRow("Blog f&lavour:", self.flavour)
        form.addRow("F&older:", folder_row)
        form.addRow("File name:", self.file_name)
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if label and field and isinstance(label.widget(), QLabel) and field.widget():
                label.widget().setBuddy(field.widget())  # type: ignore[union-attr]
        form.labelForField(folder_row).setBuddy(self.folder)  # type: ignore[union-attr]

        self.save_button = self._button(
            "&Save", "Save the export in the folder", self.save, "Ctrl+S"
        )
        self.copy_button = self._button(
            "&Copy to clipboard", "Copy the export to paste it elsewhere", self.copy, "Ctrl+Shift+C"
        )
        self.open_button = self._button(
            "Open folder", "Show the export folder in the file manager", self.open_folder
        )
        # Offered only once the folder could not be opened: then it is the way to the file.
        self.copy_path_button = self._button(
            "Copy the path", "Copy where the file is, to paste it elsewhere", self.copy_path
        )
        self.copy_path_button.hide()
        self.approve_button = self._button(
            "Approve for pu&blishing…", "Each participant reads the final text and approves it",
            self.open_approval,
        )  # fmt: skip
        self.review_button = self._button(
            "Save a re&view copy…",
            "A draft for review as a web page or Word document, with audio times",
            self.choose_review_copy,
        )
        self.publish_button = self._button(
            "Publish as draft…", "Send the post to a WordPress site as a draft", self.publish
        )
        buttons = QHBoxLayout()
        for button in (self.save_button, self.copy_button, self.open_button):
            buttons.addWidget(button)
        buttons.addWidget(self.copy_path_button)
        buttons.addStretch(1)
        self.approval_label = QLabel(self)
        self.approval_label.setWordWrap(True)
        self.approval_label.setAccessibleName("Who has approved the post")
        post_buttons = QHBoxLayout()
        for button in (self.approve_button, self.review_button, self.publish_button):
            post_buttons.addWidget(button)
        post_buttons.addWidget(self.approval_label, 1)

        self.raw_toggle = QCheckBox("Show &raw Markdown", self)
        self.raw_toggle.setAccessibleDescription(
            "Switch the preview between the post and its source"
        )
        self.rendered = QTextBrowser(self)
        self.rendered.setAccessibleName("Preview of the post as it will read")
        self.rendered.setOpenLinks(False)
        self.raw = QPlainTextEdit(self)
        self.raw.setReadOnly(True)
        self.raw.setAccessibleName("Exported text, as it will be saved")
        for view in (self.rendered, self.raw):
            view.setTabChangesFocus(True)  # reading must not trap keyboard users
        self.preview = QStackedWidget(self)
        self.preview.addWidget(self.rendered)
        self.preview.addWidget(self.raw)

        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Export status")

        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.addWidget(self.title)
        layout.addWidget(self.consent_box)
        layout.addWidget(self.names_box)
        layout.addWidget(self.editor)
        layout.addLayout(post_buttons)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.raw_toggle)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.status)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(VerticalScroll(body))

        self.format.currentIndexChanged.connect(lambda _i: self._choice_changed())
        self.flavour.currentIndexChanged.connect(lambda _i: self._choice_changed())
        self.folder.editingFinished.connect(self._folder_changed)
        self.raw_toggle.toggled.connect(self._show_preview)

    # -- state --------------------------------------------------------------------------

    @property
    def fmt(self) -> str:
        return str(self.format.currentData())

    @property
    def flavour_name(self) -> str:
        return str(self.flavour.currentData())

    def load(self, interview_id: int) -> None:
        """Show the export of ``interview_id`` with the remembered flavour and folder."""
        if interview_id != self.interview_id:
            # What was said or saved for the previous interview is not about this one.
            self.status.setText("")
            self._announced = ""
            self.last_saved = None
            self.copy_path_button.hide()
        self.interview_id = interview_id
        interview = self.services.interview(interview_id)
        self.title.setText(f"Export “{interview.title}”")
        self.title.setAccessibleName(self.title.text())
        found = self.flavour.findData(self.settings.export_flavour)
        self.flavour.blockSignals(True)
        self.flavour.setCurrentIndex(max(found, 0))
        self.flavour.blockSignals(False)
        self.folder.setText(self.settings.export_folder or str(Path.home()))
        self.editor.load(interview_id)
        self.refresh()

    def refresh(self) -> None:
        """Render again and check consent (after edits elsewhere, or a new choice)."""
        if self.interview_id is None:
            return
        markdown = self.fmt == "markdown"
        self.flavour.setEnabled(markdown)
        self.raw_toggle.setEnabled(markdown)
        try:
            self.text = self.services.render(self.interview_id, self.fmt, flavour=self.flavour_name)
        except BuddyError as error:
            self.text = ""
            self.rendered.setPlainText(f"{error.message} {error.ui_hint}".strip())
            self.raw.setPlainText("")
        else:
            self.raw.setPlainText(self.text)
            if markdown:
                fields, body = split_front_matter(self.text)
                title = fields.get("title")
                self.rendered.setMarkdown(f"# {title}\n\n{body}" if title else body)
            else:
                self.rendered.setPlainText(self.text)
        self._show_preview()
        self._update_file_name()
        self._check_consent()
        self._offer_name_fix()

    def _show_preview(self) -> None:
        raw = self.raw_toggle.isChecked() or self.fmt != "markdown"
        self.preview.setCurrentWidget(self.raw if raw else self.rendered)

    def _update_file_name(self) -> None:
        if self.interview_id is None:
            return
        name = self.services.export_filename(self.interview_id, self.fmt, flavour=self.flavour_name)
        self.file_name.setText(name)

    def _check_consent(self) -> None:
        """Consent first, then (for the blog post) both participants' approval."""
        assert self.interview_id is not None
        self.banner_approve_button.hide()
        self.consent_button.show()
        try:
            self.services.check_can_export(self.interview_id, self.fmt)
        except ConsentMissing as error:
            self.blocked = error
            self.blocked_label.setText(
                f"Blocked: nothing can be saved or copied yet. {error.message}\n"
                "To fix it: choose Record consent…, read the wording together and record their "
                "consent: each of you ticks what you agree to."
            )
        except ApprovalMissing as error:
            self.blocked = error
            self.consent_button.hide()
            self.banner_approve_button.show()
            changed = (
                "\nWhat changed is shown when you approve again."
                if isinstance(error, ApprovalOutdated)
                else ""
            )
            self.blocked_label.setText(
                f"Blocked: the post cannot be saved, copied or published yet. {error.message}"
                f"\nTo fix it: each of you reads it and approves it (Approve for publishing…)."
                f"{changed}"
            )
        else:
            self.blocked = None
        if self.blocked is not None:
            self.blocked_label.setAccessibleDescription(self.blocked_label.text())
            self.consent_box.show()
        else:
            self.consent_box.hide()
        ok = self.blocked is None and bool(self.text)
        self.save_button.setEnabled(ok)
        self.copy_button.setEnabled(ok)
        self._show_approvals()
        # Publishing always sends the blog post, whatever format is chosen for saving.
        try:
            self.services.check_can_publish(self.interview_id)
        except BuddyError:
            self.publish_button.setEnabled(False)
        else:
            self.publish_button.setEnabled(True)

    def _on_change(self, change: Change) -> None:
        if self.interview_id is None or change.interview_id != self.interview_id:
            return
        if change.kind in ("transcript", "interview", "post", "recordings") and self.isVisible():
            self.editor.reload()
            self.refresh()

    def _show_approvals(self) -> None:
        assert self.interview_id is not None
        try:
            states = self.services.approvals(self.interview_id)
        except BuddyError:
            self.approval_label.clear()
            return
        words = {"approved": "approved", "changed": "approved an earlier version",
                 "missing": "not approved yet"}  # fmt: skip
        self.approval_label.setText("; ".join(f"{s.name}: {words[s.state]}" for s in states))

    @property
    def settings(self) -> Settings:
        return self.services.settings

    def _choice_changed(self) -> None:
        self._remember(export_flavour=self.flavour_name)
        self.refresh()

    def _folder_changed(self) -> None:
        self._remember(export_folder=self.folder.text().strip())

    def _remember(self, **changes: str) -> None:
        # The next export starts from the same choices; losing them is no reason to fail.
        with contextlib.suppress(BuddyError):
            self.services.update_settings(**changes)

    # -- actions ------------------------------------------------------------------------

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Choose the export folder", self.folder.text() or str(Path.home())
        )
        if folder:
            self.folder.setText(folder)
            self._folder_changed()

    def save(self, *, force: bool = False) -> Path | None:
        """Write the export; asks before replacing a file that is already there."""
        if self.interview_id is None:
            return None
        folder_text = self.folder.text().strip()
        if not folder_text:
            self._say("Choose a folder to save in first (Choose folder…).")
            return None
        folder = Path(folder_text).expanduser()
        # A full file path: given a folder that does not exist, the core would take it for
        # the file's name; this way it says the folder is missing.
        target = folder / self.file_name.text()
        try:
            path = self.services.export(
                self.interview_id, self.fmt, flavour=self.flavour_name, out=target, force=force
            )
        except FileExists:
            ask(
                self,
                "Replace the file?",
                f"{target.name} already exists in {folder}.",
                informative="Replacing it loses what is in that file now.",
                yes_text="Replace",
                on_yes=lambda: self.save(force=True),
                no_text="Keep the old file",
                on_no=lambda: self._say("Not saved: the existing file was kept."),
                destructive=True,
            )
            return None
        except ConsentMissing:
            self.refresh()
            self._say(f"Not saved. {self.blocked_label.text()}")
            return None
        except BuddyError as error:
            show_error(self, error)
            return None
        self._remember(export_folder=str(folder))
        self.last_saved = path
        self._say(f"Saved {path.name} in {path.parent}.")
        self.exported.emit(path)
        return path

    def copy(self) -> bool:
        if self.blocked is not None or not self.text:
            self._say("Not copied: both participants must agree to publishing the text first.")
            return False
        Gui.clipboard().setText(self.text)
        self._say(f"Copied the {FORMAT_LABELS.get(self.fmt, self.fmt)} to the clipboard.")
        return True

    def open_folder(self) -> bool:
        folder = Path(self.folder.text().strip() or Path.home()).expanduser()
        if not folder.is_dir():
            self._say(f"The folder {folder} does not exist. Choose another one.")
            return False
        if not open_folder(folder):
            self.copy_path_button.show()
            self._say(not_opened_text(folder, self._saved_in(folder)))
            return False
        self._say(f"Opened {folder}.")
        return True

    def _saved_in(self, folder: Path) -> Path | None:
        saved = self.last_saved
        return saved if saved is not None and saved.parent == folder and saved.exists() else None

    def copy_path(self) -> str:
        folder = Path(self.folder.text().strip() or Path.home()).expanduser()
        text = copy_path(self._saved_in(folder) or folder)
        self._say(f"Copied the path to the clipboard: {text}")
        return text

    def _say(self, message: str) -> None:
        self.status.setText(message)
        if message != self._announced:
            announce(self.status, message)
        self._announced = message
        self.status_changed.emit(message)
