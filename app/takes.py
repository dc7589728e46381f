"""An interview's takes as one conversation: which takes count, and one timeline across them.

This is the one place that says which takes are usable. A take's segments and markers keep
times on the take's own timeline (seconds into its file); only captions need one continuous
timeline, which ``on_one_timeline`` makes by offsetting each take by the included takes before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from app.models import Recording, Segment

#: Takes in these states hold audio; "recording" means a take still being written.
USABLE_STATUSES = ("imported", "complete", "recovered", "stopped-early")


def is_usable(take: Recording) -> bool:
    """A finished take with audio in it (a take stopped before any frame was kept has none)."""
    return take.status in USABLE_STATUSES and take.duration_s > 0


def usable_takes(recordings: Sequence[Recording]) -> list[Recording]:
    """Usable takes in recording-id order: the order the conversation happened in."""
    return sorted((r for r in recordings if is_usable(r)), key=lambda r: r.id)


def included_takes(recordings: Sequence[Recording]) -> list[Recording]:
    """The usable takes the user has not left out: what is transcribed and exported."""
    return [r for r in usable_takes(recordings) if r.included]


def offsets(takes: Sequence[Recording]) -> dict[int, float]:
    """Where each take starts on the conversation's timeline (takes in order, no gaps)."""
    result: dict[int, float] = {}
    at = 0.0
    for take in takes:
        result[take.id] = at
        at += take.duration_s
    return result


def in_takes(segments: Sequence[Segment], takes: Sequence[Recording]) -> list[Segment]:
    """The segments heard in ``takes``; a segment from before takes were tracked is kept."""
    ids = {t.id for t in takes}
    return [s for s in segments if s.recording_id is None or s.recording_id in ids]


def on_one_timeline(segments: Sequence[Segment], takes: Sequence[Recording]) -> list[Segment]:
    """Copies of the segments of ``takes`` with times on one continuous timeline."""
    shift = offsets(takes)
    result = []
    for seg in in_takes(segments, takes):
        d = shift.get(seg.recording_id, 0.0) if seg.recording_id is not None else 0.0
        result.append(
            replace(
                seg,
                start=seg.start + d,
                end=seg.end + d,
                words=[replace(w, start=w.start + d, end=w.end + d) for w in seg.words],
            )
        )
    return result


def take_number(takes: Sequence[Recording], recording_id: int | None) -> int | None:
    """1-based number of a take among the usable ones (what the user sees), or None."""
    for n, take in enumerate(takes, start=1):
        if take.id == recording_id:
            return n
    return None
