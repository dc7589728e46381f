"""Dropping text that Whisper invents over silence.

Whisper is a language model as well as a recogniser: over the quiet tail of a recording (more
so with a glossary prompt) it may "hear" a polite "Thank you very much." that nobody said. A
segment whose audio is far quieter than the recording's speech cannot hold words, whatever the
engine says, so it is left out before it can reach a blog post.
"""

from __future__ import annotations

import numpy as np

from app.models import Segment

SAMPLE_RATE = 16000
#: Speech in a segment is within ~20 dB of the loudest speech; 35 dB below it is background.
SILENCE_MARGIN_DB = 35.0
_FRAME = SAMPLE_RATE // 10  # 100 ms


def _db(samples: np.ndarray) -> float:
    if samples.size == 0:
        return -120.0
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return 20.0 * np.log10(max(rms, 1e-6))


def speech_level_db(audio: np.ndarray) -> float:
    """The level of the louder stretches (90th percentile of 100 ms frames)."""
    usable = audio[: audio.size - audio.size % _FRAME]
    if usable.size == 0:
        return _db(audio)
    frames = usable.reshape(-1, _FRAME).astype(np.float64)
    levels = 10.0 * np.log10(np.maximum(np.mean(frames**2, axis=1), 1e-12))
    return float(np.percentile(levels, 90))


def drop_speech_over_silence(
    segments: list[Segment], audio: np.ndarray, *, margin_db: float = SILENCE_MARGIN_DB
) -> list[Segment]:
    """Segments whose own audio is at least ``margin_db`` quieter than the speech are dropped."""
    if audio.size == 0:
        return segments
    floor = speech_level_db(audio) - margin_db
    kept = []
    for seg in segments:
        start = int(max(seg.start, 0.0) * SAMPLE_RATE)
        end = int(max(seg.end, seg.start) * SAMPLE_RATE)
        if _db(audio[start:end]) >= floor:
            kept.append(seg)
    return kept
