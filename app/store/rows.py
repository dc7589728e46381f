"""Conversions between table rows and the dataclasses in app.models."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from app.models import (
    ROLES,
    Consent,
    Interview,
    Marker,
    Participant,
    Recording,
    Role,
    Segment,
    Transcript,
    VoiceSample,
    Word,
)


def now() -> datetime:
    return datetime.now(timezone.utc)


def to_iso(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.isoformat()


def from_iso(value: str) -> datetime:
    return datetime.fromisoformat(value)


def interview(row: dict[str, Any]) -> Interview:
    return Interview(
        id=row["id"],
        title=row["title"],
        script_id=row["script_id"],
        status=row["status"],
        created_at=from_iso(row["created_at"]),
        updated_at=from_iso(row["updated_at"]),
        notes=row["notes"] or "",
        questions=json.loads(row["questions"] or "[]"),
        on_call=bool(row.get("on_call") or 0),
        here_role=row.get("here_role") or "interviewer",
    )


def participant(row: dict[str, Any]) -> Participant:
    return Participant(id=row["id"], role=row["role"], name=row["name"])


def consent(row: dict[str, Any]) -> Consent:
    return Consent(
        participant_id=row["participant_id"],
        scopes=frozenset(json.loads(row["scopes"])),
        given_at=from_iso(row["given_at"]),
        wording_version=row["wording_version"] or "",
    )


def recording(row: dict[str, Any], markers: list[Marker]) -> Recording:
    return Recording(
        id=row["id"],
        interview_id=row["interview_id"],
        path=row["path"],
        status=row["status"],
        source=row["source"],
        sample_rate=row["sample_rate"] or 0,
        channels=row["channels"] or 0,
        duration_s=row["duration_s"] or 0.0,
        created_at=from_iso(row["created_at"]),
        original_name=row["original_name"] or "",
        device=row["device"] or "",
        message=row["message"] or "",
        markers=markers,
        included=bool(row.get("included", 1)),
        channel_roles=_roles(row.get("channel_roles")),
    )


def _roles(text: str | None) -> list[Role]:
    roles = json.loads(text) if text else []
    return [r for r in roles if r in ROLES]


def voice_sample(row: dict[str, Any]) -> VoiceSample:
    return VoiceSample(
        id=row["id"],
        interview_id=row["interview_id"],
        participant_id=row["participant_id"],
        path=row["path"],
        duration_s=row["duration_s"] or 0.0,
        created_at=from_iso(row["created_at"]),
    )


def marker(row: dict[str, Any]) -> Marker:
    return Marker(
        id=row["id"],
        kind=row["kind"],
        time_s=row["time_s"],
        question_index=row["question_index"],
        duration_s=row["duration_s"],
    )


def segment(row: dict[str, Any]) -> Segment:
    return Segment(
        id=row["id"],
        position=row["position"],
        start=row["start"],
        end=row["end"],
        text=row["text"],
        words=[Word(*w) for w in json.loads(row["words"] or "[]")],
        speaker=row["speaker"],
        question_index=row["question_index"],
        edited=bool(row["edited"]),
        redacted=bool(row["redacted"]),
        recording_id=row.get("recording_id"),
    )


def segment_row(seg: Segment, transcript_id: int, position: int) -> dict[str, Any]:
    return {
        "transcript_id": transcript_id,
        "position": position,
        "start": float(seg.start),
        "end": float(seg.end),
        "text": seg.text,
        "words": json.dumps(
            [
                [round(w.start, 3), round(w.end, 3), w.text, round(w.probability, 3)]
                for w in seg.words
            ]
        ),
        "speaker": seg.speaker,
        "question_index": seg.question_index,
        "edited": int(seg.edited),
        "redacted": int(seg.redacted),
        "recording_id": seg.recording_id,
    }


def transcript(row: dict[str, Any], segments: list[Segment]) -> Transcript:
    return Transcript(
        id=row["id"],
        interview_id=row["interview_id"],
        recording_id=row["recording_id"],
        engine=row["engine"],
        model=row["model"],
        language=row["language"],
        created_at=from_iso(row["created_at"]),
        segments=segments,
        revision=row.get("revision") or 1,
        take_ids=json.loads(row.get("take_ids") or "[]"),
    )
