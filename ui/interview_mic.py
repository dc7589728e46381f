"""The interview screen's microphone check (and, on a call, the call's sound).

A part of ``InterviewScreen`` (mixed in), kept apart so the screen's own file stays about the
interview; the widgets it uses are made by ``InterviewLayout``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from app.audio.levels import Level
from ui.announce import announce
from ui.recording import MicCheck

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLabel, QPushButton

    from app.models import Interview
    from ui.level_meter import LevelMeter
    from ui.problem_banner import ProblemBanner
    from ui.recording import RecordingSession, StreamFactory

log = logging.getLogger(__name__)


class MicCheckPart:
    interview: Interview | None
    session: RecordingSession | None
    mic_check: MicCheck | None
    stream_factory: StreamFactory | None
    loopback: Any
    mic_button: QPushButton
    mic_status: QLabel
    call_status: QLabel
    mic_problem: ProblemBanner
    meter: LevelMeter
    call_meter: LevelMeter

    if TYPE_CHECKING:  # given by the screen

        def _device(self) -> Any: ...

    # -- microphone check -----------------------------------------------------------------

    def toggle_mic_check(self) -> None:
        if self.mic_check is not None:
            self.mic_check.stop()
            self.mic_check = None
            self.mic_button.setText("Check &microphone")
            self.meter.set_level(None)
            self.call_meter.set_level(None)
            self.mic_status.setText("Check stopped.")
            return
        if self.session is not None and self.session.active:
            self.mic_status.setText("The meter shows the recording's level while you record.")
            return
        self.mic_problem.clear()
        self.meter.checking = True
        on_call = self.interview is not None and self.interview.on_call
        check = MicCheck(
            device=self._device(),
            stream_factory=self.stream_factory,
            call=on_call,
            loopback=self.loopback,
        )
        check.level.connect(self._show_level)
        check.call_level.connect(self.call_meter.set_level)
        check.call_note.connect(self._call_check_note)
        check.failed.connect(self._mic_failed)
        check.running_changed.connect(lambda on: self._mic_running(check, on))
        self.mic_check = check
        self.mic_button.setText("Stop &microphone check")
        self.mic_status.setText("Opening the microphone…")
        check.start()

    def _mic_running(self, check: MicCheck, on: bool) -> None:
        self.mic_status.setText(
            f"Listening to {check.device_name}. Say a few words: the level is shown and said "
            "in words beside the bar."
            if on
            else "Check stopped."
        )
        announce(self, self.mic_status.text())

    def _call_check_note(self, note: str) -> None:
        """On a call, the check also listens to the call's sound; say if it cannot."""
        if note:
            self.call_status.setText(f"Problem: {note}")
            announce(self, self.call_status.text(), assertive=True)
        else:
            self.call_status.setText(
                "The call's sound is being checked too: when the other person speaks, the "
                "call's meter moves."
            )

    def _mic_failed(self, error: BaseException) -> None:
        self.mic_check = None
        self.mic_button.setText("Check &microphone")
        log.info("The microphone check failed", exc_info=error)
        self.mic_status.setText("The microphone check could not start.")
        self.mic_problem.show_error(error)
        announce(self, self.mic_problem.text(), assertive=True)

    def _show_level(self, level: Level) -> None:
        self.meter.set_level(level)
