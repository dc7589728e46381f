"""Text over silence is dropped; quiet but real speech is kept."""

from __future__ import annotations

import numpy as np

from app.models import Segment
from app.transcription.silence import SAMPLE_RATE, drop_speech_over_silence


def _audio() -> np.ndarray:
    t = np.arange(4 * SAMPLE_RATE) / SAMPLE_RATE
    speech = 0.3 * np.sin(2 * np.pi * 220 * t) * (1 + np.sin(2 * np.pi * 3 * t)) / 2
    quiet = 0.02 * np.sin(2 * np.pi * 180 * t[:SAMPLE_RATE])  # ~ -23 dB below the speech
    hiss = 0.0005 * np.random.default_rng(1).standard_normal(2 * SAMPLE_RATE)
    return np.concatenate([speech, quiet, hiss]).astype(np.float32)


def test_only_the_segment_over_silence_goes() -> None:
    segments = [
        Segment(0.0, 4.0, "loud speech"),
        Segment(4.0, 5.0, "quiet speech"),
        Segment(5.2, 7.0, "Thank you very much."),
        Segment(7.0, 7.0, "zero length at the very end"),
    ]
    kept = drop_speech_over_silence(segments, _audio())
    assert [s.text for s in kept] == ["loud speech", "quiet speech"]


def test_empty_audio_keeps_everything() -> None:
    segments = [Segment(0.0, 1.0, "x")]
    assert drop_speech_over_silence(segments, np.zeros(0, dtype=np.float32)) == segments
