"""The widgets of the interview screen, laid out; ``InterviewScreen`` adds the behaviour.

Split from the behaviour so each file stays readable; nothing here talks to services.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui.captions import CaptionView
from ui.level_meter import LevelMeter
from ui.problem_banner import ProblemBanner
from ui.theme import MIN_TARGET_PX
from ui.voice_samples import VoiceSampleStep

#: What the microphone check says before it runs (and after a new interview is shown).
MIC_IDLE = "Say a few words and watch the level."
#: What the recording controls say before the first take of the interview shown.
NOT_RECORDING = "Not recording"


class InterviewLayout(QWidget):
    """Builds the controls; the slots it connects are defined by the subclass."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build()
        self._make_actions()

    def _button(self, text: str, name: str, description: str, *, big: bool = False) -> QPushButton:
        b = QPushButton(text)
        b.setAccessibleName(name)
        b.setAccessibleDescription(description)
        b.setToolTip(description)
        if big:
            b.setProperty("role", "big")
        return b

    def _build(self) -> None:
        self.heading = QLabel()
        self.heading.setProperty("role", "heading")
        self.heading.setWordWrap(True)
        self.banner = ProblemBanner(name="Message")

        mic = QGroupBox("1. Check the microphone")
        self.meter = LevelMeter()
        self.mic_button = self._button(
            "Check &microphone", "Check microphone", "Listen to the microphone without recording"
        )
        self.mic_button.clicked.connect(self.toggle_mic_check)
        self.mic_status = QLabel(MIC_IDLE)
        self.mic_status.setWordWrap(True)
        # A microphone that cannot be opened: the words, "Open microphone settings", details.
        self.mic_problem = ProblemBanner(name="Microphone problem")
        mic_layout = QVBoxLayout(mic)
        row = QHBoxLayout()
        row.addWidget(self.mic_button)
        self.meter_label = QLabel("")  # "You:" on a call, where a second meter shows the call
        row.addWidget(self.meter_label)
        row.addWidget(self.meter, 1)
        mic_layout.addLayout(row)
        # On a call: the call's sound (the other person) has its own meter while recording.
        self.call_row = QWidget()
        call_row = QHBoxLayout(self.call_row)
        call_row.setContentsMargins(0, 0, 0, 0)
        self.call_meter_label = QLabel("The call:")
        self.call_meter = LevelMeter(name="The call's level")
        call_row.addWidget(self.call_meter_label)
        call_row.addWidget(self.call_meter, 1)
        self.call_row.hide()
        mic_layout.addWidget(self.call_row)
        self.call_status = QLabel()
        self.call_status.setWordWrap(True)
        self.call_status.setAccessibleName("Call recording")
        self.call_status.hide()
        mic_layout.addWidget(self.call_status)
        mic_layout.addWidget(self.mic_status)
        mic_layout.addWidget(self.mic_problem)

        self.voices = VoiceSampleStep()

        rec = QGroupBox("2. Record the interview")
        self.record_button = self._button("&Record", "Record", "Start recording", big=True)
        self.pause_button = self._button("&Pause", "Pause", "Pause or resume recording", big=True)
        self.stop_button = self._button("&Stop", "Stop", "Stop and save the take", big=True)
        self.record_button.clicked.connect(self.record)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(self.stop)
        self.state_label = QLabel(NOT_RECORDING)
        self.state_label.setProperty("role", "heading")
        self.elapsed_label = QLabel()
        self.consent_button = self._button(
            "&Consent…", "Consent", "See or change what each buddy agreed to"
        )
        self.consent_button.clicked.connect(self.edit_consent)
        controls = QHBoxLayout()
        for b in (self.record_button, self.pause_button, self.stop_button):
            controls.addWidget(b)
        controls.addStretch(1)
        controls.addWidget(self.consent_button)
        rec_layout = QVBoxLayout(rec)
        rec_layout.addLayout(controls)
        status_row = QHBoxLayout()
        status_row.addWidget(self.state_label)
        status_row.addWidget(self.elapsed_label, 1)
        rec_layout.addLayout(status_row)

        self.captions_box = QGroupBox("Live captions")
        self.captions = CaptionView()
        self.captions_toggle = QCheckBox("Show &live captions")
        self.captions_toggle.setAccessibleName("Show live captions")
        self.captions_toggle.setAccessibleDescription(
            "Show what is being said as large text while recording"
        )
        self.captions_toggle.toggled.connect(self.show_captions)
        # A switch user's target: as tall as the buttons beside it.
        self.captions_toggle.setMinimumHeight(MIN_TARGET_PX)
        self.captions_window_button = self._button(
            "Captions in a separate w&indow",
            "Captions in a separate window",
            "Open the live captions in a window you can move, for example nearer a participant",
        )
        self.captions_window_button.clicked.connect(self.open_captions_window)
        self.captions_note = QLabel("")
        self.captions_note.setProperty("role", "muted")
        self.captions_note.setWordWrap(True)
        cap_layout = QVBoxLayout(self.captions_box)
        cap_layout.addWidget(self.captions)
        cap_row = QHBoxLayout()
        cap_row.addWidget(self.captions_toggle)
        cap_row.addStretch(1)
        cap_row.addWidget(self.captions_window_button)
        cap_layout.addLayout(cap_row)
        cap_layout.addWidget(self.captions_note)

        question = QGroupBox("Current question")
        self.position_label = QLabel()
        self.question_label = QLabel()
        self.question_label.setProperty("role", "question")
        self.question_label.setWordWrap(True)
        self.question_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.prompts_label = QLabel()
        self.prompts_label.setWordWrap(True)
        self.previous_button = self._button(
            "◀ Pre&vious question", "Previous question", "Go back to the previous question"
        )
        self.next_button = self._button(
            "&Next question ▶", "Next question", "Move on to the next question", big=True
        )
        self.previous_button.clicked.connect(self.previous_question)
        self.next_button.clicked.connect(self.next_question)
        q_layout = QVBoxLayout(question)
        q_layout.addWidget(self.position_label)
        q_layout.addWidget(self.question_label)
        q_layout.addWidget(self.prompts_label)
        nav = QHBoxLayout()
        nav.addWidget(self.previous_button)
        nav.addStretch(1)
        nav.addWidget(self.next_button)
        q_layout.addLayout(nav)

        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName("Notes")
        self.notes.setAccessibleDescription("Saved as you type")
        self.notes.setTabChangesFocus(True)  # Tab must leave the field for keyboard users
        self.notes.textChanged.connect(self._notes_changed)
        notes_label = QLabel("N&otes (saved as you type):")
        notes_label.setBuddy(self.notes)
        self.notes_state = QLabel("")
        self.notes_state.setProperty("role", "muted")

        after = QGroupBox("3. After the interview")
        self.transcribe_button = self._button(
            "&Transcribe", "Transcribe", "Turn the recording into text (runs in the background)"
        )
        self.swap_button = self._button(
            "S&wap roles", "Swap roles", "Start the return interview: same script, roles swapped"
        )
        self.takes_button = self._button(
            "T&akes…", "Takes", "Leave a take out of the transcript, or delete it"
        )
        self.transcribe_button.clicked.connect(self.transcribe)
        self.swap_button.clicked.connect(self.swap_roles)
        self.takes_button.clicked.connect(self.show_takes)
        self.takes_label = QLabel()
        self.takes_label.setWordWrap(True)
        after_layout = QHBoxLayout(after)
        after_layout.addWidget(self.takes_label, 1)
        after_layout.addWidget(self.takes_button)
        after_layout.addWidget(self.transcribe_button)
        after_layout.addWidget(self.swap_button)

        body = QWidget()
        inner = QVBoxLayout(body)
        inner.addWidget(self.heading)
        inner.addWidget(self.banner)
        inner.addWidget(mic)
        inner.addWidget(self.voices)
        inner.addWidget(question, 1)
        inner.addWidget(rec)
        inner.addWidget(self.captions_box)
        inner.addWidget(notes_label)
        inner.addWidget(self.notes)
        inner.addWidget(self.notes_state)
        inner.addWidget(after)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        # Tab follows the screen from top to bottom (the question sits above the recording
        # controls), not the order the widgets happened to be made in.
        order = [
            *self.banner.buttons(),
            self.mic_button,
            *self.mic_problem.buttons(),
            self.previous_button,
            self.next_button,
            self.record_button,
            self.pause_button,
            self.stop_button,
            self.consent_button,
            self.captions_toggle,
            self.captions_window_button,
            self.notes,
            self.takes_button,
            self.transcribe_button,
            self.swap_button,
        ]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)

    def order_voice_step(self) -> None:
        """The voice-sample buttons are made per interview: slot them in after the check."""
        chain = [
            self.mic_button,
            *self.mic_problem.buttons(),
            *self.voices.buttons.values(),
            self.voices.skip_button,
        ]
        for first, second in pairwise([*chain, self.previous_button]):
            QWidget.setTabOrder(first, second)

    def _make_actions(self) -> None:
        """Menu actions (listed in the shortcuts dialog) that mirror the big buttons."""

        def action(text: str, keys: str, slot: Any) -> QAction:
            a = QAction(text, self)
            a.setShortcut(QKeySequence(keys))
            a.triggered.connect(slot)
            return a

        self.check_action = action("Check microphone", "Ctrl+M", self.toggle_mic_check)
        self.record_action = action("Record", "Ctrl+R", self.record)
        self.pause_action = action("Pause or resume", "Ctrl+P", self.toggle_pause)
        self.stop_action = action("Stop recording", "Ctrl+E", self.stop)
        self.next_action = action("Next question", "Alt+Right", self.next_question)
        self.previous_action = action("Previous question", "Alt+Left", self.previous_question)
        self.swap_action = action("Swap roles", "Ctrl+Shift+W", self.swap_roles)
        self.actions_list = [
            self.check_action,
            self.record_action,
            self.pause_action,
            self.stop_action,
            self.next_action,
            self.previous_action,
            self.swap_action,
        ]
