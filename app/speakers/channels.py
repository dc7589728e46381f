"""Who is speaking on a two-channel take (a call): the channel that carries the voice.

Each channel is one person's microphone (or the call's audio). The other person leaks into a
laptop microphone from its speakers, typically 15-25 dB down, so presence of sound proves
nothing: each word goes to the channel that is *louder* during it, relative to how the two
channels compare over the whole take (their gains differ from one set-up to the next).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import soundfile

from app.models import Segment
from app.speakers.fbank import SAMPLE_RATE

#: Cluster centres closer than this mean one person spoke throughout (or the channels are
#: copies of each other): then only a clear difference decides.
SEPARATION_DB = 10.0
#: With one cluster, a word needs this much more energy on one channel to be given to it.
CLEAR_DB = 6.0
_FLOOR = 1e-10


class ChannelFile:
    """A take's channels read from its file a word at a time, at the file's own rate.

    Levels need no resampling, and reading only the words' spans keeps a long call take out
    of memory (an hour of 48 kHz stereo is 1.4 GB as float32)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._sound = soundfile.SoundFile(str(self.path))
        self.channel_count = int(self._sound.channels)

    @classmethod
    def open(cls, path: Path) -> ChannelFile | None:
        """The reader, or None for a format libsndfile cannot seek in (decode it whole)."""
        try:
            return cls(path)
        except (soundfile.LibsndfileError, RuntimeError, OSError):
            return None

    def close(self) -> None:
        self._sound.close()

    def __enter__(self) -> ChannelFile:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def level_db(self, start: float, end: float) -> np.ndarray:
        rate = self._sound.samplerate
        a = max(0, int(start * rate))
        b = max(a + 1, int(end * rate))
        self._sound.seek(min(a, self._sound.frames))
        piece = self._sound.read(b - a, dtype="float32", always_2d=True)
        return _db(piece, self.channel_count)


#: A take's channels: (frames, channels) at 16 kHz, or read from its file.
Channels = np.ndarray | ChannelFile


def channel_count(channels: Channels) -> int:
    if isinstance(channels, ChannelFile):
        return channels.channel_count
    return channels.shape[1] if channels.ndim == 2 else 1


def _db(piece: np.ndarray, count: int) -> np.ndarray:
    if piece.size == 0:
        return np.full(count, 10 * np.log10(_FLOOR))
    return 10 * np.log10(np.mean(piece.astype(np.float64) ** 2, axis=0) + _FLOOR)


def _level_db(audio: Channels, start: float, end: float) -> np.ndarray:
    if isinstance(audio, ChannelFile):
        return audio.level_db(start, end)
    a = max(0, int(start * SAMPLE_RATE))
    b = max(a + 1, int(end * SAMPLE_RATE))
    return _db(audio[a:b], audio.shape[1])


def _two_means(values: np.ndarray) -> tuple[float, float]:
    low, high = float(values.min()), float(values.max())
    for _ in range(50):
        middle = (low + high) / 2
        below, above = values[values <= middle], values[values > middle]
        if below.size == 0 or above.size == 0:
            break
        new_low, new_high = float(below.mean()), float(above.mean())
        if (new_low, new_high) == (low, high):
            break
        low, high = new_low, new_high
    return low, high


def channel_labels(
    segments: Sequence[Segment], audio: Channels, speakers: Sequence[str | None]
) -> list[list[str | None]]:
    """A name per word: ``speakers[i]`` is who channel ``i`` belongs to (None: nobody known).

    ``audio`` is (frames, 2) at 16 kHz, or the take's file. Words whose channel cannot be
    told get None, so the segment keeps the speaker it had.
    """
    if channel_count(audio) != 2 or len(speakers) != 2:
        raise ValueError("channel attribution needs two channels and a speaker for each")
    spans = [[(w.start, w.end) for w in seg.words] or [(seg.start, seg.end)] for seg in segments]
    flat = [span for row in spans for span in row]
    if not flat:
        return [[None] for _ in segments]
    # Positive: channel 0 louder than channel 1 during that word.
    diffs = np.array([float(np.subtract(*_level_db(audio, s, e))) for s, e in flat])
    low, high = _two_means(diffs)
    if high - low >= SEPARATION_DB:
        threshold, margin = (low + high) / 2, 0.0
    else:
        threshold, margin = 0.0, CLEAR_DB
    labels: list[str | None] = [
        None if abs(d - threshold) <= margin else (speakers[0] if d > threshold else speakers[1])
        for d in diffs
    ]
    out: list[list[str | None]] = []
    position = 0
    for row in spans:
        out.append(labels[position : position + len(row)])
        position += len(row)
    return out
