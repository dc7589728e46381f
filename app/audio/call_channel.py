"""The recorder's call side: opening the call's stream, and saying in words what became of it.

The recorder keeps its own guarantees (callback, writer, watchdog, disk); this object only
adds the second stream to the recorder's queue and holds what the user must be told:
``note`` when the take records the microphone alone from the start, ``message`` when the
call's sound stopped mid-take.
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from typing import Any

from app.audio.call_capture import Loopback, LoopbackCapture
from app.audio.channel_align import ChannelAligner
from app.audio.takes import format_clock
from app.errors import CallAudioUnavailable

log = logging.getLogger(__name__)

#: (kind, message) for what does not end the take: "call-unavailable" (at start, the take is
#: the microphone alone) and "call-stopped" (the call channel is silence from here on).
NoticeHandler = Callable[[str, str], None]


class CallChannel:
    """Channel 1 of a call take: the computer's sound output, read into ``feed``."""

    def __init__(
        self,
        feed: queue.SimpleQueue[tuple[Any, ...]],
        *,
        find: Callable[[], Loopback],
        roles: list[str],
        clock: Callable[[], float],
        on_notice: NoticeHandler | None = None,
    ) -> None:
        self._feed = feed
        self._find = find
        self.roles = roles  # [microphone's role, call's role]
        self._clock = clock
        self._on_notice = on_notice
        self.capture: LoopbackCapture | None = None
        self.aligner: ChannelAligner | None = None
        #: Why the take records the microphone alone ("" when both channels record).
        self.note = ""
        #: Set when the call's sound stopped mid-take: what the user was told.
        self.message = ""

    @property
    def recording(self) -> bool:
        """True when the take has the call as its second channel."""
        return self.capture is not None

    @property
    def live(self) -> bool:
        return self.capture is not None and not self.message

    def open(self, rate: int) -> bool:
        """Find and start the call's stream (blocks queue up until the writer runs); False,
        with ``note`` set and the user told, when it cannot be recorded."""
        try:
            loopback = self._find()
            capture = LoopbackCapture(
                loopback,
                samplerate=rate,
                # The capture thread only queues, like the audio callback.
                on_block=lambda mono, stamp: self._feed.put(("call", mono, stamp)),
                on_lost=lambda _reason: self._feed.put(("call-lost", self._clock())),
                clock=self._clock,
            )
            try:
                capture.start()
            except BaseException:
                capture.stop()
                raise
        except CallAudioUnavailable as exc:
            self.note = f"This take records your microphone only. {exc.message} {exc.hint}".strip()
            log.warning("%s", self.note)
            self._notify("call-unavailable", self.note)
            return False
        self.capture = capture
        self.aligner = ChannelAligner(rate)
        return True

    def describe(self, microphone: str) -> str:
        """The take's device, as stored with it."""
        if self.capture is None:
            return microphone
        return f"{microphone} + the call ({self.capture.loopback.name})"

    def stopped(self, at_s: float) -> None:
        """Writer thread: the call's stream failed or began to copy the microphone (its device
        vanished); the take goes on with the call channel silent."""
        if self.capture is not None:
            self.capture.stop(wait=False)  # the writer must not wait for a reading thread
        self.message = (
            f"The call's sound stopped reaching the recording {format_clock(at_s)} into the "
            f"take (was the headset or speaker unplugged or switched?). Recording goes on with "
            f"your microphone only; everything recorded is kept. To record both voices again, "
            f"stop, check the computer's sound output and start a new take."
        )
        self._notify("call-stopped", self.message)

    def close(self) -> None:
        """Stop reading; the blocks read so far are already queued."""
        if self.capture is not None:
            self.capture.stop()

    def _notify(self, kind: str, message: str) -> None:
        if self._on_notice is None:
            return
        try:
            self._on_notice(kind, message)
        except Exception:
            log.exception("A notice listener failed")
