"""New interview: title, the two buddies, a script (with a preview), and consent."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
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

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, field in (
            ("&Title:", self.title),
            ("Inter&viewer (asks):", self.interviewer),
            ("Interview&ee (answers):", self.interviewee),
            ("", self.on_call),
            ("At this co&mputer:", self.here),
            ("&Script:", self.script),
            ("&Questions:", self.preview),
        ):
            if not text:
                form.addRow("", field)
                continue
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        form.insertRow(3, "", remembered)
        form.insertRow(6, "", self.call_note)

        self.consent = ConsentForm()
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
        inner.addLayout(form)
        inner.addWidget(self.consent, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the fields inside take the focus

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
        self.title.setFocus()

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
        if not title:
            self.title.setFocus()
            raise InvalidInput("The interview needs a title.", "Type a few words in 'Title'.")
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

    def create(self) -> Interview | None:
        try:
            self._validate()
        except InvalidInput as problem:
            self.problem.setText(f"Problem: {problem.message} {problem.hint}")
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
