"""Transcription in the background: a dock with progress, time left and Cancel.

The dock is not modal: while the engine works, the user can read the library, write notes or
edit another transcript. Re-transcribing over hand edits asks first.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import EditsWouldBeLost
from app.models import Transcript
from app.services import Services
from app.transcription.progress import ProgressNote, time_left_text
from app.wording import duration, plural
from ui import dialogs, tasks
from ui.announce import announce
from ui.errors import show_error

#: Progress said aloud at these percentages only: every change would drown everything else.
MILESTONES = (25, 50, 75)


def remaining_text(note: ProgressNote | None) -> str:
    """What the job is doing, in words: opening, loading the model, how much audio is done
    and the time left (measured from the work itself, see app.transcription.progress)."""
    return note.text if note is not None else "Opening the recording…"


class TranscriptionPanel(QDockWidget):
    transcribed = Signal(int)  # interview id, once the new transcript is stored
    open_transcript = Signal(int)
    status_message = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__("Transcription", parent)
        self.services = services
        self.setObjectName("transcription-panel")
        self.setAccessibleName("Transcription")
        # No title-bar close cross: it is a tiny target. A full-size Hide button does that.
        self.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.task: tasks.Task | None = None
        self.interview_id: int | None = None
        self.last_done: int | None = None
        self._started = 0.0
        self._note: ProgressNote | None = None
        self._milestone = 0  # the last percentage announced

        body = QWidget()
        self.title = QLabel("Nothing is being transcribed.")
        self.title.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setFormat("%p%")
        self.progress.setAccessibleName("Transcription progress")
        self.remaining = QLabel("")
        # No Alt+letters in this panel: it shows over every screen, whose own keys would clash
        # (Alt+C is Create, Copy and Consent there). Alt+3 opens the transcript; Alt+H is Help.
        self.cancel_button = QPushButton("Cancel transcription")
        self.cancel_button.setAccessibleName("Cancel transcription")
        self.cancel_button.setAccessibleDescription("Stops it; the previous transcript is kept")
        self.cancel_button.clicked.connect(self.cancel)
        self.open_button = QPushButton("Open transcript")
        self.open_button.setAccessibleName("Open transcript")
        self.open_button.clicked.connect(self._open)
        self.hide_button = QPushButton("Hide")
        self.hide_button.setAccessibleName("Hide transcription progress")
        self.hide_button.setAccessibleDescription(
            "Transcription goes on; Control+Shift+T shows this again"
        )
        self.hide_button.clicked.connect(self.hide)
        row = QHBoxLayout()
        row.addWidget(self.remaining, 1)
        row.addWidget(self.open_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.hide_button)
        layout = QVBoxLayout(body)
        layout.addWidget(self.title)
        layout.addWidget(self.progress)
        layout.addLayout(row)
        self.setWidget(body)
        self._idle()

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.is_done

    def _idle(self) -> None:
        self.cancel_button.setEnabled(False)
        self.open_button.setVisible(self.last_done is not None)

    def start(
        self, interview_id: int, *, discard_edits: bool = False, use_live: bool = False
    ) -> tasks.Task | None:
        """Transcribe in the background. ``use_live``: a take whose live transcription
        completed is attributed from it (after a take); otherwise (the Transcribe button) the
        whole take is transcribed again from its audio."""
        if self.running:
            self.show()
            self.status_message.emit(
                "A transcription is already running: wait for it to finish, or cancel it."
            )
            return None
        interview = self.services.interview(interview_id)
        self.interview_id = interview_id
        self.title.setText(f"Transcribing '{interview.title}'. You can keep working meanwhile.")
        self.progress.setValue(0)
        self._note = None
        self.remaining.setText(remaining_text(None))
        self.cancel_button.setEnabled(True)
        self.open_button.hide()
        self.show()
        self.raise_()
        self._started = time.monotonic()
        self._milestone = 0
        self.task = tasks.run_task(
            "transcribe",
            lambda on_progress, should_cancel: self.services.transcribe(
                interview_id,
                discard_edits=discard_edits,
                on_progress=on_progress,
                should_cancel=should_cancel,
                on_note=self._noted,
                use_live=use_live,
            ),
            progress=True,
            heavy=True,
            on_progress=self._progress,
            on_success=lambda t: self._succeeded(interview_id, t),
            on_failure=lambda e: self._failed(interview_id, e, use_live=use_live),
            on_cancelled=self._cancelled,
            on_done=self._idle,
        )
        self._tell(
            f"Transcribing '{interview.title}' in the background. You can keep working; "
            "progress is announced at each quarter."
        )
        return self.task

    def _tell(self, text: str, *, assertive: bool = False) -> None:
        announce(self, text, assertive=assertive)
        self.status_message.emit(text)

    def _noted(self, note: ProgressNote) -> None:
        # The task's thread: a plain assignment, read by _progress on the UI thread (the
        # progress signal that follows each note is queued after it).
        self._note = note

    def _progress(self, fraction: float) -> None:
        self.progress.setValue(int(fraction * 1000))
        note = self._note
        self.remaining.setText(remaining_text(note))
        reached = [m for m in MILESTONES if fraction * 100 >= m > self._milestone]
        if reached:
            self._milestone = reached[-1]
            left = time_left_text(note.seconds_left) if note is not None else ""
            left = f" {left[0].upper()}{left[1:]}." if left else ""
            announce(self, f"Transcription {self._milestone}% done.{left}")

    def cancel(self) -> None:
        if self.task is not None and not self.task.is_done:
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self.remaining.setText("Cancelling…")

    def _succeeded(self, interview_id: int, transcript: Transcript) -> None:
        self.progress.setValue(1000)
        took = time.monotonic() - self._started
        lines = plural(len(transcript.segments), "line") + " of transcript"
        self.remaining.setText(f"Done in {duration(took)}: {lines}.")
        self.title.setText("Transcription finished. Check and correct it in the transcript.")
        self.last_done = interview_id
        self._tell(
            f"Transcription finished: {lines}. "
            "Open transcript is in the Transcription panel, or press Alt+3."
        )
        self.transcribed.emit(interview_id)

    def _failed(self, interview_id: int, error: BaseException, *, use_live: bool = False) -> None:
        if isinstance(error, EditsWouldBeLost):
            self.remaining.setText("Waiting for your answer…")
            announce(self, "Transcribing again would replace your corrections.", assertive=True)
            dialogs.ask(
                self,
                "Transcribe again?",
                "This transcript has corrections made by hand. Transcribing again replaces "
                "them with a fresh transcript.",
                informative="Your corrections cannot be brought back afterwards.",
                yes_text="Transcribe again and lose my corrections",
                no_text="Keep my corrections",
                destructive=True,
                on_yes=lambda: self.start(interview_id, discard_edits=True, use_live=use_live),
                on_no=self._kept,
            )
            return
        self.remaining.setText("The transcription stopped because of a problem.")
        self.title.setText("Transcription did not finish. The previous transcript is unchanged.")
        self._tell(self.title.text(), assertive=True)
        show_error(self, error)

    def _kept(self) -> None:
        self.progress.setValue(0)
        self.title.setText("Not transcribed again: your corrections are kept.")
        self.remaining.setText("Kept your corrections.")

    def _cancelled(self) -> None:
        # The title said "Transcribing…": it must not go on saying so once nothing is.
        self.progress.setValue(0)
        self.title.setText("Transcription cancelled. The previous transcript is unchanged.")
        self.remaining.setText("Cancelled. Nothing was changed.")
        self._tell("Transcription cancelled. Nothing was changed.")

    def _open(self) -> None:
        if self.last_done is not None:
            self.open_transcript.emit(self.last_done)
