"""The interview screen's live captions: on or off, on the screen or in their own window.

A part of ``InterviewScreen`` (mixed in), kept apart so the screen's own file stays about the
interview; the widgets it uses are made by ``InterviewLayout``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal

from app.errors import BuddyError
from ui.captions import CaptionWindow

if TYPE_CHECKING:
    from PySide6.QtWidgets import QCheckBox, QGroupBox, QLabel

    from app.services import Services
    from app.settings import Settings
    from ui.captions import CaptionView

log = logging.getLogger(__name__)


class CaptionsPart:
    services: Services
    settings: Settings
    captions: CaptionView
    captions_window: CaptionWindow | None
    captions_toggle: QCheckBox
    captions_box: QGroupBox
    captions_note: QLabel
    live_transcript_ready: Signal

    if TYPE_CHECKING:  # given by the screen

        def _tell(self, text: str, *, assertive: bool = False) -> None: ...

    # -- live captions --------------------------------------------------------------------

    def _apply_caption_settings(self) -> None:
        s = self.settings
        self.captions_toggle.blockSignals(True)
        self.captions_toggle.setChecked(s.live_captions)
        self.captions_toggle.blockSignals(False)
        self.captions_box.setEnabled(s.live_transcription)
        self.captions_note.setText(
            ""
            if s.live_transcription
            else "Live transcription is off, so there are no captions. Turn it on in "
            "Settings, Transcription; the take is then transcribed while you talk."
        )
        self._place_captions()
        if s.captions_window and s.live_captions and s.live_transcription:
            self.open_captions_window()

    def _place_captions(self) -> None:
        window_open = self.captions_window is not None and self.captions_window.isVisible()
        on = self.captions_toggle.isChecked()
        self.captions.setVisible(on and not window_open)
        if self.captions_window is not None and not on:
            self.captions_window.hide()

    def show_captions(self, on: bool) -> None:
        """The pair's choice: captions on or off (kept for next time)."""
        if self.settings.live_captions != on:
            try:
                self.settings = self.services.update_settings(live_captions=on)
            except BuddyError:
                log.warning("Could not save the captions setting", exc_info=True)
        self._place_captions()
        self._tell("Live captions shown." if on else "Live captions hidden.")

    def open_captions_window(self) -> CaptionWindow:
        if self.captions_window is None:
            self.captions_window = CaptionWindow(self)
            self.captions_window.closed.connect(self._captions_window_closed)
        self.captions_window.view.show_lines(self.captions.lines)
        if not self.captions_toggle.isChecked():
            self.captions_toggle.setChecked(True)
        self.captions_window.show()
        self.captions_window.raise_()
        self._place_captions()
        return self.captions_window

    def _captions_window_closed(self) -> None:
        self.captions.setVisible(self.captions_toggle.isChecked())

    def _live_segments(self, segments: list) -> None:
        self.captions.add(segments)
        if self.captions_window is not None:
            self.captions_window.view.show_lines(self.captions.lines)

    def _live_finished(self, interview_id: int, outcome: Any) -> None:
        """The take's live transcript is complete (or not): the job puts it in the
        transcript, or transcribes the whole take when live transcription did not finish."""
        if outcome.state == "complete":
            self._tell("Live transcript finished. Putting it into the transcript.")
        else:
            self._tell(
                f"{outcome.message} Transcribing the whole take now instead.", assertive=True
            )
        self.live_transcript_ready.emit(interview_id)
