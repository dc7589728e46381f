"""Transcribing a take in chunks cut at pauses: only detected speech reaches the engine.

The same two steps serve the live path (a recorder's blocks) and the offline path (a file
read piece by piece): :class:`app.transcription.vad.Chunker` cuts, :func:`transcribe_chunk`
runs the engine on one chunk and puts its segments on the take's timeline. Memory stays that
of one chunk (at most ~30 s of audio and its features), however long the take.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

from app.audio.decode import iter_audio, probe
from app.models import Segment, Word
from app.transcription.engine import CancelCheck, Engine, make_segment
from app.transcription.vad import PAD_S, Chunk, Chunker

#: Position callback: seconds of the take done so far.
PositionCallback = Callable[[float], None]
#: Detected speech this long with no word on it means the engine stopped early in a chunk
#: (whisper sometimes ends a window after its first sentence when a pause follows).
MISSED_SPEECH_S = 0.8
#: Words cover this much around them (their edges are soft in the detector's eyes too).
_WORD_REACH_S = 0.25
#: Second tries per chunk for speech the engine skipped.
_RETRIES = 4
#: A segment with less than this share of its time in detected speech, and words the engine
#: was unsure of on average, is text made up in a chunk's padding. A steered tiny.en does it
#: after a chunk's last words ("This is the first time I've been working on this video.",
#: mean word probability 0.2, a third of it over speech). faster-whisper's own
#: hallucination_silence_threshold misses it: the made-up segment starts where the last real
#: one ends, so no silence comes before it. On the test speech every real segment has at
#: least 0.64 of its time in speech, and those under 0.8 have mean probability 0.83 or more.
_OFF_SPEECH_SHARE = 0.5
_UNSURE = 0.6


def transcribe_chunk(
    engine: Engine,
    chunk: Chunk,
    *,
    language: str | None = None,
    glossary: Sequence[str] = (),
    should_cancel: CancelCheck | None = None,
    on_position: PositionCallback | None = None,
) -> list[Segment]:
    """The chunk's segments on the take's timeline, limited to what the chunk owns."""
    offset = chunk.start_s
    duration = chunk.audio.size / 16000

    def progressed(fraction: float) -> None:
        if on_position is not None:
            on_position(offset + fraction * duration)

    def run(part: Chunk) -> list[Segment]:
        pieces = engine.transcribe(
            part.audio,
            language=language,
            glossary=list(glossary),
            on_progress=progressed if part is chunk else None,
            should_cancel=should_cancel,
        )
        return place(pieces, part)

    segments = run(chunk)
    for _ in range(_RETRIES):
        part = missed_part(chunk, segments)
        if part is None:
            break
        more = run(part)
        if not more:
            break
        segments = sorted(segments + more, key=lambda seg: seg.start)
    return segments


def missed_part(chunk: Chunk, segments: list[Segment]) -> Chunk | None:
    """The stretch of ``chunk`` between two words where detected speech got no words, as a
    chunk of its own (owning just that stretch, so nothing is doubled); None if none."""
    covered = sorted(
        (w.start - _WORD_REACH_S, w.end + _WORD_REACH_S) for seg in segments for w in seg.words
    )
    for a, b in chunk.speech:
        a, b = max(a, chunk.own_start_s), min(b, chunk.own_end_s)
        cursor = a
        for start, end in covered:
            if end <= cursor:
                continue
            if start - cursor >= MISSED_SPEECH_S and start > cursor:
                return _part(chunk, covered, cursor, min(start, b))
            cursor = max(cursor, end)
            if cursor >= b:
                break
        if b - cursor >= MISSED_SPEECH_S:
            return _part(chunk, covered, cursor, b)
    return None


def _part(
    chunk: Chunk, covered: list[tuple[float, float]], gap_start: float, gap_end: float
) -> Chunk | None:
    # From the last word before the gap to the first word after it (or the chunk's edges).
    own_start = max(
        [chunk.own_start_s] + [e - _WORD_REACH_S for s, e in covered if e <= gap_start + 1e-6]
    )
    own_end = min(
        [chunk.own_end_s] + [s + _WORD_REACH_S for s, e in covered if s >= gap_end - 1e-6]
    )
    if own_end - own_start < MISSED_SPEECH_S:
        return None
    start = max(chunk.start_s, own_start - PAD_S)
    end = min(chunk.end_s, own_end + PAD_S)
    first = round((start - chunk.start_s) * 16000)
    last = round((end - chunk.start_s) * 16000)
    return Chunk(
        start_s=chunk.start_s + first / 16000,
        audio=chunk.audio[first:last],
        own_start_s=own_start,
        own_end_s=own_end,
        speech=[(a, b) for a, b in chunk.speech if b > own_start and a < own_end],
    )


def place(pieces: Iterable[Segment], chunk: Chunk) -> list[Segment]:
    """Shift the engine's segments onto the take and keep the chunk's own words.

    A word belongs to the chunk whose own range holds its middle; a segment with no word in
    detected speech, or mostly off it and unsure (text the engine made up in the padding), is
    left out.
    """
    offset = chunk.start_s
    kept: list[Segment] = []
    for piece in pieces:
        words = [Word(w.start + offset, w.end + offset, w.text, w.probability) for w in piece.words]
        start, end = piece.start + offset, piece.end + offset
        mine: list[Word] = []
        if words:
            mine = [w for w in words if _owns(chunk, (w.start + w.end) / 2)]
            if not mine:
                continue
            if len(mine) != len(words):
                text = " ".join(w.text for w in mine)
                start, end = mine[0].start, mine[-1].end
            else:
                text = piece.text
        else:
            if not _owns(chunk, (start + end) / 2):
                continue
            text = piece.text
        if not _touches_speech(chunk, start, end) or _invented(chunk, start, end, mine):
            continue
        kept.append(make_segment(start, end, text, mine if words else []))
    return kept


def _owns(chunk: Chunk, time_s: float) -> bool:
    return chunk.own_start_s <= time_s < chunk.own_end_s


def _invented(chunk: Chunk, start: float, end: float, words: Sequence[Word]) -> bool:
    if not chunk.speech or not words or end <= start:
        return False
    in_speech = sum(max(0.0, min(end, b) - max(start, a)) for a, b in chunk.speech)
    sureness = sum(w.probability for w in words) / len(words)
    return in_speech < _OFF_SPEECH_SHARE * (end - start) and sureness < _UNSURE


def _touches_speech(chunk: Chunk, start: float, end: float) -> bool:
    if not chunk.speech:
        return True  # a chunk made by hand (tests, imports) without detector spans
    return any(a - PAD_S <= end and start <= b + PAD_S for a, b in chunk.speech)


def chunks_of(blocks: Iterable[np.ndarray], chunker: Chunker | None = None) -> Iterator[Chunk]:
    """Chunks of speech from 16 kHz mono blocks, each as soon as a pause closes it."""
    chunker = chunker or Chunker()
    for block in blocks:
        yield from chunker.feed(block)
    yield from chunker.finish()


def transcribe_file(
    engine: Engine,
    path: Path,
    *,
    language: str | None = None,
    glossary: Sequence[str] = (),
    on_position: PositionCallback | None = None,
    should_cancel: CancelCheck | None = None,
    on_chunk: Callable[[Chunk], None] | None = None,
) -> list[Segment]:
    """All of a file's speech, read, detected and transcribed chunk by chunk; ``on_chunk``
    sees each chunk after it is transcribed (the voice windows are made from it)."""
    from app.errors import Cancelled

    segments: list[Segment] = []
    chunker = Chunker()

    def run(chunks: Iterable[Chunk]) -> None:
        for chunk in chunks:
            if should_cancel is not None and should_cancel():
                raise Cancelled("Transcription was cancelled.")
            segments.extend(
                transcribe_chunk(
                    engine,
                    chunk,
                    language=language,
                    glossary=glossary,
                    should_cancel=should_cancel,
                    on_position=on_position,
                )
            )
            if on_chunk is not None:
                on_chunk(chunk)

    for block in iter_audio(path):
        run(chunker.feed(block))
        if on_position is not None:
            on_position(chunker.settled_s)  # silence moves the bar on too
    run(chunker.finish())
    if on_position is not None:
        on_position(chunker.received_s)
    return segments


def duration_of(path: Path) -> float:
    return probe(path).duration_s
