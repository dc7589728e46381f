"""Drafts of the open live chunk: what live transcription made of a chunk before it closed.

A stored chunk waits for a pause, so when Stop is pressed up to a chunk of speech (~28 s) may
not be transcribed yet. While the live worker has nothing else to do it transcribes a draft
of the open chunk up to its last pause (:meth:`app.transcription.vad.Chunker.draft`). A draft
is used only for exactly the chunk it was made of: when the chunk closes as drafted, or, once
Stop is pressed, when a chunk that starts as drafted is cut in two after the draft
(:func:`app.transcription.vad.split_after`). It is never stored, so a crash keeps what it
kept before.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.models import Segment
from app.store.live_transcripts import VoiceRow
from app.transcription.vad import Chunk, split_after

#: Draft again once this much more speech has been said since the last draft.
DRAFT_EVERY_S = 10.0
#: Drafts only while the worker is this close to the talk...
DRAFT_MAX_BACKLOG_S = 1.0
#: ...and its engine is this fast (seconds of work per second of audio): a slow laptop
#: spends its one core on the stored pass, and catches up after Stop instead.
DRAFT_MAX_RTF = 0.3


@dataclass(frozen=True)
class Draft:
    chunk: Chunk
    segments: list[Segment]
    voices: list[VoiceRow] | None


def _same_start(a: Chunk, b: Chunk) -> bool:
    return a.start_s == b.start_s and a.own_start_s == b.own_start_s


class Drafts:
    """The latest draft, and how many were made and used (one worker uses it at a time)."""

    def __init__(self, *, every_s: float = DRAFT_EVERY_S) -> None:
        """``every_s``: draft again after this much more speech (infinity: never draft)."""
        self.every_s = every_s
        self.latest: Draft | None = None
        self.made = 0
        self.used = 0

    def due(self, candidate: Chunk, *, backlog_s: float, rtf: float) -> bool:
        """Whether drafting ``candidate`` now is worth the worker's time."""
        if backlog_s > DRAFT_MAX_BACKLOG_S or rtf > DRAFT_MAX_RTF:
            return False
        since = candidate.own_start_s
        if self.latest is not None and _same_start(self.latest.chunk, candidate):
            since = self.latest.chunk.own_end_s
        return candidate.own_end_s - since >= self.every_s

    def keep(self, draft: Draft) -> None:
        self.latest = draft
        self.made += 1

    def split(self, chunk: Chunk) -> tuple[Chunk, Chunk] | None:
        """``chunk`` cut after the latest draft, when it starts as drafted (after Stop: a
        shorter chunk then matters more than a long one's few words a minute)."""
        return split_after(chunk, self.latest.chunk) if self.latest is not None else None

    @property
    def ahead_to_s(self) -> float:
        """How far along the take the latest draft reaches (0 without one)."""
        return self.latest.chunk.own_end_s if self.latest is not None else 0.0

    def take(self, chunk: Chunk) -> Draft | None:
        """The draft of exactly ``chunk`` (the same audio and speech; it may own more of the
        silence after it, where no word can be), or None. Either way a draft is used once."""
        draft, self.latest = self.latest, None
        if draft is None or not _same_start(draft.chunk, chunk):
            return None  # no draft, or one of an older chunk, now closed
        same = (
            chunk.audio.size == draft.chunk.audio.size
            and chunk.speech == draft.chunk.speech
            and chunk.own_end_s >= draft.chunk.own_end_s
        )
        if not same:
            return None
        self.used += 1
        return draft
