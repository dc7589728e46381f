"""The only code that knows table names. Services call this; nothing else touches SQL."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from app.errors import InvalidInput, NotFound
from app.models import (
    CONSENT_WORDING_VERSION,
    SCOPES,
    Interview,
    Marker,
    Recording,
    Segment,
    Transcript,
)
from app.store import rows
from app.store.connection import ConnectionPool


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._pool = ConnectionPool(path)
        self._pool.open()

    @property
    def db(self) -> Database:
        return self._pool.get()

    def close(self) -> None:
        self._pool.close()

    def transaction(self) -> AbstractContextManager:
        """Group several store calls into one all-or-nothing change (nests safely)."""
        return self.db.atomic()

    # -- interviews -------------------------------------------------------------------------

    def create_interview(
        self,
        title: str,
        *,
        interviewer: str,
        interviewee: str,
        script_id: str | None = None,
        questions: Sequence[str] = (),
    ) -> Interview:
        title, interviewer, interviewee = title.strip(), interviewer.strip(), interviewee.strip()
        if not title:
            raise InvalidInput("The interview needs a title.", "Give it a short title.")
        if not interviewer or not interviewee:
            raise InvalidInput(
                "The interview needs both an interviewer and an interviewee.",
                "Enter both names.",
            )
        stamp = rows.to_iso(rows.now())
        with self.db.atomic():
            interview_id = (
                self.db["interviews"]
                .insert(
                    {
                        "title": title,
                        "script_id": script_id,
                        "status": "new",
                        "created_at": stamp,
                        "updated_at": stamp,
                        "notes": "",
                        "questions": json.dumps(list(questions)),
                    }
                )
                .last_pk
            )
            self.db["participants"].insert_all(
                [
                    {"interview_id": interview_id, "role": "interviewer", "name": interviewer},
                    {"interview_id": interview_id, "role": "interviewee", "name": interviewee},
                ]
            )
        return self.interview(interview_id)

    def interview(self, interview_id: int) -> Interview:
        try:
            row = self.db["interviews"].get(interview_id)
        except Exception as exc:  # sqlite_utils.db.NotFoundError
            raise NotFound(f"There is no interview with id {interview_id}.") from exc
        result = rows.interview(row)
        result.participants = [
            rows.participant(r)
            for r in self.db["participants"].rows_where(
                "interview_id = ?", [interview_id], order_by="id"
            )
        ]
        result.consents = [
            rows.consent(r)
            for r in self.db["consents"].rows_where(
                "interview_id = ?", [interview_id], order_by="id"
            )
        ]
        return result

    def interviews(self, *, search: str | None = None) -> list[Interview]:
        where, args = None, []
        if search:
            like = f"%{search.strip()}%"
            where = (
                "title LIKE ? OR id IN (SELECT interview_id FROM participants WHERE name LIKE ?)"
            )
            args = [like, like]
        ids = [
            r["id"]
            for r in self.db["interviews"].rows_where(
                where, args, order_by="created_at DESC, id DESC", select="id"
            )
        ]
        return [self.interview(i) for i in ids]

    def update_interview(
        self,
        interview_id: int,
        *,
        title: str | None = None,
        notes: str | None = None,
        status: str | None = None,
        questions: Sequence[str] | None = None,
    ) -> Interview:
        self.interview(interview_id)  # NotFound early
        changes: dict[str, object] = {"updated_at": rows.to_iso(rows.now())}
        if title is not None:
            if not title.strip():
                raise InvalidInput("The interview needs a title.", "Give it a short title.")
            changes["title"] = title.strip()
        if notes is not None:
            changes["notes"] = notes
        if status is not None:
            changes["status"] = status
        if questions is not None:
            changes["questions"] = json.dumps(list(questions))
        self.db["interviews"].update(interview_id, changes)
        return self.interview(interview_id)

    def set_status(self, interview_id: int, status: str) -> None:
        """A cheap status change (every transcript edit makes one)."""
        self.db.execute(
            "UPDATE interviews SET status = ?, updated_at = ? WHERE id = ?",
            [status, rows.to_iso(rows.now()), interview_id],
        )

    def delete_interview(self, interview_id: int) -> list[str]:
        """Delete an interview and everything under it; returns its audio paths to remove."""
        self.interview(interview_id)
        recordings = self.recordings(interview_id)
        with self.db.atomic():
            for t in self.db["transcripts"].rows_where("interview_id = ?", [interview_id]):
                self.db["segments"].delete_where("transcript_id = ?", [t["id"]])
            self.db["transcripts"].delete_where("interview_id = ?", [interview_id])
            for rec in recordings:
                self.db["markers"].delete_where("recording_id = ?", [rec.id])
                self.db["live_segments"].delete_where("recording_id = ?", [rec.id])
                self.db["live_transcripts"].delete_where("recording_id = ?", [rec.id])
            self.db["recordings"].delete_where("interview_id = ?", [interview_id])
            self.db["consents"].delete_where("interview_id = ?", [interview_id])
            self.db["participants"].delete_where("interview_id = ?", [interview_id])
            self.db["interviews"].delete(interview_id)
        return [rec.path for rec in recordings]

    def known_names(self) -> list[str]:
        """Names used before, most recent first, so forms can offer them again."""
        seen: dict[str, None] = {}
        for r in self.db.query("SELECT name FROM participants ORDER BY id DESC"):
            seen.setdefault(r["name"], None)
        return list(seen)

    # -- consent ----------------------------------------------------------------------------

    def record_consent(
        self,
        interview_id: int,
        participant_id: int,
        scopes: Iterable[str],
        *,
        given_at: datetime | None = None,
        wording_version: str = CONSENT_WORDING_VERSION,
    ) -> Interview:
        """Store consent as given now; an empty scope list records a withdrawal."""
        interview = self.interview(interview_id)
        if participant_id not in {p.id for p in interview.participants}:
            raise NotFound(f"Participant {participant_id} is not part of interview {interview_id}.")
        scope_list = sorted(set(scopes))
        unknown = [s for s in scope_list if s not in SCOPES]
        if unknown:
            raise InvalidInput(
                f"Unknown consent scope: {', '.join(unknown)}.",
                f"Use one of: {', '.join(SCOPES)}.",
            )
        self.db["consents"].insert(
            {
                "interview_id": interview_id,
                "participant_id": participant_id,
                "scopes": json.dumps(scope_list),
                "given_at": rows.to_iso(given_at or rows.now()),
                "wording_version": wording_version,
            }
        )
        return self.interview(interview_id)

    # -- recordings -------------------------------------------------------------------------

    def add_recording(
        self,
        interview_id: int,
        *,
        path: str,
        source: str,
        status: str,
        sample_rate: int = 0,
        channels: int = 0,
        duration_s: float = 0.0,
        original_name: str = "",
        device: str = "",
    ) -> Recording:
        self.interview(interview_id)
        rec_id = (
            self.db["recordings"]
            .insert(
                {
                    "interview_id": interview_id,
                    "path": path,
                    "status": status,
                    "source": source,
                    "sample_rate": sample_rate,
                    "channels": channels,
                    "duration_s": duration_s,
                    "created_at": rows.to_iso(rows.now()),
                    "original_name": original_name,
                    "device": device,
                    "message": "",
                }
            )
            .last_pk
        )
        return self.recording(rec_id)

    def update_recording(
        self,
        recording_id: int,
        *,
        status: str | None = None,
        duration_s: float | None = None,
        message: str | None = None,
        sample_rate: int | None = None,
        channels: int | None = None,
    ) -> Recording:
        changes = {
            k: v
            for k, v in {
                "status": status,
                "duration_s": duration_s,
                "message": message,
                "sample_rate": sample_rate,
                "channels": channels,
            }.items()
            if v is not None
        }
        if changes:
            self.db["recordings"].update(recording_id, changes)
        return self.recording(recording_id)

    def recording(self, recording_id: int) -> Recording:
        try:
            row = self.db["recordings"].get(recording_id)
        except Exception as exc:
            raise NotFound(f"There is no recording with id {recording_id}.") from exc
        return rows.recording(row, self.markers(recording_id))

    def recordings(self, interview_id: int) -> list[Recording]:
        return [
            rows.recording(r, self.markers(r["id"]))
            for r in self.db["recordings"].rows_where(
                "interview_id = ?", [interview_id], order_by="id"
            )
        ]

    def latest_recording(self, interview_id: int) -> Recording | None:
        recs = self.recordings(interview_id)
        return recs[-1] if recs else None

    def recordings_with_status(self, status: str) -> list[Recording]:
        return [
            rows.recording(r, self.markers(r["id"]))
            for r in self.db["recordings"].rows_where("status = ?", [status], order_by="id")
        ]

    def add_marker(self, recording_id: int, marker: Marker) -> Marker:
        marker_id = (
            self.db["markers"]
            .insert(
                {
                    "recording_id": recording_id,
                    "kind": marker.kind,
                    "time_s": float(marker.time_s),
                    "question_index": marker.question_index,
                    "duration_s": marker.duration_s,
                }
            )
            .last_pk
        )
        return Marker(
            id=marker_id,
            kind=marker.kind,
            time_s=marker.time_s,
            question_index=marker.question_index,
            duration_s=marker.duration_s,
        )

    def replace_markers(self, recording_id: int, markers: Iterable[Marker], *, kind: str) -> None:
        with self.db.atomic():
            self.db["markers"].delete_where("recording_id = ? AND kind = ?", [recording_id, kind])
            for m in markers:
                self.add_marker(recording_id, m)

    def markers(self, recording_id: int) -> list[Marker]:
        return [
            rows.marker(r)
            for r in self.db["markers"].rows_where(
                "recording_id = ?", [recording_id], order_by="time_s, id"
            )
        ]

    # -- transcripts ------------------------------------------------------------------------

    def save_transcript(self, transcript: Transcript) -> Transcript:
        """Replace the interview's transcript in one transaction: all or nothing."""
        with self.db.atomic():
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
