"""Interview scripts: create, copy, edit and reorder questions and their follow-up prompts."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.models import Question, Script
from app.scripts import slugify
from app.services import Services
from ui import dialogs
from ui.errors import show_error
from ui.scrolling import VerticalScroll, wrap_lines


def _button(text: str, name: str, description: str = "") -> QPushButton:
    b = QPushButton(text)
    b.setAccessibleName(name)
    if description:
        b.setAccessibleDescription(description)
        b.setToolTip(description)
    return b


def _labelled(form: QFormLayout, text: str, field: QWidget, name: str) -> None:
    field.setAccessibleName(name)
    label = QLabel(text)
    label.setBuddy(field)
    form.addRow(label, field)


class ScriptEditor(QWidget):
    status_message = Signal(str)
    use_script = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.working: Script | None = None
        self.builtin = False
        self.is_new = False
        self.dirty = False
        self._loading = False
        self.setObjectName("scripts")
        self.setAccessibleName("Interview scripts")

        self.scripts = wrap_lines(QListWidget())
        self.scripts.setAccessibleName("Scripts")
        self.scripts.currentRowChanged.connect(self._script_chosen)
        scripts_label = QLabel("&Scripts:")
        scripts_label.setBuddy(self.scripts)
        self.new_button = _button("&New script", "New script")
        self.copy_button = _button("&Copy", "Copy script", "Make your own editable copy")
        self.delete_button = _button("&Delete…", "Delete script")
        self.use_button = _button("Use for new &interview", "Use for new interview")
        self.new_button.clicked.connect(self.new_script)
        self.copy_button.clicked.connect(self.copy_script)
        self.delete_button.clicked.connect(self.delete_script)
        self.use_button.clicked.connect(self._use)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(scripts_label)
        left_layout.addWidget(self.scripts, 1)
        grid = QGridLayout()
        grid.addWidget(self.new_button, 0, 0)
        grid.addWidget(self.copy_button, 0, 1)
        grid.addWidget(self.delete_button, 1, 0)
        grid.addWidget(self.use_button, 1, 1)
        left_layout.addLayout(grid)

        self.builtin_note = QLabel("Built-in script: choose 'Copy' to make your own version.")
        self.builtin_note.setProperty("role", "banner")
        self.builtin_note.setWordWrap(True)
        self.title = QLineEdit()
        self.guide = QPlainTextEdit()
        self.guide.setTabChangesFocus(True)
        self.guide.setMaximumHeight(self.fontMetrics().height() * 6)
        about = QFormLayout()
        _labelled(about, "&Title:", self.title, "Script title")
        _labelled(about, "Guide f&or the interviewer:", self.guide, "Guide for the interviewer")

        self.questions = wrap_lines(QListWidget())
        self.questions.setAccessibleName("Questions")
        self.questions.setAccessibleDescription("Alt+Up and Alt+Down move the chosen question")
        self.questions.currentRowChanged.connect(self._question_chosen)
        questions_label = QLabel("&Questions (in order):")
        questions_label.setBuddy(self.questions)
        self.add_button = _button("&Add question", "Add question")
        self.remove_button = _button("&Remove question", "Remove question")
        self.up_button = _button("Move &up", "Move question up", "Alt+Up")
        self.down_button = _button("Move do&wn", "Move question down", "Alt+Down")
        self.add_button.clicked.connect(self.add_question)
        self.remove_button.clicked.connect(self.remove_question)
        self.up_button.clicked.connect(lambda: self.move_question(-1))
        self.down_button.clicked.connect(lambda: self.move_question(+1))
        # Actions (not bare shortcuts) so the Help > Keyboard shortcuts list shows them; only
        # while this screen has the focus, so other screens keep Alt+arrows for themselves.
        for text, keys, step in (
            ("Move question up", "Alt+Up", -1),
            ("Move question down", "Alt+Down", 1),
        ):
            self._add_action(text, keys, lambda _checked=False, s=step: self.move_question(s))

        self.question_text = QLineEdit()
        self.minutes = QDoubleSpinBox()
        self.minutes.setRange(0, 120)
        self.minutes.setSingleStep(0.5)
        self.minutes.setSpecialValueText("No suggestion")
        self.minutes.setSuffix(" min")
        self.prompts = QPlainTextEdit()
        self.prompts.setTabChangesFocus(True)
        detail = QGroupBox("Chosen question")
        detail_form = QFormLayout(detail)
        _labelled(detail_form, "Question te&xt:", self.question_text, "Question text")
        _labelled(detail_form, "Suggested &minutes:", self.minutes, "Suggested minutes")
        _labelled(
            detail_form, "Follow-up &prompts (one a line):", self.prompts, "Follow-up prompts"
        )
        self.question_text.textEdited.connect(self._question_edited)
        self.minutes.valueChanged.connect(self._question_edited)
        self.prompts.textChanged.connect(self._question_edited)
        self.title.textEdited.connect(self._mark_dirty)
        self.guide.textChanged.connect(self._mark_dirty)

        self.save_button = _button("Sa&ve script", "Save script", "Ctrl+S")
        self.save_button.setProperty("role", "big")
        self.save_button.clicked.connect(self.save)
        self._add_action("Save script", QKeySequence.StandardKey.Save, lambda: self.save())

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.builtin_note)
        right_layout.addLayout(about)
        right_layout.addWidget(questions_label)
        q_row = QHBoxLayout()
        q_row.addWidget(self.questions, 1)
        q_buttons = QVBoxLayout()
        for b in (self.add_button, self.remove_button, self.up_button, self.down_button):
            q_buttons.addWidget(b)
        q_buttons.addStretch(1)
        q_row.addLayout(q_buttons)
        right_layout.addLayout(q_row, 1)
        right_layout.addWidget(detail)
        right_layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)

        splitter = QSplitter()
        splitter.addWidget(VerticalScroll(left))
        splitter.addWidget(VerticalScroll(right))
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        heading = QLabel("Interview scripts")
        heading.setProperty("role", "heading")
        layout.addWidget(heading)
        layout.addWidget(splitter, 1)

    def _add_action(self, text: str, keys: object, slot: object) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    # -- the list of scripts --------------------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        current = select or (self.working.id if self.working else None)
        self.infos = self.services.scripts.list()
        self.scripts.blockSignals(True)
        self.scripts.clear()
        for info in self.infos:
            mark = " (built-in)" if info.builtin else " (yours)"
            self.scripts.addItem(f"{info.script.title}{mark}")
        self.scripts.blockSignals(False)
        ids = [i.script.id for i in self.infos]
        row = ids.index(current) if current in ids else (0 if ids else -1)
        self.scripts.setCurrentRow(row)
        self._script_chosen(row)

    def _script_chosen(self, row: int) -> None:
        if not 0 <= row < len(self.infos):
            self.working = None
            return
        info = self.infos[row]
        self.show_script(info.script, builtin=info.builtin)

    def show_script(self, script: Script, *, builtin: bool, new: bool = False) -> None:
        self._loading = True
        self.working = replace(
            script,
            questions=[Question(q.text, list(q.prompts), q.minutes) for q in script.questions],
        )
        self.builtin, self.is_new, self.dirty = builtin, new, False
        self.title.setText(script.title)
        self.guide.setPlainText(script.guide)
        self._fill_questions(0)
        self._loading = False
        self._update_enabled()

    def _fill_questions(self, row: int) -> None:
        assert self.working is not None
        was = self._loading
        self._loading = True
        self.questions.clear()
        for n, q in enumerate(self.working.questions, 1):
            self.questions.addItem(f"{n}. {q.text}")
        self.questions.setCurrentRow(min(row, self.questions.count() - 1))
        self._loading = was
        self._question_chosen(self.questions.currentRow())

    def _update_enabled(self) -> None:
        editable = self.working is not None and not self.builtin
        self.builtin_note.setVisible(self.builtin)
        for w in (self.title, self.guide, self.question_text, self.prompts):
            w.setReadOnly(not editable)
        self.minutes.setReadOnly(not editable)
        for b in (self.add_button, self.remove_button, self.up_button, self.down_button):
            b.setEnabled(editable)
        self.save_button.setEnabled(editable)
        self.delete_button.setEnabled(editable and not self.is_new)
        self.copy_button.setEnabled(self.working is not None and not self.is_new)

    # -- questions ------------------------------------------------------------------------

    def _question_chosen(self, row: int) -> None:
        if self.working is None or not 0 <= row < len(self.working.questions):
            return
        q = self.working.questions[row]
        was = self._loading
        self._loading = True
        self.question_text.setText(q.text)
        self.minutes.setValue(q.minutes or 0)
        self.prompts.setPlainText("\n".join(q.prompts))
        self._loading = was

    def _question_edited(self, *_args: object) -> None:
        row = self.questions.currentRow()
        if self._loading or self.working is None or self.builtin or row < 0:
            return
        q = self.working.questions[row]
        q.text = self.question_text.text()
        q.minutes = self.minutes.value() or None
        q.prompts = [p.strip() for p in self.prompts.toPlainText().splitlines() if p.strip()]
        self.questions.item(row).setText(f"{row + 1}. {q.text}")
        self._mark_dirty()

    def _mark_dirty(self, *_args: object) -> None:
        if not self._loading:
            self.dirty = True

    def add_question(self) -> None:
        if self.working is None or self.builtin:
            return
        row = self.questions.currentRow() + 1 if self.questions.count() else 0
        self.working.questions.insert(row, Question("New question"))
        self._fill_questions(row)
        self.question_text.setFocus()
        self.question_text.selectAll()
        self._mark_dirty()

    def remove_question(self) -> None:
        row = self.questions.currentRow()
        if self.working is None or self.builtin or row < 0:
            return
        if len(self.working.questions) == 1:
            self.status_message.emit("A script needs at least one question.")
            return
        del self.working.questions[row]
        self._fill_questions(max(0, row - 1))
        self._mark_dirty()

    def move_question(self, step: int) -> None:
        row = self.questions.currentRow()
        if self.working is None or self.builtin or row < 0:
            return
        target = row + step
        qs = self.working.questions
        if not 0 <= target < len(qs):
            return
        qs[row], qs[target] = qs[target], qs[row]
        self._fill_questions(target)
        self.questions.setFocus()
        self.status_message.emit(f"Moved to position {target + 1} of {len(qs)}.")
        self._mark_dirty()

    # -- saving and the script actions ------------------------------------------------------

    def save(self) -> Script | None:
        if self.working is None or self.builtin:
            return None
        script = replace(
            self.working, title=self.title.text().strip(), guide=self.guide.toPlainText()
        )
        if self.is_new:
            taken = {i.script.id for i in self.services.scripts.list()}
            base = slugify(script.title or "my-script")
            script.id, n = base, 2
            while script.id in taken:
                script.id, n = f"{base}-{n}", n + 1
        try:
            saved = self.services.scripts.save(script)
        except Exception as exc:
            show_error(self, exc)
            return None
        self.status_message.emit(f"Saved the script '{saved.title}'.")
        self.refresh(select=saved.id)
        return saved

    def new_script(self) -> None:
        blank = Script(
            id="new", title="My script", guide="", questions=[Question("First question")]
        )
        self.show_script(blank, builtin=False, new=True)
        self.title.setFocus()
        self.title.selectAll()

    def copy_script(self) -> Script | None:
        if self.working is None or self.is_new:
            return None
        try:
            copy = self.services.scripts.copy(self.working.id)
        except Exception as exc:
            show_error(self, exc)
            return None
        self.status_message.emit(f"Copied: '{copy.title}' is yours to edit.")
        self.refresh(select=copy.id)
        self.title.setFocus()
        return copy

    def delete_script(self) -> None:
        if self.working is None or self.builtin or self.is_new:
            return
        script = self.working
        dialogs.ask(
            self,
            "Delete script",
            f"Delete the script '{script.title}'?",
            informative="Interviews made with it keep their questions.",
            yes_text="Delete",
            no_text="Keep it",
            destructive=True,
            on_yes=lambda: self._delete(script),
        )

    def _delete(self, script: Script) -> None:
        try:
            self.services.scripts.delete(script.id)
        except Exception as exc:
            show_error(self, exc)
            return
        self.working = None
        self.status_message.emit(f"Deleted the script '{script.title}'.")
        self.refresh()

    def _use(self) -> None:
        if self.working is not None and not self.is_new:
            self.use_script.emit(self.working.id)
