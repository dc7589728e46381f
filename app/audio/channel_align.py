"""Pairing two capture streams with separate clocks into one two-channel take.

On a call the microphone (channel 0) and the computer's sound output (channel 1) arrive as two
streams. Each counts its own frames; the microphone's count is the take's timeline. The call's
frames are placed against it by an offset: call frame ``m + offset`` was heard at the same
moment as microphone frame ``m``.

The offset comes from when blocks arrive. A block whose last frame has index ``k`` cannot
arrive before that frame was captured, so ``arrival - k / rate`` is an upper bound of the
moment frame 0 was captured; the smallest bound seen (over a sliding window, so that clock
drift between two devices is followed) is the best estimate for each stream. The difference of
the two estimates is the offset. Later changes of it (drift) are applied a frame at a time so
the call channel never jumps audibly.

The writer holds microphone blocks until the call's frames for the same moments have come (at
most ``max_wait_s``), then writes both; a call that is late beyond that, stalled or gone gets
silence for the missing frames, never anything else. Frames that arrive for moments already
written, or for a pause, are dropped. Everything here runs on the writer thread.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

#: How long microphone audio may wait for the call's matching frames before it is written with
#: silence in the call channel. Under one second so a kill -9 still loses little.
MAX_WAIT_S = 0.4
#: Gather this much of both streams before fixing the offset (the first blocks of a stream
#: often come in a burst and say little about when they were captured).
WARMUP_S = 0.3
#: The offset estimate forgets arrivals older than this, so it follows drift.
WINDOW_S = 8.0
#: A smaller difference between the estimate and the applied offset is jitter, not drift.
TOLERANCE_S = 0.002
#: At most one frame of correction per this many frames (1000 ppm: far above real drift).
SLEW_FRAMES = 1000


class ArrivalClock:
    """The earliest moment frame 0 of one stream can have been captured (windowed min)."""

    def __init__(self, rate: int, *, window_s: float = WINDOW_S, buckets: int = 4) -> None:
        self._rate = rate
        self._span = window_s / buckets
        self._buckets: deque[tuple[float, float]] = deque(maxlen=buckets)  # (bucket start, min)

    def add(self, stamp: float, end_index: int) -> None:
        bound = stamp - end_index / self._rate
        if self._buckets and stamp - self._buckets[-1][0] < self._span:
            start, low = self._buckets[-1]
            self._buckets[-1] = (start, min(low, bound))
        else:
            self._buckets.append((stamp, bound))

    @property
    def known(self) -> bool:
        return bool(self._buckets)

    @property
    def start(self) -> float:
        return min(low for _, low in self._buckets)


@dataclass(frozen=True)
class AlignStats:
    offset_frames: int | None  # call frame index for microphone frame 0
    padded_frames: int  # call-channel frames written as silence (late, stalled or gone)
    dropped_frames: int  # call frames thrown away (paused, too late, or before the take)
    held_frames: int  # microphone frames waiting for the call now
    call_frames: int  # call frames received


class ChannelAligner:
    """Turns microphone blocks and call blocks into two-channel blocks ready to write."""

    def __init__(
        self, rate: int, *, max_wait_s: float = MAX_WAIT_S, warmup_s: float = WARMUP_S
    ) -> None:
        self.rate = rate
        self._max_wait = int(max_wait_s * rate)
        self._warmup = int(warmup_s * rate)
        self._tolerance = max(1, int(TOLERANCE_S * rate))
        self._mic_clock = ArrivalClock(rate)
        self._call_clock = ArrivalClock(rate)
        self._mic_index = 0  # next microphone frame (paused ones count: they were captured)
        self._pending: deque[tuple[int, np.ndarray]] = deque()  # kept blocks not yet written
        self._held = 0
        self._call = np.zeros(0, np.float32)  # call frames [call_start, call_end)
        self._call_start = 0
        self._call_end = 0
        self._call_alive = True
        self._offset: int | None = None
        self._since_slew = 0
        self._padded = 0
        self._dropped = 0

    # -- input -------------------------------------------------------------------------------

    def push_mic(self, block: np.ndarray, *, stamp: float, keep: bool) -> list[np.ndarray]:
        """A microphone block (frames x channels; channel 0 is used). ``keep`` False: paused."""
        n = len(block)
        first = self._mic_index
        self._mic_index += n
        self._mic_clock.add(stamp, self._mic_index)
        if keep and n:
            self._pending.append((first, block[:, :1]))
            self._held += n
        return self._emit()

    def push_call(self, samples: np.ndarray, *, stamp: float) -> list[np.ndarray]:
        """Mono call frames, in order, as they came from the call's stream."""
        samples = np.asarray(samples, np.float32).reshape(-1)
        if not self._call_alive:
            return []
        self._call = np.concatenate([self._call, samples]) if len(self._call) else samples
        self._call_end += len(samples)
        self._call_clock.add(stamp, self._call_end)
        return self._emit()

    def call_lost(self) -> list[np.ndarray]:
        """No more call frames will come: from here on the call channel is silence."""
        self._call_alive = False
        self._dropped += len(self._call)
        self._call = np.zeros(0, np.float32)
        self._call_start = self._call_end
        return self._emit()

    def flush(self) -> list[np.ndarray]:
        """At the end of the take: write what is held, with silence where the call is missing."""
        out = []
        while self._pending:
            out.append(self._pair(*self._pending.popleft()))
        self._held = 0
        return out

    # -- what tests and notes read -------------------------------------------------------------

    @property
    def held_frames(self) -> int:
        return self._held

    @property
    def stats(self) -> AlignStats:
        return AlignStats(
            offset_frames=self._offset,
            padded_frames=self._padded,
            dropped_frames=self._dropped,
            held_frames=self._held,
            call_frames=self._call_end,
        )

    # -- pairing -------------------------------------------------------------------------------

    def _estimate(self) -> int | None:
        if not (self._mic_clock.known and self._call_clock.known):
            return None
        return round((self._mic_clock.start - self._call_clock.start) * self.rate)

    def _emit(self) -> list[np.ndarray]:
        if self._offset is None:
            estimate = self._estimate()
            warmed = self._mic_index >= self._warmup and self._call_end >= self._warmup
            if estimate is not None and warmed:
                self._offset = estimate
        out = []
        while self._pending:
            first, block = self._pending[0]
            overdue = self._held > self._max_wait or not self._call_alive
            if self._offset is None:
                if not overdue:
                    break
            elif self._call_end < first + self._offset + len(block) and not overdue:
                break
            self._pending.popleft()
            self._held -= len(block)
            out.append(self._pair(first, block))
            self._slew(len(block))
        return out

    def _pair(self, first: int, block: np.ndarray) -> np.ndarray:
        n = len(block)
        call = np.zeros(n, np.float32)
        if self._offset is not None:
            c0 = first + self._offset
            c1 = c0 + n
            self._drop_before(c0)
            lo, hi = max(c0, self._call_start), min(c1, self._call_end)
            if hi > lo:
                call[lo - c0 : hi - c0] = self._call[lo - self._call_start : hi - self._call_start]
            self._padded += n - max(0, hi - lo)
            self._drop_before(c1, used=True)
        else:
            self._padded += n
        return np.column_stack([block[:, 0], call]).astype(np.float32, copy=False)

    def _drop_before(self, index: int, *, used: bool = False) -> None:
        """Forget call frames before ``index`` (``used``: they were just written)."""
        if index <= self._call_start:
            return
        gone = min(index, self._call_end) - self._call_start
        if gone > 0:
            self._call = self._call[gone:]
            if not used:
                self._dropped += gone
        self._call_start = max(self._call_start, min(index, self._call_end))

    def _slew(self, frames: int) -> None:
        """Follow drift between the two clocks, at most a frame per ``SLEW_FRAMES``."""
        estimate = self._estimate()
        if self._offset is None or estimate is None:
            return
        self._since_slew += frames
        if abs(estimate - self._offset) <= self._tolerance or self._since_slew < SLEW_FRAMES:
            return
        self._since_slew = 0
        self._offset += 1 if estimate > self._offset else -1
