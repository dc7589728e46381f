"""The only code that knows table names. Services call this; nothing else touches SQL."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError

from app.consent import check_scopes
from app.errors import InvalidInput, NotFound
from app.models import (
    CONSENT_WORDING_VERSION,
    ROLES,
    Interview,
    Marker,
    Recording,
    Role,
)
from app.store import rows
from app.store.connection import ConnectionPool
from app.store.errors import guarded, is_storage_error, translate
from app.store.post_store import PostTables
from app.store.transcript_tables import TranscriptTables
from app.store.voice_tables import VoiceSampleTables


@guarded(lambda store: store.path)
class Store(TranscriptTables, VoiceSampleTables, PostTables):
    def __init__(self, path: Path) -> None:
        self.path = path
        self._pool = ConnectionPool(path)
        self._pool.open()

    @property
    def db(self) -> Database:
        return self._pool.get()

    def close(self) -> None:
        self._pool.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several store calls into one all-or-nothing change (nests safely)."""
        try:
            with self.db.atomic():
                yield
        except sqlite3.Error as exc:  # a commit can fail too (locked, full, read-only)
            if not is_storage_error(exc):
                raise
            raise translate(exc, self.path) from exc

    @property
    def read_only(self) -> bool:
        return self._pool.read_only is not None

    @property
    def read_only_reason(self) -> str:
        """Why nothing can be saved (empty when it can)."""
        problem = self._pool.read_only
        return problem.message if problem is not None else ""

    def require_writable(self) -> None:
        """Raise why nothing can be saved (read-only, full), before any work starts."""
        self._pool.require_writable()

    @contextlib.contextmanager
    def write_transaction(self) -> Iterator[None]:
        """A transaction that takes the write lock before its first read (nests safely).

        For check-then-write changes (is the transcript still at this revision?): another
        connection cannot commit between the check and the write, so the check holds.
        """
        conn = self.db.conn
        if conn.in_transaction:
            with self.db.atomic():
                yield
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:  # locked by another writer, read-only, full
            if not is_storage_error(exc):
                raise
            raise translate(exc, self.path) from exc
        try:
            yield
        except BaseException:
            conn.rollback()
            raise
        try:
            conn.commit()
        except sqlite3.Error as exc:
            conn.rollback()
            if not is_storage_error(exc):
                raise
            raise translate(exc, self.path) from exc

    # -- interviews -------------------------------------------------------------------------

    def create_interview(
        self,
        title: str,
        *,
        interviewer: str,
        interviewee: str,
        script_id: str | None = None,
        questions: Sequence[str] = (),
        on_call: bool = False,
        here_role: str = "interviewer",
    ) -> Interview:
        title, interviewer, interviewee = title.strip(), interviewer.strip(), interviewee.strip()
        _check_role(here_role)
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
                        "on_call": int(on_call),
                        "here_role": here_role,
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
        except NotFoundError as exc:  # only a missing row; other errors say what they are
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

    def interview_exists(self, interview_id: int) -> bool:
        row = self.db.execute("SELECT 1 FROM interviews WHERE id = ?", [interview_id]).fetchone()
        return row is not None

    def recording_paths(self) -> list[str]:
        """Every audio path the database knows (relative to the data folder)."""
        return [r[0] for r in self.db.execute("SELECT path FROM recordings").fetchall()]

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
        on_call: bool | None = None,
        here_role: str | None = None,
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
        if on_call is not None:
            changes["on_call"] = int(on_call)
        if here_role is not None:
            _check_role(here_role)
            changes["here_role"] = here_role
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
        samples = self.voice_samples(interview_id)
        with self.db.atomic():
            for t in self.db["transcripts"].rows_where("interview_id = ?", [interview_id]):
                self.db["segments"].delete_where("transcript_id = ?", [t["id"]])
            self.db["transcripts"].delete_where("interview_id = ?", [interview_id])
            for rec in recordings:
                self.db["markers"].delete_where("recording_id = ?", [rec.id])
                self.db["live_segments"].delete_where("recording_id = ?", [rec.id])
                self.db["live_voice_windows"].delete_where("recording_id = ?", [rec.id])
                self.db["live_transcripts"].delete_where("recording_id = ?", [rec.id])
            self.db["recordings"].delete_where("interview_id = ?", [interview_id])
            self.db["voice_samples"].delete_where("interview_id = ?", [interview_id])
            self.db["consents"].delete_where("interview_id = ?", [interview_id])
            self.delete_post_data(interview_id)
            self.db["participants"].delete_where("interview_id = ?", [interview_id])
            self.db["interviews"].delete(interview_id)
        return [rec.path for rec in recordings] + [s.path for s in samples]

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
        scope_list = check_scopes(scopes)
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
        channel_roles: Sequence[str] | None = None,
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
                    "channel_roles": _roles_json(channel_roles),
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
        channel_roles: Sequence[str] | None = None,
    ) -> Recording:
        changes = {
            k: v
            for k, v in {
                "status": status,
                "duration_s": duration_s,
                "message": message,
                "sample_rate": sample_rate,
                "channels": channels,
                "channel_roles": None if channel_roles is None else _roles_json(channel_roles),
            }.items()
            if v is not None
        }
        if changes:
            self.db["recordings"].update(recording_id, changes)
        return self.recording(recording_id)

    def set_included(self, recording_id: int, included: bool) -> Recording:
        """Leave a take out of transcription and exports (False) or bring it back."""
        self.recording(recording_id)
        self.db.execute(
            "UPDATE recordings SET included = ? WHERE id = ?", [int(included), recording_id]
        )
        return self.recording(recording_id)

    def delete_recording(self, recording_id: int) -> str:
        """Delete one take, its markers and its transcript lines; returns its audio path."""
        recording = self.recording(recording_id)
        with self.db.atomic():
            for t in self.db["transcripts"].rows_where(
                "interview_id = ?", [recording.interview_id]
            ):
                self.db["segments"].delete_where(
                    "transcript_id = ? AND recording_id = ?", [t["id"], recording_id]
                )
                self._renumber(t["id"])
                self.db.execute(
                    "UPDATE transcripts SET revision = revision + 1, recording_id = "
                    "CASE WHEN recording_id = ? THEN NULL ELSE recording_id END WHERE id = ?",
                    [recording_id, t["id"]],
                )
            self.db["markers"].delete_where("recording_id = ?", [recording_id])
            # What live transcription made of the take goes with it.
            self.db["live_segments"].delete_where("recording_id = ?", [recording_id])
            self.db["live_voice_windows"].delete_where("recording_id = ?", [recording_id])
            self.db["live_transcripts"].delete_where("recording_id = ?", [recording_id])
            self.db["recordings"].delete(recording_id)
        return recording.path

    def _renumber(self, transcript_id: int) -> None:
        ids = [
            r[0]
            for r in self.db.execute(
                "SELECT id FROM segments WHERE transcript_id = ? ORDER BY position, id",
                [transcript_id],
            ).fetchall()
        ]
        self.db.conn.executemany(
            "UPDATE segments SET position = ? WHERE id = ?", [(i, sid) for i, sid in enumerate(ids)]
        )

    def set_channel_roles(self, recording_id: int, roles: Sequence[Role]) -> Recording:
        """Say whose voice each channel carries (empty: the channels are one room's sound)."""
        bad = [r for r in roles if r not in ROLES]
        if bad:
            raise InvalidInput(f"Unknown role '{bad[0]}'.", f"Use {' or '.join(ROLES)}.")
        self.db["recordings"].update(recording_id, {"channel_roles": json.dumps(list(roles))})
        return self.recording(recording_id)

    def recording(self, recording_id: int) -> Recording:
        try:
            row = self.db["recordings"].get(recording_id)
        except NotFoundError as exc:
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


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidInput(f"Unknown role '{role}'.", f"Use {' or '.join(ROLES)}.")


def _roles_json(roles: Sequence[str] | None) -> str:
    """Channel roles as stored: a JSON list of interview roles; "" when none are known."""
    if not roles:
        return ""
    for role in roles:
        _check_role(role)
    return json.dumps(list(roles))
