"""Progress that says what is happening: opening the audio, loading the model, then how much
of the take is done, with a time left measured from the work itself.

The fraction moves from the start (each stage has its share of the bar), and the time left is
worked out from how fast the audio is going through, once a few seconds of it have; it is
smoothed so it settles rather than jumping with every chunk.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from app.clock import format_clock

#: Where each stage starts on the bar; the audio runs from "transcribing" to "saving".
_SHARES = {"opening": 0.0, "loading": 0.02, "transcribing": 0.06, "saving": 0.98, "done": 1.0}
#: The estimate is offered once this much work has been timed (seconds of wall clock)...
_ESTIMATE_AFTER_S = 2.0
#: ... and follows new measurements with this weight per update.
_SMOOTHING = 0.3


@dataclass(frozen=True)
class ProgressNote:
    fraction: float
    stage: str  # one of _SHARES
    text: str  # a plain sentence for a status line
    seconds_left: float | None


NoteCallback = Callable[[ProgressNote], None]


def time_left_text(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return f"about {max(5, int(round(seconds / 5) * 5))} seconds left"
    minutes = round(seconds / 60)
    return f"about {minutes} minute{'s' if minutes != 1 else ''} left"


class JobProgress:
    def __init__(
        self,
        *,
        on_progress: Callable[[float], None] | None = None,
        on_note: NoteCallback | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._on_progress = on_progress
        self._on_note = on_note
        self._clock = clock
        self.total_s = 0.0
        self._stage = "opening"
        self._fraction = 0.0
        self._position = 0.0
        self._audio_started: tuple[float, float] | None = None  # (clock, position)
        self._rate: float | None = None  # audio seconds per wall second
        self.seconds_left: float | None = None

    def stage(self, name: str, *, total_s: float | None = None) -> None:
        if total_s is not None:
            self.total_s = max(0.0, total_s)
        self._stage = name
        if name == "transcribing":
            self._audio_started = (self._clock(), self._position)
        self._tell(_SHARES[name])

    def audio_done(self, position_s: float) -> None:
        """The take is transcribed up to ``position_s`` (seconds on its timeline)."""
        if position_s <= self._position:
            return
        self._position = min(position_s, self.total_s) if self.total_s else position_s
        if self._audio_started is not None:
            started, from_s = self._audio_started
            spent = self._clock() - started
            if spent >= _ESTIMATE_AFTER_S and self._position > from_s:
                measured = (self._position - from_s) / spent
                self._rate = (
                    measured
                    if self._rate is None
                    else (1 - _SMOOTHING) * self._rate + _SMOOTHING * measured
                )
                self.seconds_left = max(0.0, (self.total_s - self._position) / self._rate)
        share = self._position / self.total_s if self.total_s else 1.0
        low, high = _SHARES["transcribing"], _SHARES["saving"]
        self._tell(low + (high - low) * min(1.0, share))

    def _tell(self, fraction: float) -> None:
        if fraction < self._fraction:
            return
        self._fraction = fraction
        if self._on_progress is not None:
            self._on_progress(fraction)
        if self._on_note is not None:
            self._on_note(ProgressNote(fraction, self._stage, self.text(), self.seconds_left))

    def text(self) -> str:
        if self._stage == "opening":
            return "Opening the recording…"
        if self._stage == "loading":
            return "Loading the speech model…"
        if self._stage == "transcribing":
            done = f"{format_clock(self._position)} of {format_clock(self.total_s)} transcribed"
            left = time_left_text(self.seconds_left)
            return f"{done}, {left}" if left else f"{done}, working out the time left…"
        if self._stage == "saving":
            return "Saving the transcript…"
        return "Done."
