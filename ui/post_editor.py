"""The post editor: title, intro, summary, tags, headings, pull quote, filler lines.

Every change is saved at once (typing is saved after a short pause, and when the field is
left) as a new version of the post, so Undo and Redo walk back and forth through it, also
after a restart. A field that still reads as the app's default is stored as "default", so it
keeps following the transcript until someone writes their own words.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import BuddyError
from app.export.post_text import PostContent, default_intro
from app.post import SUMMARY_MAX_CHARS, Heading, Post, PostState, parse_tags
from app.services import Services
from ui.announce import announce
from ui.errors import show_error

#: Typing is saved after this pause (ms), so one word is one undo step, not one letter.
SAVE_DELAY_MS = 600
HEADING_CHOICES = (
    ("script", "Script's wording"),
    ("asked", "The question as asked"),
    ("custom", "My own words"),
)


class _TextBox(QPlainTextEdit):
    """A short multi-line field that Tab leaves (keyboard users must not be trapped)."""

    left = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setMaximumHeight(self.fontMetrics().lineSpacing() * 4 + 12)

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.left.emit()


class PostEditor(QGroupBox):
    """Edits the stored post of one interview; ``changed`` after every saved change."""

    changed = Signal()
    #: A sentence about what just happened (the export screen shows and announces it).
    message = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__("The post", parent)
        self.services = services
        self.interview_id: int | None = None
        self.state: PostState | None = None
        self.content: PostContent | None = None
        self._loading = False
        self._finishing = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save_now)
        self._heading_rows: list[tuple[int, QComboBox, QLineEdit]] = []
        self._build()

    # -- construction -------------------------------------------------------------------

    def _build(self) -> None:
        self.title_edit = QLineEdit(self)
        self.title_edit.setAccessibleName("Post title")
        self.intro_edit = _TextBox(self)
        self.intro_edit.setAccessibleName("Intro")
        self.intro_edit.setAccessibleDescription("A sentence or two that opens the post")
        self.summary_edit = _TextBox(self)
        self.summary_edit.setAccessibleName("Summary")
        self.summary_edit.setAccessibleDescription(
            f"Whole sentences, at most {SUMMARY_MAX_CHARS} characters: what search results "
            "and blog lists show"
        )
        self.summary_count = QLabel(self)
        self.summary_count.setAccessibleName("Summary length")
        self.tags_edit = QLineEdit(self)
        self.tags_edit.setAccessibleName("Tags")
        self.tags_edit.setAccessibleDescription("Separate tags with commas")
        self.suggested = QLabel(self)
        self.suggested.setWordWrap(True)
        self.suggest_button = self._button(
            "Add suggested tags", "Add the tags the script suggests", self.add_suggested
        )
        self.headings_box = QWidget(self)
        self.headings_layout = QFormLayout(self.headings_box)
        self.headings_layout.setContentsMargins(0, 0, 0, 0)
        self.quote_label = QLabel(self)
        self.quote_label.setWordWrap(True)
        self.quote_label.setAccessibleName("Pull quote")
        self.quote_button = self._button(
            "Remove pull &quote", "Show no quote at the top of the post", self.remove_quote
        )
        self.fillers = QCheckBox("Leave out lines that are only “Right.”, “Mm.” and the like", self)
        self.fillers.setAccessibleDescription("Captions keep them either way")
        self.undo_button = self._button("&Undo", "Undo the last change to the post", self.undo)
        self.redo_button = self._button("Re&do", "Redo the change undone", self.redo)
        # Ctrl+Z inside a text field undoes typing there; these keys work anywhere else.
        self.undo_button.setShortcut(QKeySequence("Ctrl+Alt+Z"))
        self.redo_button.setShortcut(QKeySequence("Ctrl+Alt+Y"))

        form = QFormLayout()
        self._row(form, "&Title:", self.title_edit)
        self._row(form, "&Intro:", self.intro_edit)
        summary = QVBoxLayout()
        summary.addWidget(self.summary_edit)
        summary.addWidget(self.summary_count)
        self._row(form, "Su&mmary:", summary, self.summary_edit)
        tags = QVBoxLayout()
        tags_row = QHBoxLayout()
        tags_row.addWidget(self.tags_edit, 1)
        tags_row.addWidget(self.suggest_button)
        tags.addLayout(tags_row)
        tags.addWidget(self.suggested)
        self._row(form, "T&ags:", tags, self.tags_edit)
        heads = QLabel("Headings:", self)
        heads.setProperty("role", "subheading")
        quote_row = QHBoxLayout()
        quote_row.addWidget(self.quote_label, 1)
        quote_row.addWidget(self.quote_button)
        history = QHBoxLayout()
        history.addWidget(self.undo_button)
        history.addWidget(self.redo_button)
        history.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(heads)
        layout.addWidget(self.headings_box)
        layout.addLayout(quote_row)
        layout.addWidget(self.fillers)
        layout.addLayout(history)

        self.title_edit.textEdited.connect(lambda _t: self._timer.start())
        self.title_edit.editingFinished.connect(self.finish_field)
        self.tags_edit.textEdited.connect(lambda _t: self._timer.start())
        self.tags_edit.editingFinished.connect(self.finish_field)
        for box in (self.intro_edit, self.summary_edit):
            box.textChanged.connect(self._typed)
            box.left.connect(self.finish_field)
        self.summary_edit.textChanged.connect(self._count_summary)
        self.fillers.toggled.connect(lambda _on: self.save_now())

    def _button(self, text: str, description: str, slot: object) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(text.replace("&", ""))
        button.setAccessibleDescription(description)
        button.setToolTip(description)
        button.clicked.connect(slot)
        return button

    def _row(self, form: QFormLayout, label: str, field: object, buddy: QWidget | None = None):
        text = QLabel(label, self)
        text.setBuddy(buddy or field)  # type: ignore[arg-type]
        form.addRow(text, field)  # type: ignore[arg-type]

    # -- loading ------------------------------------------------------------------------

    def load(self, interview_id: int) -> None:
        if self.interview_id is not None and self.interview_id != interview_id:
            self.save_now()
        self.interview_id = interview_id
        self.reload()

    def reload(self) -> None:
        """Show the stored post (after undo, redo, or edits of the transcript)."""
        if self.interview_id is None:
            return
        self.state = self.services.post_state(self.interview_id)
        self.content = self.services.post_content(self.interview_id)
        post, content = self.state.post, self.content
        self._loading = True
        try:
            self._set_line(self.title_edit, content.title)
            self._set_box(self.intro_edit, content.intro)
            self._set_box(self.summary_edit, content.summary or "")
            self._set_line(self.tags_edit, ", ".join(content.tags))
            suggested = self.services.suggested_tags(self.interview_id)
            self.suggested.setText(
                f"Suggested by the script: {', '.join(suggested)}" if suggested else
                "The script suggests no tags."
            )  # fmt: skip
            self.suggest_button.setEnabled(bool(suggested))
            self._build_headings(post, content)
            quote = content.pull_quote
            if quote is None:
                self.quote_label.setText(
                    "No pull quote. In the transcript, choose a line and press "
                    "“Use as pull quote” (Ctrl+Shift+U)."
                )
            else:
                who = f" — {quote.speaker}" if quote.speaker else ""
                self.quote_label.setText(f"Pull quote: “{quote.text}”{who}")
            self.quote_label.setAccessibleDescription(self.quote_label.text())
            self.quote_button.setEnabled(quote is not None)
            self.fillers.setChecked(post.omit_fillers)
            self.undo_button.setEnabled(self.state.can_undo)
            self.redo_button.setEnabled(self.state.can_redo)
        finally:
            self._loading = False
        self._count_summary()

    def _set_line(self, edit: QLineEdit, text: str) -> None:
        # The field being typed in keeps its text (and cursor) until it is finished.
        if edit.text() != text and (self._finishing or not edit.hasFocus()):
            edit.setText(text)

    def _set_box(self, box: QPlainTextEdit, text: str) -> None:
        if box.toPlainText() != text and (self._finishing or not box.hasFocus()):
            box.setPlainText(text)

    def finish_field(self) -> None:
        """Enter pressed or the field left: save, and show the text as it was stored."""
        self._finishing = True
        try:
            self.save_now()
            self.reload()
        finally:
            self._finishing = False

    def _build_headings(self, post: Post, content: PostContent) -> None:
        sections = [s for s in content.sections if s.index is not None]
        indices = [s.index for s in sections]
        if [i for i, _c, _e in self._heading_rows] != indices:
            while self.headings_layout.rowCount():
                self.headings_layout.removeRow(0)
            self._heading_rows = []
            for section in sections:
                assert section.index is not None
                self._heading_rows.append(self._heading_row(section.index))
        for (index, combo, edit), section in zip(self._heading_rows, sections, strict=True):
            choice = post.headings.get(index, Heading())
            combo.setCurrentIndex(max(combo.findData(choice.source), 0))
            asked = combo.model().item(1)  # type: ignore[attr-defined]
            asked.setEnabled(bool(section.asked))
            edit.setReadOnly(choice.source != "custom")
            self._set_line(edit, section.heading or "")

    def _heading_row(self, index: int) -> tuple[int, QComboBox, QLineEdit]:
        combo = QComboBox(self.headings_box)
        for value, label in HEADING_CHOICES:
            combo.addItem(label, value)
        combo.setAccessibleName(f"Heading {index + 1} comes from")
        edit = QLineEdit(self.headings_box)
        edit.setAccessibleName(f"Heading {index + 1}")
        row = QHBoxLayout()
        row.addWidget(combo)
        row.addWidget(edit, 1)
        label = QLabel(f"Question {index + 1}:", self.headings_box)
        label.setBuddy(combo)
        self.headings_layout.addRow(label, row)
        combo.activated.connect(lambda _i: self.save_now())
        edit.textEdited.connect(lambda _t: self._timer.start())
        edit.editingFinished.connect(self.finish_field)
        return index, combo, edit

    # -- saving -------------------------------------------------------------------------

    def _typed(self) -> None:
        if not self._loading:
            self._timer.start()

    def _count_summary(self) -> None:
        n = len(" ".join(self.summary_edit.toPlainText().split()))
        over = n > SUMMARY_MAX_CHARS
        text = f"{n} of {SUMMARY_MAX_CHARS} characters"
        self.summary_count.setText(text + (": too long, not saved until shorter" if over else ""))
        self.summary_count.setProperty("role", "error" if over else "")

    def _post_from_fields(self) -> Post | None:
        if self.interview_id is None or self.state is None or self.content is None:
            return None
        interview = self.services.interview(self.interview_id)
        post = self.state.post
        title = " ".join(self.title_edit.text().split())
        intro = " ".join(self.intro_edit.toPlainText().split())
        summary = " ".join(self.summary_edit.toPlainText().split())
        tags = parse_tags(self.tags_edit.text())
        default_title = interview.title
        defaults = self.services.post_content_defaults(self.interview_id)
        headings = dict(post.headings)
        for index, combo, edit in self._heading_rows:
            source = str(combo.currentData())
            text = " ".join(edit.text().split()) if source == "custom" else ""
            headings[index] = Heading(source, text)  # type: ignore[arg-type]
            if source == "script":
                headings.pop(index)
        shown = self.content

        def chosen(typed: Any, shown_value: Any, stored: Any, default: Any) -> Any:
            # Untouched: keep what is stored (a default stays a default, and follows the
            # transcript and the title); typed back to the default: the default again.
            if typed == shown_value:
                return stored
            return None if typed == default else typed

        return replace(
            post,
            title=chosen(title, shown.title, post.title, default_title),
            intro=chosen(intro, shown.intro, post.intro, default_intro(interview, title=title))
            or None,
            summary=chosen(summary, shown.summary or "", post.summary, defaults.summary or ""),
            tags=chosen(tags, shown.tags, post.tags, defaults.tags),
            headings=headings,
            omit_fillers=self.fillers.isChecked(),
        )

    def save_now(self) -> None:
        """Store what the fields say now, if it differs from the stored post."""
        self._timer.stop()
        if self._loading or self.interview_id is None:
            return
        post = self._post_from_fields()
        if post is None or self.state is None or post == self.state.post:
            return
        if post.summary and len(post.summary) > SUMMARY_MAX_CHARS:
            return  # the counter says why; saved as soon as it fits
        try:
            self.state = self.services.save_post(self.interview_id, post)
        except BuddyError as error:
            self.message.emit(f"Not saved: {error.message} {error.hint}")
            return
        self.reload()
        self.changed.emit()

    def undo(self) -> None:
        self.save_now()
        if self.interview_id is not None:
            self.services.undo_post(self.interview_id)
            self._after_history("Undone.")

    def redo(self) -> None:
        if self.interview_id is not None:
            self.services.redo_post(self.interview_id)
            self._after_history("Redone.")

    def _after_history(self, message: str) -> None:
        for edit in (self.title_edit, self.tags_edit):
            edit.clearFocus()
        self._loading = True
        for box in (self.intro_edit, self.summary_edit):
            box.clearFocus()
        self._loading = False
        self.reload()
        self.changed.emit()
        announce(self, message)
        self.message.emit(message)

    def add_suggested(self) -> None:
        if self.interview_id is None:
            return
        current = parse_tags(self.tags_edit.text())
        self.tags_edit.setText(
            ", ".join(parse_tags(", ".join([*current, *self.services.suggested_tags(
                self.interview_id)])))
        )  # fmt: skip
        self.save_now()

    def remove_quote(self) -> None:
        if self.interview_id is None:
            return
        try:
            self.services.set_pull_quote(self.interview_id, None)
        except BuddyError as error:
            show_error(self, error)
            return
        self.reload()
        self.changed.emit()
        self.message.emit("The pull quote was removed.")


def focus_first(editor: PostEditor) -> None:
    editor.title_edit.setFocus(Qt.FocusReason.OtherFocusReason)
