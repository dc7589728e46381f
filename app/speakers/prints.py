"""Voice prints: a take's windows of speech and their CAM++ vectors, made chunk by chunk.

Telling the voices apart needs a vector for every short window of speech in the take, which
is most of the voice step's time and grows with the take's length. The vectors depend only
on the sound, not on the words, so they are made from the same chunks the engine transcribes
(cut at pauses; see :mod:`app.transcription.vad`), as each chunk is transcribed: live, while
the take is recorded, and offline, while a file is read piece by piece. After Stop only the
last chunk's windows remain, and the whole take is never held in memory for them.

A chunk answers for its own part of the timeline (``own_start_s``..``own_end_s``), so a
stretch of speech is counted once: in the chunk that holds its middle.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from app.speakers.embed import Embedder
from app.speakers.voices import Window, embed_windows, speech_regions, windows_in
from app.transcription.vad import SAMPLE_RATE, Chunk

VECTOR_SIZE = 192


@dataclass
class VoicePrints:
    """Windows (take times) and their unit vectors, one row per window."""

    windows: list[Window] = field(default_factory=list)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, VECTOR_SIZE), np.float32))

    def __len__(self) -> int:
        return len(self.windows)

    @classmethod
    def joined(cls, parts: Iterable[VoicePrints]) -> VoicePrints:
        parts = [p for p in parts if len(p)]
        if not parts:
            return cls()
        return cls(
            windows=[w for p in parts for w in p.windows],
            vectors=np.concatenate([p.vectors for p in parts]).astype(np.float32),
        )


def prints_of_chunk(chunk: Chunk, embedder: Embedder) -> VoicePrints:
    """The windows of speech that ``chunk`` answers for, and their vectors."""
    if chunk.audio.size == 0:
        return VoicePrints()
    offset = chunk.start_s
    regions = [
        (a, b)
        for a, b in speech_regions(chunk.audio)
        if chunk.own_start_s <= offset + (a + b) / 2 < chunk.own_end_s
    ]
    local = windows_in(regions)
    if not local:
        return VoicePrints()
    vectors = embed_windows(chunk.audio, local, embedder)
    return VoicePrints(
        windows=[Window(w.start + offset, w.end + offset, w.origin + offset) for w in local],
        vectors=vectors,
    )


def prints_of_audio(audio: np.ndarray, embedder: Embedder) -> VoicePrints:
    """Prints of a whole clip at once (a take whose chunks left none behind)."""
    whole = Chunk(start_s=0.0, audio=audio, own_start_s=0.0, own_end_s=audio.size / SAMPLE_RATE)
    return prints_of_chunk(whole, embedder)


def to_rows(prints: VoicePrints) -> Sequence[tuple[float, float, float, bytes]]:
    """(start, end, origin, vector bytes) per window, for the store."""
    return [
        (w.start, w.end, w.origin, np.asarray(v, dtype="<f4").tobytes())
        for w, v in zip(prints.windows, prints.vectors, strict=True)
    ]


def from_rows(rows: Iterable[tuple[float, float, float, bytes]]) -> VoicePrints:
    windows: list[Window] = []
    vectors: list[np.ndarray] = []
    for start, end, origin, blob in rows:
        windows.append(Window(float(start), float(end), float(origin)))
        vectors.append(np.frombuffer(blob, dtype="<f4"))
    if not windows:
        return VoicePrints()
    return VoicePrints(windows, np.stack(vectors).astype(np.float32))
