"""The voice-sample table: one sample per participant of an interview, kept beside the audio."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlite_utils import Database

from app.errors import NotFound
from app.models import Interview, VoiceSample
from app.store import rows
from app.store.errors import guarded

if TYPE_CHECKING:
    pass


@guarded(lambda store: store.path)
class VoiceSampleTables:
    """Mixed into ``Store``: it gives ``db``; these methods own the voice-sample table."""

    db: Database

    if TYPE_CHECKING:  # given by Store

        def interview(self, interview_id: int) -> Interview: ...

    # -- voice samples ----------------------------------------------------------------------

    def voice_samples(self, interview_id: int) -> list[VoiceSample]:
        return [
            rows.voice_sample(r)
            for r in self.db["voice_samples"].rows_where(
                "interview_id = ?", [interview_id], order_by="id"
            )
        ]

    def replace_voice_sample(
        self, interview_id: int, participant_id: int, *, path: str, duration_s: float
    ) -> tuple[VoiceSample, list[str]]:
        """Keep ``path`` as the participant's sample; returns it and the replaced files."""
        interview = self.interview(interview_id)
        if participant_id not in {p.id for p in interview.participants}:
            raise NotFound(f"Participant {participant_id} is not part of interview {interview_id}.")
        where = "interview_id = ? AND participant_id = ?"
        with self.db.atomic():
            old = [
                r["path"]
                for r in self.db["voice_samples"].rows_where(where, [interview_id, participant_id])
            ]
            self.db["voice_samples"].delete_where(where, [interview_id, participant_id])
            sample_id = (
                self.db["voice_samples"]
                .insert(
                    {
                        "interview_id": interview_id,
                        "participant_id": participant_id,
                        "path": path,
                        "duration_s": duration_s,
                        "created_at": rows.to_iso(rows.now()),
                    }
                )
                .last_pk
            )
        return rows.voice_sample(self.db["voice_samples"].get(sample_id)), [
            p for p in old if p != path
        ]

    def delete_voice_sample(self, interview_id: int, participant_id: int) -> list[str]:
        """Forget a participant's sample; returns the files to remove."""
        where = "interview_id = ? AND participant_id = ?"
        with self.db.atomic():
            old = [
                r["path"]
                for r in self.db["voice_samples"].rows_where(where, [interview_id, participant_id])
            ]
            self.db["voice_samples"].delete_where(where, [interview_id, participant_id])
        return old
