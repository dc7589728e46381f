"""Who is speaking on a two-channel take (a call): the channel that carries the voice.

Each channel is one person's microphone (or the call's audio). The other person leaks into a
laptop microphone from its speakers, typically 15-25 dB down, so presence of sound proves
nothing: each word goes to the channel that is *louder* during it, relative to how the two
channels compare over the whole take (their gains differ from one set-up to the next).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from app.models import Segment
from app.speakers.fbank import SAMPLE_RATE

#: Cluster centres closer than this mean one person spoke throughout (or the channels are
#: copies of each other): then only a clear difference decides.
SEPARATION_DB = 10.0
#: With one cluster, a word needs this much more energy on one channel to be given to it.
CLEAR_DB = 6.0
_FLOOR = 1e-10


def _level_db(audio: np.ndarray, start: float, end: float) -> np.ndarray:
    a = max(0, int(start * SAMPLE_RATE))
    b = max(a + 1, int(end * SAMPLE_RATE))
    piece = audio[a:b]
    if piece.size == 0:
        return np.full(audio.shape[1], 10 * np.log10(_FLOOR))
    return 10 * np.log10(np.mean(piece.astype(np.float64) ** 2, axis=0) + _FLOOR)


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
    segments: Sequence[Segment], audio: np.ndarray, speakers: Sequence[str | None]
) -> list[list[str | None]]:
    """A name per word: ``speakers[i]`` is who channel ``i`` belongs to (None: nobody known).

    ``audio`` is (frames, 2) at 16 kHz. Words whose channel cannot be told get None, so the
    segment keeps the speaker it had.
    """
    if audio.ndim != 2 or audio.shape[1] != 2 or len(speakers) != 2:
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
