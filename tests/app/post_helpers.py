"""Put a prepared transcript in place for a post test, below the editing layer.

The tests here are about what the post makes of a transcript, not about how it was edited,
so they store the segments directly (one transaction), as a finished transcription would.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.models import Segment
from app.services import Services


def put_segments(services: Services, interview_id: int, segments: Sequence[Segment]) -> None:
    store = services.store
    transcript_id = store.transcript_id(interview_id)
    assert transcript_id is not None, "the interview has no transcript"
    with store.transaction():
        store.replace_segments(transcript_id, segments)
        # A new revision, as every change has: the editing layer then reads the new lines.
        store.bump_revision(transcript_id)
