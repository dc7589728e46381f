"""Who is speaking, from the sound of the voice: CAM++ embeddings of short windows of speech.

Each window of speech (1.5 s, every 0.5 s, never across a pause) is compared with a voice of
each person: ``cos(interviewer) - cos(interviewee)``. The voices come from the voice samples
when there are both; otherwise from the take itself, starting from the words the text rule
gave each person (the question readings are the interviewer's) and refined by two-voice
clustering. A word's score is the mean of the windows that overlap it, weighted by overlap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.models import Segment
from app.speakers.embed import MIN_SAMPLES, Embedder
from app.speakers.fbank import FRAME_SHIFT, SAMPLE_RATE, fbank, frame_count

WINDOW_S = 1.5
HOP_S = 0.75
FRAME_SECONDS = FRAME_SHIFT / SAMPLE_RATE
#: Scores closer to zero than this say nothing: the text rule's answer stands.
MARGIN = 0.04
#: Two voice samples this alike are one person (or silence twice): the samples are not used.
SAME_VOICE_COSINE = 0.85
#: Clusters found in the take are held to more: one person's windows split in two measured
#: 0.65-0.93 apart (a single speaker, four takes), two people 0.40. Seeded by the question
#: readings there is already a clue that two people speak; unseeded there is none.
SEEDED_SAME_VOICE = 0.75
UNSEEDED_SAME_VOICE = 0.6


@dataclass(frozen=True)
class Window:
    start: float
    end: float
    #: Where its stretch of speech starts: the window's frames are cut from that stretch's.
    origin: float = 0.0


def speech_regions(audio: np.ndarray) -> list[tuple[float, float]]:
    """Stretches of speech, split at pauses of a quarter second or more (Silero VAD)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(min_silence_duration_ms=250, speech_pad_ms=60, min_speech_duration_ms=200)
    stamps = get_speech_timestamps(audio, options, sampling_rate=SAMPLE_RATE)
    return [(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in stamps]


def windows_in(regions: Sequence[tuple[float, float]]) -> list[Window]:
    """Windows inside each region; a region shorter than a window is one window of its own."""
    out: list[Window] = []
    for start, end in regions:
        length = end - start
        if length * SAMPLE_RATE < MIN_SAMPLES:
            continue
        if length <= WINDOW_S:
            out.append(Window(start, end, start))
            continue
        count = int(np.ceil((length - WINDOW_S) / HOP_S)) + 1
        for begin in np.linspace(start, end - WINDOW_S, count):
            # Starts on the stretch's 10 ms frame grid, so its features are a slice of the
            # stretch's: computing them once per stretch, not once per overlapping window.
            frames = round((float(begin) - start) / FRAME_SECONDS)
            begin = start + frames * FRAME_SECONDS
            out.append(Window(begin, begin + WINDOW_S, start))
    return out


def embed_windows(audio: np.ndarray, windows: Sequence[Window], embedder: Embedder) -> np.ndarray:
    if not windows:
        return np.zeros((0, 192), dtype=np.float32)
    stretches: dict[float, np.ndarray] = {}
    features = []
    for w in windows:
        if w.origin not in stretches:
            last = max(x.end for x in windows if x.origin == w.origin)
            clip = audio[_sample(w.origin) : _sample(w.origin) + _sample(last - w.origin)]
            stretches[w.origin] = fbank(clip)
        first = round((w.start - w.origin) / FRAME_SECONDS)
        feats = stretches[w.origin][first : first + frame_count(_sample(w.end - w.start))]
        features.append(feats - feats.mean(axis=0, keepdims=True))
    return embedder.embed_features(features)


def _sample(seconds: float) -> int:
    return round(seconds * SAMPLE_RATE)


def _unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 else v


def word_scores(
    segments: Sequence[Segment], windows: Sequence[Window], window_scores: np.ndarray
) -> list[list[float | None]]:
    """Per word (per segment without words) the overlap-weighted mean window score."""
    starts = np.array([w.start for w in windows], dtype=np.float64)
    ends = np.array([w.end for w in windows], dtype=np.float64)
    order = np.argsort(starts, kind="stable")
    starts, ends, scores = starts[order], ends[order], np.asarray(window_scores)[order]
    longest = float((ends - starts).max()) if len(starts) else 0.0
    out: list[list[float | None]] = []
    for seg in segments:
        spans = [(w.start, w.end) for w in seg.words] or [(seg.start, seg.end)]
        row: list[float | None] = []
        for start, end in spans:
            # Word timings are rough at the edges; widen very short words a little.
            if end - start < 0.2:
                middle = (start + end) / 2
                start, end = middle - 0.1, middle + 0.1
            # Only windows starting within a window's length before the word can overlap it.
            lo = int(np.searchsorted(starts, start - longest, side="left"))
            hi = int(np.searchsorted(starts, end, side="right"))
            weights = np.clip(
                np.minimum(ends[lo:hi], end) - np.maximum(starts[lo:hi], start), 0.0, None
            )
            total = float(weights.sum())
            row.append(float(weights @ scores[lo:hi] / total) if total > 0 else None)
        out.append(row)
    return out


def _windows_of(segments: Sequence[Segment], windows: Sequence[Window], speaker: str) -> np.ndarray:
    """Which windows lie mostly (two thirds or more) inside words the text gave ``speaker``."""
    said = [w for seg in segments if seg.speaker == speaker for w in (seg.words or [seg])]
    spans = np.array([(w.start, w.end) for w in said], dtype=np.float64).reshape(-1, 2)
    if not len(spans) or not windows:
        return np.zeros(len(windows), dtype=bool)
    starts = np.array([w.start for w in windows])[:, None]
    ends = np.array([w.end for w in windows])[:, None]
    # Windows by spans at once: a long take has thousands of both. Spans are words, so they
    # do not overlap one another and their overlaps simply add up.
    inside = np.zeros(len(windows), dtype=bool)
    for first in range(0, len(windows), 256):
        s, e = starts[first : first + 256], ends[first : first + 256]
        covered = np.clip(np.minimum(e, spans[:, 1]) - np.maximum(s, spans[:, 0]), 0.0, None)
        inside[first : first + 256] = covered.sum(axis=1) >= (e[:, 0] - s[:, 0]) * 2 / 3
    return inside


def voices_from_take(
    segments: Sequence[Segment],
    windows: Sequence[Window],
    vectors: np.ndarray,
    *,
    interviewer: str,
    interviewee: str,
    iterations: int = 10,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Two voices found in the take, the interviewer's first, or None if they cannot be told.

    The question readings (the text rule's interviewer words) seed the interviewer's voice
    and the rest the interviewee's; two-means clustering on the windows then refines both.
    With no readings to go by (no markers, no script) the two voices most unlike each other
    seed the clusters, and the voice heard first is taken as the interviewer's: the one who
    opens the conversation.
    """
    if len(vectors) < 4:
        return None
    seed_a = _windows_of(segments, windows, interviewer)
    seed_b = _windows_of(segments, windows, interviewee)
    if seed_a.sum() >= 2 and seed_b.sum() >= 2:
        a, b = _unit(vectors[seed_a].mean(axis=0)), _unit(vectors[seed_b].mean(axis=0))
        reference, limit = a, SEEDED_SAME_VOICE
    else:
        a = vectors[0]
        b = vectors[int(np.argmin(vectors @ a))]
        reference, limit = vectors[0], UNSEEDED_SAME_VOICE
    for _ in range(iterations):
        side = vectors @ a - vectors @ b > 0
        if side.sum() < 2 or (~side).sum() < 2:
            return None
        new_a, new_b = _unit(vectors[side].mean(axis=0)), _unit(vectors[~side].mean(axis=0))
        if np.allclose(new_a, a) and np.allclose(new_b, b):
            break
        a, b = new_a, new_b
    # The clusters may have swapped: the interviewer is the voice closer to the readings
    # (or to the first voice heard).
    if reference @ b > reference @ a:
        a, b = b, a
    return (a, b) if float(a @ b) < limit else None


def label_words(
    segments: Sequence[Segment],
    windows: Sequence[Window],
    vectors: np.ndarray,
    *,
    interviewer: str,
    interviewee: str,
    samples: tuple[np.ndarray, np.ndarray] | None,
    embedder: Embedder,
) -> list[list[str | None]]:
    """A speaker name (or None: no clear evidence) for every word of every segment, from the
    take's windows of speech and their vectors (see :mod:`app.speakers.prints`)."""
    nothing: list[list[str | None]] = [[None] * max(1, len(s.words)) for s in segments]
    if not windows:
        return nothing
    if samples is not None:
        voice_a, voice_b = embedder.embed(list(samples))
        if float(voice_a @ voice_b) >= SAME_VOICE_COSINE:
            samples = None  # two samples of one voice (or of silence) cannot tell anyone apart
    if samples is None:
        found = voices_from_take(
            segments, windows, vectors, interviewer=interviewer, interviewee=interviewee
        )
        if found is None:
            return nothing
        voice_a, voice_b = found
    scores = vectors @ voice_a - vectors @ voice_b
    labels: list[list[str | None]] = []
    for row in word_scores(segments, windows, scores):
        labels.append(
            [
                None
                if score is None or abs(score) < MARGIN
                else (interviewer if score > 0 else interviewee)
                for score in row
            ]
        )
    return labels
