"""The one "usable take" rule, and one timeline across takes (no engine needed)."""

from __future__ import annotations

from datetime import datetime, timezone

from app import takes
from app.models import Recording, Segment, Word


def _take(rid: int, status: str, duration: float, *, included: bool = True) -> Recording:
    return Recording(
        rid, 1, f"{rid}.wav", status, "recorded", 16000, 1, duration,
        datetime.now(timezone.utc), included=included,
    )  # fmt: skip


def test_only_finished_takes_with_audio_are_usable_in_id_order() -> None:
    recs = [
        _take(5, "complete", 3.0),
        _take(2, "recovered", 4.0),
        _take(3, "recording", 9.0),
        _take(4, "stopped-early", 0.0),  # stopped before any frame was kept
        _take(6, "imported", 2.0, included=False),
    ]
    assert [t.id for t in takes.usable_takes(recs)] == [2, 5, 6]
    assert [t.id for t in takes.included_takes(recs)] == [2, 5]


def test_one_timeline_offsets_by_the_included_takes_before() -> None:
    recs = [_take(1, "complete", 10.0), _take(2, "complete", 5.0, included=False)]
    recs.append(_take(3, "imported", 7.0))
    segs = [
        Segment(1.0, 2.0, "a", [Word(1.0, 2.0, "a")], recording_id=1),
        Segment(0.5, 1.0, "left out", recording_id=2),
        Segment(0.0, 3.0, "c", [Word(0.0, 3.0, "c")], recording_id=3),
    ]
    out = takes.on_one_timeline(segs, takes.included_takes(recs))
    assert [(s.text, s.start, s.end) for s in out] == [("a", 1.0, 2.0), ("c", 10.0, 13.0)]
    assert out[1].words[0].start == 10.0
    assert segs[2].start == 0.0, "the stored segments keep their take's own times"
