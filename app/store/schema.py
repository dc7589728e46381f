"""The database schema as an append-only list of migrations.

Never edit a migration that has shipped: add a new function below the others instead. A
database that has a migration this list does not know was written by a newer version.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

MIGRATION_SET = "buddy-interviews"
migrations = Migrations(MIGRATION_SET)


@migrations()
def m001_initial(db: Database) -> None:
    db["interviews"].create(
        {
            "id": int,
            "title": str,
            "script_id": str,
            "status": str,
            "created_at": str,
            "updated_at": str,
            "notes": str,
            "questions": str,  # JSON list of the script's question texts, frozen at creation
        },
        pk="id",
        not_null={"title", "status", "created_at", "updated_at"},
        defaults={"status": "new", "notes": "", "questions": "[]"},
    )
    db["participants"].create(
        {"id": int, "interview_id": int, "role": str, "name": str},
        pk="id",
        foreign_keys=[("interview_id", "interviews", "id")],
        not_null={"interview_id", "role", "name"},
    )
    db["consents"].create(
        {
            "id": int,
            "interview_id": int,
            "participant_id": int,
            "scopes": str,  # JSON list
            "given_at": str,
            "wording_version": str,
        },
        pk="id",
        foreign_keys=[
            ("interview_id", "interviews", "id"),
            ("participant_id", "participants", "id"),
        ],
        not_null={"interview_id", "participant_id", "scopes", "given_at"},
    )
    db["recordings"].create(
        {
            "id": int,
            "interview_id": int,
            "path": str,
            "status": str,
            "source": str,
            "sample_rate": int,
            "channels": int,
            "duration_s": float,
            "created_at": str,
            "original_name": str,
            "device": str,
            "message": str,
        },
        pk="id",
        foreign_keys=[("interview_id", "interviews", "id")],
        not_null={"interview_id", "path", "status", "source"},
        defaults={"duration_s": 0.0, "original_name": "", "device": "", "message": ""},
    )
    db["markers"].create(
        {
            "id": int,
            "recording_id": int,
            "kind": str,
            "time_s": float,
            "question_index": int,
            "duration_s": float,
        },
        pk="id",
        foreign_keys=[("recording_id", "recordings", "id")],
        not_null={"recording_id", "kind", "time_s"},
    )
    db["transcripts"].create(
        {
            "id": int,
            "interview_id": int,
            "recording_id": int,
            "engine": str,
            "model": str,
            "language": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[
            ("interview_id", "interviews", "id"),
            ("recording_id", "recordings", "id"),
        ],
    )
    db["segments"].create(
        {
            "id": int,
            "transcript_id": int,
            "position": int,
            "start": float,
            "end": float,
            "text": str,
            "words": str,  # JSON list of [start, end, text, probability]
            "speaker": str,
            "question_index": int,
            "edited": int,
            "redacted": int,
        },
        pk="id",
        foreign_keys=[("transcript_id", "transcripts", "id")],
        not_null={"transcript_id", "position", "start", "end", "text"},
        defaults={"edited": 0, "redacted": 0, "words": "[]"},
    )
    db["participants"].create_index(["interview_id"])
    db["consents"].create_index(["interview_id"])
    db["recordings"].create_index(["interview_id"])
    db["recordings"].create_index(["status"])
    db["markers"].create_index(["recording_id"])
    db["transcripts"].create_index(["interview_id"])
    db["segments"].create_index(["transcript_id", "position"])


@migrations()
def m010_i9voice_voice_samples(db: Database) -> None:
    """A participant's voice sample per interview (a file beside the audio), and which
    participant each channel of a two-channel take carries."""
    db["voice_samples"].create(
        {
            "id": int,
            "interview_id": int,
            "participant_id": int,
            "path": str,
            "duration_s": float,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[
            ("interview_id", "interviews", "id"),
            ("participant_id", "participants", "id"),
        ],
        not_null={"interview_id", "participant_id", "path", "created_at"},
    )
    db["voice_samples"].create_index(["interview_id"])
    db["recordings"].add_column("channel_roles", str, not_null_default="")


@migrations()
def m011_i9remote_calls(db: Database) -> None:
    """Interviews held over a video call, and which participant each channel of a take carries.

    ``on_call``: 1 when the pair talk over a call, so a take records two channels (this
    laptop's microphone and the call's sound). ``here_role``: the role of the person at this
    laptop, whose voice is the microphone channel. ``recordings.channel_roles`` (JSON list of
    one role per channel, "" when the channels are not one person each) comes with the voice
    samples migration; it is added here only for a database that somehow lacks it.
    """
    interviews = db["interviews"]
    if "on_call" not in interviews.columns_dict:
        interviews.add_column("on_call", int, not_null_default=0)
    if "here_role" not in interviews.columns_dict:
        interviews.add_column("here_role", str, not_null_default="interviewer")
    # Guarded: the voice side of the same feature may add this column in its own migration.
    if "channel_roles" not in db["recordings"].columns_dict:
        db["recordings"].add_column("channel_roles", str, not_null_default="")
