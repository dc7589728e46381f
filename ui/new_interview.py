"""New interview, in the order the conversation goes: the two buddies, their consent, then
what the interview is about (title, script and its questions).

Consent is the first thing a pair does together, so it sits right under their names, never
below the fold: at 100% text the whole form fits a 1280x800 screen, in two columns; with
large text or a narrow window the columns stack and the form scrolls.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.errors import InvalidInput
from app.models import Interview, Script
from app.services import Services
from ui.announce import announce
from ui.consent import ConsentForm
from ui.errors import show_error
from ui.scrolling import VerticalScroll

NO_SCRIPT = ""


def script_preview(script: Script | None) -> str:
    if script is None:
        return "No script: you ask your own questions. The transcript is not split by question."
    lines = [f"**{script.title}**", ""]
    if script.guide:
        lines += [script.guide, ""]
    if script.suggested_minutes:
        lines += [f"About {script.suggested_minutes:g} minutes.", ""]
    for n, q in enumerate(script.questions, 1):
        lines.append(f"{n}. {q.text}")
        lines += [f"    - {p}" for p in q.prompts]
    return "\n".join(lines)


class Columns(QWidget):
    """Two columns side by side while both fit their content, else one above the other.

    Reading and Tab order stay the same either way: the first column, then the second.
    """

    def __init__(self, first: QWidget, second: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first, self.second = first, second
        self.row = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.row.setContentsMargins(0, 0, 0, 0)
        # The first column holds the two consent groups side by side: give it the room.
        self.row.addWidget(first, 2)
        self.row.addWidget(second, 1)

    def _side_by_side_width(self) -> int:
        return (
            self.first.minimumSizeHint().width()
            + self.second.minimumSizeHint().width()
            + self.row.spacing()
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        wide = event.size().width() >= self._side_by_side_width()
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self.row.direction() != direction:
            self.row.setDirection(direction)
        super().resizeEvent(event)

    def minimumSizeHint(self) -> QSize:
        # As narrow as the wider column: they stack rather than force the window wider.
        hint = super().minimumSizeHint()
        narrow = max(self.first.minimumSizeHint().width(), self.second.minimumSizeHint().width())
        return QSize(min(hint.width(), narrow), hint.height())


class NewInterviewScreen(QWidget):
    created = Signal(int)
    cancelled = Signal()
    status_message = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setObjectName("new-interview")
        self.setAccessibleName("New interview")

        heading = QLabel("New interview")
        heading.setProperty("role", "heading")

        self.title = self._edit("Title", "A few words about what you will talk about")
        self.interviewer = self._edit("Interviewer", "The person who asks the questions")
        self.interviewee = self._edit("Interviewee", "The person who answers")
        self.names = QStringListModel(self)
        for edit in (self.interviewer, self.interviewee):
            completer = QCompleter(self.names, edit)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            # Styled as a popup (no inner padding): Qt sizes it for its rows alone, and the
            # padding of ordinary lists left a sliver that showed no whole name.
            completer.popup().setProperty("role", "popup")
            edit.setCompleter(completer)
        remembered = QLabel("Names are remembered for next time: start typing to pick one.")
        remembered.setProperty("role", "muted")
        remembered.setWordWrap(True)

        # A remote interview: the other buddy is on a video call from this computer.
        self.on_call = QCheckBox(
            "On a video ca&ll (the other buddy is heard through this computer)"
        )
        self.on_call.setAccessibleName("On a call")
        self.on_call.setAccessibleDescription(
            "Records this computer's microphone and the call's sound as two channels, so each "
            "voice gets the right name"
        )
        self.here = QComboBox()
        self.here.setAccessibleName("Who is at this computer")
        self.here.setAccessibleDescription("Their voice is the microphone; the other is the call")
        self.here.addItem("The interviewer", "interviewer")
        self.here.addItem("The interviewee", "interviewee")
        self.here.setEnabled(False)
        self.on_call.toggled.connect(self.here.setEnabled)
        self.call_note = QLabel(
            "The call's sound is recorded from this computer's speakers or headset output. "
            "Use the same output for the whole call."
        )
        self.call_note.setProperty("role", "muted")
        self.call_note.setWordWrap(True)

        self.script = QComboBox()
        self.script.setAccessibleName("Interview script")
        self.script.setAccessibleDescription("The questions the interviewer will ask")
        self.script.currentIndexChanged.connect(self._show_preview)
        self.preview = QTextBrowser()
        self.preview.setAccessibleName("Questions in this script")
        self.preview.setMinimumHeight(140)

        def labelled(form: QFormLayout, text: str, field: QWidget) -> None:
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)

        # 1. Who is talking, 2. what they agree to: the first things the pair does together.
        people = QGroupBox("1. The two buddies")
        names = QFormLayout(people)
        names.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        labelled(names, "Inter&viewer (asks):", self.interviewer)
        labelled(names, "I&nterviewee (answers):", self.interviewee)
        names.addRow(remembered)
        self.consent = ConsentForm()
        agree = QGroupBox("2. Consent: read it together, then each ticks what they agree to")
        agree_layout = QVBoxLayout(agree)
        agree_layout.addWidget(self.consent)
        first = QWidget()
        first_layout = QVBoxLayout(first)
        first_layout.setContentsMargins(0, 0, 0, 0)
        first_layout.addWidget(people)
        first_layout.addWidget(agree, 1)

        # 3. What the interview is about.
        about = QGroupBox("3. The interview")
        details = QFormLayout(about)
        details.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        labelled(details, "&Title:", self.title)
        # Where each buddy is belongs with the interview's details (the right-hand column has
        # the room; the names and consent stay in view on the left).
        details.addRow(self.on_call)
        labelled(details, "At this co&mputer:", self.here)
        details.addRow(self.call_note)
        labelled(details, "&Script:", self.script)
        questions = QLabel("&Questions:")
        questions.setBuddy(self.preview)
        details.addRow(questions)
        details.addRow(self.preview)
        self.columns = Columns(first, about)
        self.interviewer.textChanged.connect(self._names_changed)
        self.interviewee.textChanged.connect(self._names_changed)

        self.problem = QLabel()
        self.problem.setProperty("role", "banner")
        self.problem.setWordWrap(True)
        self.problem.hide()

        self.create_button = QPushButton("&Create interview")
        self.create_button.setProperty("role", "big")
        self.create_button.setAccessibleName("Create interview")
        self.create_button.setAccessibleDescription("Saves the interview and the consent given")
        self.create_button.clicked.connect(self.create)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel new interview")
        self.cancel_button.clicked.connect(self.cancelled)

        body = QWidget()
        inner = QVBoxLayout(body)
        inner.addWidget(heading)
        inner.addWidget(self.columns, 1)
        self.scroll = scroll = VerticalScroll(body)

        buttons = QHBoxLayout()
        buttons.addWidget(self.problem, 1)
        buttons.addStretch(0)  # keeps the buttons their own size while no problem shows
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.create_button)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

    def _edit(self, name: str, description: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(name)
        edit.setAccessibleDescription(description)
        return edit

    def reset(self) -> None:
        """Fresh form, with the names and scripts known now."""
        for edit in (self.title, self.interviewer, self.interviewee):
            edit.clear()
        self.on_call.setChecked(False)
        self.here.setCurrentIndex(0)
        self.names.setStringList(self.services.known_names())
        self.script.blockSignals(True)
        self.script.clear()
        self.script.addItem("No script", NO_SCRIPT)
        for info in self.services.scripts.list():
            suffix = "" if info.builtin else " (yours)"
            self.script.addItem(f"{info.script.title}{suffix}", info.script.id)
        self.script.setCurrentIndex(1 if self.script.count() > 1 else 0)
        self.script.blockSignals(False)
        self._show_preview()
        for group in self.consent.participants.values():
            group.set_scopes(set())
            group.given.setText("")
        self.problem.hide()
        self.interviewer.setFocus()

    def _names_changed(self) -> None:
        who, whom = self.interviewer.text().strip(), self.interviewee.text().strip()
        self.consent.set_names(self.interviewer.text(), self.interviewee.text())
        self.here.setItemText(0, f"The interviewer ({who})" if who else "The interviewer")
        self.here.setItemText(1, f"The interviewee ({whom})" if whom else "The interviewee")

    def _selected_script(self) -> Script | None:
        script_id = self.script.currentData()
        if not script_id:
            return None
        try:
            return self.services.scripts.get(script_id)
        except Exception as exc:
            show_error(self, exc)
            return None

    def _show_preview(self) -> None:
        self.preview.setMarkdown(script_preview(self._selected_script()))

    def select_script(self, script_id: str) -> None:
        index = self.script.findData(script_id)
        if index >= 0:
            self.script.setCurrentIndex(index)

    def _validate(self) -> None:
        title = self.title.text().strip()
        who = self.interviewer.text().strip()
        whom = self.interviewee.text().strip()
        if not who or not whom:
            (self.interviewer if not who else self.interviewee).setFocus()
            raise InvalidInput(
                "Both buddies need a name.", "Type the interviewer's and the interviewee's names."
            )
        if who.casefold() == whom.casefold():
            self.interviewee.setFocus()
            raise InvalidInput(
                "The interviewer and the interviewee have the same name.",
                "Give two different names.",
            )
        if not title:
            self.title.setFocus()
            raise InvalidInput("The interview needs a title.", "Type a few words in 'Title'.")

    def create(self) -> Interview | None:
        try:
            self._validate()
        except InvalidInput as problem:
            self.problem.setText(f"Problem: {problem.message} {problem.ui_hint}")
            self.problem.show()
            announce(self, self.problem.text(), assertive=True)
            return None
        self.problem.hide()
        try:
            interview = self.services.new_interview(
                self.title.text().strip(),
                interviewer=self.interviewer.text().strip(),
                interviewee=self.interviewee.text().strip(),
                script_id=self.script.currentData() or None,
                on_call=self.on_call.isChecked(),
                here_role=self.here.currentData() if self.on_call.isChecked() else "interviewer",
            )
            interview = self.consent.save(self.services, interview.id)
        except Exception as exc:
            show_error(self, exc)
            return None
        missing = interview.missing_consent("record")
        if missing:
            names = " and ".join(p.name for p in missing)
            self.status_message.emit(
                f"Created '{interview.title}'. {names} did not agree to recording yet, "
                "so recording stays off until they do."
            )
        else:
            self.status_message.emit(f"Created '{interview.title}'.")
        self.created.emit(interview.id)
        return interview
