"""The voice-sample step before recording: each person in turn says a line on their own.

A few seconds of each voice let the app put the right name on each thing said. The step is
optional (Skip) and each sample can be redone. Opening the microphone, closing it and saving
run through ``ui.tasks``; the meter shows the level while a sample records.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.errors import ConsentMissing
from app.models import Interview, Participant
from app.services import Services
from ui import tasks
from ui.announce import announce
from ui.errors import describe
from ui.level_meter import LevelMeter

log = logging.getLogger(__name__)

#: What each person is asked to say: their own words, a sentence or two.
LINE = "Say your name and what you do."
#: Long enough for a name and a sentence (the samples measured were 5-7 s).
SECONDS = 6.0


class VoiceClip(QObject):
    """One sample being recorded: a Qt face on the core's ClipRecorder."""

    level = Signal(object)
    finished = Signal(object)  # np.ndarray, 16 kHz mono
    failed = Signal(object)

    POLL_MS = 50

    def __init__(self, clip: Any, seconds: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clip = clip
        self.seconds = seconds
        self._timer = QTimer(self, interval=self.POLL_MS)
        self._timer.timeout.connect(self._poll)

    def start(self) -> tasks.Task:
        return tasks.run_task(
            "voice sample",
            self.clip.start,
            on_success=lambda _device: self._timer.start(),
            on_failure=self.failed.emit,
        )

    def _poll(self) -> None:
        self.level.emit(self.clip.level)
        if self.clip.seconds >= self.seconds:
            self._timer.stop()
            tasks.run_task(
                "voice sample",
                self.clip.stop,
                on_success=self.finished.emit,
                on_failure=self.failed.emit,
            )

    def cancel(self) -> None:
        self._timer.stop()
        try:
            self.clip.stop()
        except Exception:
            log.exception("Closing the microphone after a voice sample failed")


class VoiceSampleStep(QGroupBox):
    """Before recording: a voice sample of each person, in turn; skippable and redo-able."""

    #: The step is over (both kept, or skipped): the screen moves the focus on.
    finished = Signal()
    error = Signal(object)
    #: A sample is about to open the microphone: whoever else holds it lets go.
    about_to_record = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Voice samples (optional)", parent)
        self.services: Services | None = None
        self.interview: Interview | None = None
        self.device: Any = None
        self.stream_factory: Any = None
        self.seconds = SECONDS
        self.recording: VoiceClip | None = None
        self.current: Participant | None = None
        self.intro = QLabel(
            "Each of you says one line on your own, so the app can tell your voices apart. "
            "The samples stay on this laptop, for this interview only."
        )
        self.intro.setWordWrap(True)
        self.prompt = QLabel(LINE)
        self.prompt.setProperty("role", "question")
        self.prompt.setWordWrap(True)
        self.prompt.setAccessibleName("Voice sample line")
        self.meter = LevelMeter()
        self.meter.setAccessibleName("Voice sample level")
        self.buttons: dict[str, QPushButton] = {}
        self.states: dict[str, QLabel] = {}
        self.rows = QHBoxLayout()  # one person beside the other: the step stays short
        self.skip_button = QPushButton("S&kip voice samples")
        self.skip_button.setAccessibleName("Skip voice samples")
        self.skip_button.setAccessibleDescription("Go on to recording without voice samples")
        self.skip_button.clicked.connect(self.skip)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.prompt)
        layout.addLayout(self.rows)
        meter_row = QHBoxLayout()
        meter_row.addWidget(self.meter, 1)
        meter_row.addWidget(self.skip_button)
        layout.addLayout(meter_row)

    # -- loading --------------------------------------------------------------------------

    def load(
        self,
        services: Services,
        interview: Interview,
        *,
        device: Any = None,
        stream_factory: Any = None,
    ) -> None:
        self.cancel()
        self.services, self.interview = services, interview
        self.device, self.stream_factory = device, stream_factory
        while self.rows.count():
            item = self.rows.takeAt(0)
            row = item.layout()
            while row is not None and row.count():
                widget = row.takeAt(0).widget()
                if widget is not None:
                    widget.deleteLater()
        self.buttons.clear()
        self.states.clear()
        kept = {s.participant_id: s for s in services.voice_samples(interview.id)}
        for p in interview.participants:
            button = QPushButton()
            button.setAccessibleDescription(f"{p.name} says the line on their own")
            button.clicked.connect(lambda _checked=False, p=p: self.record(p))
            state = QLabel()
            state.setWordWrap(True)
            sample = kept.get(p.id)  # type: ignore[arg-type]
            row = QHBoxLayout()
            row.addWidget(button)
            row.addWidget(state, 1)
            self.rows.addLayout(row)
            self.buttons[p.role], self.states[p.role] = button, state
            self._show(p, f"Kept ({sample.duration_s:.0f} s)." if sample else "Not recorded yet.")
        self.prompt.setText(LINE)
        self.meter.set_level(None)

    def _show(self, p: Participant, state: str) -> None:
        button, label = self.buttons.get(p.role), self.states.get(p.role)
        if button is None or label is None:
            return
        redo = state.startswith("Kept")
        first = p.name.split()[0] if p.name.split() else p.name
        button.setText(f"Redo {first}'s sample" if redo else f"Record {first}'s sample")
        button.setAccessibleName(
            f"Redo {p.name}'s voice sample" if redo else f"Record {p.name}'s voice sample"
        )
        label.setText(f"{p.name}: {state}")

    @property
    def busy(self) -> bool:
        return self.recording is not None

    def first_button(self) -> QPushButton | None:
        return next(iter(self.buttons.values()), None)

    # -- recording ------------------------------------------------------------------------

    def record(self, p: Participant) -> None:
        if self.services is None or self.interview is None or self.recording is not None:
            return
        # Said before the microphone opens, not after six seconds of talking for nothing.
        current = self.services.interview(self.interview.id)
        if p in current.missing_consent("record"):
            self._failed(
                p,
                ConsentMissing(
                    f"{p.name} has not agreed to be recorded, so no voice sample is kept.",
                    "Choose 'Consent…' first.",
                ),
            )
            return
        self.about_to_record.emit()
        clip = self.services.voice_clip(device=self.device, stream_factory=self.stream_factory)
        recording = VoiceClip(clip, self.seconds, self)
        recording.level.connect(self.meter.set_level)
        recording.finished.connect(lambda audio: self._recorded(p, audio))
        recording.failed.connect(lambda e: self._failed(p, e))
        self.recording, self.current = recording, p
        for button in self.buttons.values():
            button.setEnabled(False)
        self.prompt.setText(f"{p.name}: {LINE}")
        self._show(p, f"Recording for {self.seconds:.0f} seconds…")
        announce(
            self,
            f"Voice sample for {p.name}. {p.name}, {LINE[0].lower()}{LINE[1:]} "
            f"Recording for {self.seconds:.0f} seconds.",
        )
        recording.start()

    def _recorded(self, p: Participant, audio: Any) -> None:
        assert self.services is not None and self.interview is not None
        interview_id = self.interview.id
        tasks.run_task(
            "save voice sample",
            lambda: self.services.save_voice_sample(interview_id, p.id, audio),  # type: ignore[union-attr]
            on_success=lambda sample: self._kept(p, sample),
            on_failure=lambda e: self._failed(p, e),
        )

    def _kept(self, p: Participant, sample: Any) -> None:
        self._done_recording()
        self._show(p, f"Kept ({sample.duration_s:.0f} s).")
        following = self._next_after(p)
        if following is None:
            self.prompt.setText("Voice samples kept. You can redo either, or start recording.")
            announce(self, f"Voice sample of {p.name} kept. Both done: you can record now.")
            self.finished.emit()
        else:
            self.prompt.setText(f"Next, {following.name}: {LINE}")
            announce(self, f"Voice sample of {p.name} kept. Next, {following.name}'s voice sample.")
            self.buttons[following.role].setFocus(Qt.FocusReason.OtherFocusReason)

    def _next_after(self, p: Participant) -> Participant | None:
        assert self.interview is not None
        kept = {s.participant_id for s in self.services.voice_samples(self.interview.id)}  # type: ignore[union-attr]
        people = self.interview.participants
        later = people[people.index(p) + 1 :] if p in people else []
        return next((q for q in later if q.id not in kept), None)

    def _failed(self, p: Participant, error: BaseException) -> None:
        self._done_recording()
        self._show(p, "Not kept.")
        self.meter.set_level(None)
        message, hint = describe(error)  # the window's words; details go to the log
        log.info("A voice sample failed", exc_info=error)
        self.prompt.setText(f"Problem: {message} {hint}".strip())
        announce(self, self.prompt.text(), assertive=True)
        self.error.emit(error)

    def _done_recording(self) -> None:
        self.recording, self.current = None, None
        self.meter.set_level(None)
        for button in self.buttons.values():
            button.setEnabled(True)

    def skip(self) -> None:
        self.cancel()
        announce(self, "Voice samples skipped. The voices are told apart from the recording.")
        self.finished.emit()

    def cancel(self) -> None:
        if self.recording is not None:
            self.recording.cancel()
            if self.current is not None:
                self._show(self.current, "Not recorded yet.")
            self._done_recording()
