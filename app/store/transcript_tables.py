"""The transcript and segment tables: a transcript per interview, its lines, its revision."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlite_utils import Database

from app.models import Segment, Transcript
from app.store import rows
from app.store.errors import guarded

if TYPE_CHECKING:
    from contextlib import AbstractContextManager


@guarded(lambda store: store.path)
class TranscriptTables:
    """Mixed into ``Store``: it gives ``db``; these methods own the transcript tables."""

    db: Database

    if TYPE_CHECKING:  # given by Store

        def write_transaction(self) -> AbstractContextManager[None]: ...

    # -- transcripts ------------------------------------------------------------------------

    def save_transcript(self, transcript: Transcript) -> Transcript:
        """Replace the interview's transcript in one transaction: all or nothing."""
        with self.db.atomic():
            # The revision goes on counting across transcripts, so an edit named on the old
            # transcript can never match the new one.
            previous = self.revision(transcript.interview_id) or 0
            for old in self.db["transcripts"].rows_where(
                "interview_id = ?", [transcript.interview_id]
            ):
                self.db["segments"].delete_where("transcript_id = ?", [old["id"]])
            self.db["transcripts"].delete_where("interview_id = ?", [transcript.interview_id])
            transcript_id = (
                self.db["transcripts"]
                .insert(
                    {
                        "interview_id": transcript.interview_id,
                        "recording_id": transcript.recording_id,
                        "engine": transcript.engine,
                        "model": transcript.model,
                        "language": transcript.language,
                        "created_at": rows.to_iso(transcript.created_at),
                        "revision": previous + 1,
                        "take_ids": json.dumps(list(transcript.take_ids)),
                    }
                )
                .last_pk
            )
            self._insert_segments(transcript_id, transcript.segments)
        result = self.transcript(transcript.interview_id)
        assert result is not None
        return result

    def _insert_segments(self, transcript_id: int, segments: Sequence[Segment]) -> None:
        self.db["segments"].insert_all(
            (rows.segment_row(s, transcript_id, i) for i, s in enumerate(segments)),
            batch_size=500,
        )

    def transcript(self, interview_id: int) -> Transcript | None:
        found = list(
            self.db["transcripts"].rows_where(
                "interview_id = ?", [interview_id], order_by="id DESC", limit=1
            )
        )
        if not found:
            return None
        row = found[0]
        segments = [
            rows.segment(r)
            for r in self.db["segments"].rows_where(
                "transcript_id = ?", [row["id"]], order_by="position"
            )
        ]
        return rows.transcript(row, segments)

    def transcript_id(self, interview_id: int) -> int | None:
        """The current transcript's id, without loading its segments (edits need only this)."""
        row = self.db.execute(
            "SELECT id FROM transcripts WHERE interview_id = ? ORDER BY id DESC LIMIT 1",
            [interview_id],
        ).fetchone()
        return row[0] if row else None

    def revision(self, interview_id: int) -> int | None:
        """The current transcript's revision (None: no transcript), read without its segments."""
        row = self.db.execute(
            "SELECT revision FROM transcripts WHERE interview_id = ? ORDER BY id DESC LIMIT 1",
            [interview_id],
        ).fetchone()
        return row[0] if row else None

    def transcript_take_ids(self, interview_id: int) -> list[int] | None:
        """The takes the current transcript was made from (None: no transcript)."""
        row = self.db.execute(
            "SELECT take_ids FROM transcripts WHERE interview_id = ? ORDER BY id DESC LIMIT 1",
            [interview_id],
        ).fetchone()
        return json.loads(row[0] or "[]") if row else None

    def bump_revision(self, transcript_id: int) -> int:
        self.db.execute(
            "UPDATE transcripts SET revision = revision + 1 WHERE id = ?", [transcript_id]
        )
        return self.db.execute(
            "SELECT revision FROM transcripts WHERE id = ?", [transcript_id]
        ).fetchone()[0]

    def splice_segments(
        self, transcript_id: int, start: int, removed: int, inserted: Sequence[Segment]
    ) -> None:
        """Replace positions ``start .. start+removed-1`` by ``inserted``, moving the rest up
        or down: one edit touches only the lines it changed, however long the transcript."""
        with self.db.atomic():
            self.db.execute(
                "DELETE FROM segments WHERE transcript_id = ? AND position >= ? AND position < ?",
                [transcript_id, start, start + removed],
            )
            shift = len(inserted) - removed
            if shift:
                self.db.execute(
                    "UPDATE segments SET position = position + ? "
                    "WHERE transcript_id = ? AND position >= ?",
                    [shift, transcript_id, start + removed],
                )
            self.db["segments"].insert_all(
                (rows.segment_row(s, transcript_id, start + i) for i, s in enumerate(inserted)),
                batch_size=500,
            )

    def replace_segments(self, transcript_id: int, segments: Sequence[Segment]) -> None:
        """Store an edited segment list (after split/merge/undo) in one transaction."""
        with self.db.atomic():
            self.db["segments"].delete_where("transcript_id = ?", [transcript_id])
            self._insert_segments(transcript_id, segments)

    def update_segment(self, transcript_id: int, segment: Segment) -> None:
        """Store a single-segment edit (text, speaker, redaction) by its position."""
        with self.db.atomic():
            self._update_segment(transcript_id, segment)

    def _update_segment(self, transcript_id: int, segment: Segment) -> None:
        self.db.execute(
            "UPDATE segments SET text=?, speaker=?, redacted=?, edited=?, words=?, "
            "question_index=?, start=?, end=? WHERE transcript_id=? AND position=?",
            [
                segment.text,
                segment.speaker,
                int(segment.redacted),
                int(segment.edited),
                rows.segment_row(segment, transcript_id, segment.position)["words"],
                segment.question_index,
                segment.start,
                segment.end,
                transcript_id,
                segment.position,
            ],
        )

    def has_edits(self, interview_id: int) -> bool:
        row = self.db.execute(
            "SELECT count(*) FROM segments s JOIN transcripts t ON s.transcript_id = t.id "
            "WHERE t.interview_id = ? AND (s.edited = 1 OR s.redacted = 1)",
            [interview_id],
        ).fetchone()
        return bool(row[0])
