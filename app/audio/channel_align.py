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
        self._out_frames = 0  # frames emitted: the file's frames on a call take
        #: Once the call is lost: the output frame from which its channel is silence for good.
        self.silent_from: int | None = None

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

    def call_lost(self, *, keep_buffered: bool = True) -> list[np.ndarray]:
        """No more call frames will come: after those already here (``keep_buffered`` False:
        not even those) the call channel is silence; ``silent_from`` says from where."""
        self._call_alive = False
        if not keep_buffered:
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
    def call_alive(self) -> bool:
        return self._call_alive

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
            real_end = max(0, hi - c0)  # the call's own frames stop here in this pair
        else:
            self._padded += n
            real_end = 0
        if not self._call_alive and self.silent_from is None and real_end < n:
            self.silent_from = self._out_frames + real_end
        self._out_frames += n
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


#: Seconds of paired sound compared at a time, and how far apart the copies may sit.
GUARD_WINDOW_S = 2.0
GUARD_MAX_LAG_S = 0.1
#: Correlation at which the call channel is taken for a copy of the microphone. A laptop's
#: microphone hearing the call through its speakers stays well below (room, speaker, noise);
#: a stream the sound server moved onto the microphone gives ~1.0.
GUARD_CORRELATION = 0.95
#: Each window is judged in this many pieces (see _peak_correlation).
GUARD_PIECES = 8
#: This many windows in a row with sound in both (quiet ones neither count nor break the run).
GUARD_WINDOWS = 2
#: Both channels must carry sound this loud (RMS, dBFS) for a window to count.
GUARD_FLOOR_DB = -50.0
#: ... and at the same level: a moved stream reads the microphone's own source at unity gain,
#: while the call leaking into a laptop microphone through its speakers is 15-25 dB down (and
#: can correlate almost perfectly when the leak is clean).
GUARD_LEVEL_DB = 1.0


class CopyGuard:
    """Notices when the call channel has become a copy of the microphone.

    The call's stream must fail when its device goes (PulseAudio: DONT_MOVE), but where a
    platform moves the stream to the microphone instead, this is the second line: it compares
    the two channels of what was written, a second at a time, at lags up to 0.1 s.
    """

    def __init__(self, rate: int) -> None:
        self._window = int(GUARD_WINDOW_S * rate)
        self._max_lag = int(GUARD_MAX_LAG_S * rate)
        self._parts: list[np.ndarray] = []
        self._have = 0
        self._run = 0
        self._seen = 0  # frames checked before the current window
        self.last_correlation = 0.0
        #: Where (in frames fed) the copying began: the first window of the run that tripped.
        self.copy_from: int | None = None
        self._run_from = 0

    def check(self, blocks: list[np.ndarray]) -> bool:
        """Feed written two-channel blocks; True once the call channel copies the microphone."""
        for block in blocks:
            self._parts.append(block)
            self._have += len(block)
        if self._have < self._window:
            return False
        window = np.concatenate(self._parts)
        self._parts, self._have = [], 0
        start, self._seen = self._seen, self._seen + len(window)
        correlation = _peak_correlation(window[:, 0], window[:, 1], self._max_lag)
        if correlation is None:
            return False  # too quiet to tell: a shared silence proves nothing either way
        self.last_correlation = correlation
        if correlation < GUARD_CORRELATION:
            self._run = 0
            return False
        if self._run == 0:
            self._run_from = start
        self._run += 1
        if self._run < GUARD_WINDOWS:
            return False
        self.copy_from = self._run_from
        return True


def _peak_correlation(a: np.ndarray, b: np.ndarray, max_lag: int) -> float | None:
    """How closely ``b`` copies ``a``: the median, over quarter-second pieces, of each piece's
    best correlation at lags up to ``max_lag`` (pieces: the lag may creep while the aligner
    follows a moved stream's new timing). 0.0 when the levels differ (no copy), None when
    either is too quiet to judge."""
    a = a.astype(np.float64) - a.mean()
    b = b.astype(np.float64) - b.mean()
    floor = len(a) * 10 ** (GUARD_FLOOR_DB / 10)
    energy_a, energy_b = float(a @ a), float(b @ b)
    if energy_a < floor or energy_b < floor:
        return None
    if abs(10 * np.log10(energy_a / energy_b)) > GUARD_LEVEL_DB:
        return 0.0
    piece = max(1, len(a) // GUARD_PIECES)
    best = []
    for start in range(max_lag, len(a) - piece - max_lag + 1, piece):
        x = a[start : start + piece]
        y = b[start - max_lag : start + piece + max_lag]
        ex = float(x @ x)
        if ex < piece * 10 ** (GUARD_FLOOR_DB / 10):
            continue  # a pause: says nothing
        size = 1 << int(np.ceil(np.log2(len(y) + piece)))
        full = np.fft.irfft(np.fft.rfft(y, size) * np.conj(np.fft.rfft(x, size)), size)
        valid = full[: 2 * max_lag + 1]  # y shifted by 0..2*max_lag against x
        energy = np.concatenate([[0.0], np.cumsum(y**2)])
        ey = energy[piece : piece + 2 * max_lag + 1] - energy[: 2 * max_lag + 1]
        best.append(float(np.max(np.abs(valid) / np.sqrt(ex * np.maximum(ey, 1e-12)))))
    return float(np.median(best)) if best else None
