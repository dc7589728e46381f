"""A call take whose call channel stopped part-way (its device vanished, see the "call-lost"
marker): channels decide before that moment, voices after it.

From the marker on the call channel is silence, so by channel every word would go to the
person at this laptop, even when the other person's voice now plays through the laptop's
speakers into the microphone. Those words are left to the voices instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from app.models import Recording, Segment

#: (segments, use the channels?) -> the segments with speakers set.
Attribute = Callable[[Sequence[Segment], bool], list[Segment]]


def call_lost_at(recording: Recording) -> float | None:
    """Where the call channel stopped carrying the call (seconds), or None."""
    times = [m.time_s for m in recording.markers if m.kind == "call-lost"]
    return min(times) if times else None


def attribute_around_call_loss(
    segments: Sequence[Segment], lost_at: float | None, attribute: Attribute
) -> list[Segment]:
    """Segments that start before ``lost_at`` by channel, the rest by voice, in order."""
    if lost_at is None:
        return attribute(segments, True)
    before = [s for s in segments if s.start < lost_at]
    after = [s for s in segments if s.start >= lost_at]
    out = (attribute(before, True) if before else []) + (attribute(after, False) if after else [])
    for position, segment in enumerate(out):
        segment.position = position
    return out
