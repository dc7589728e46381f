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
def m012_i12publish_wordpress_drafts(db: Database) -> None:
    # Plain SQL for ON DELETE CASCADE: deleting an interview forgets its drafts' ids (the
    # drafts themselves stay on the site), without every delete having to know this table.
    db.execute(
        """
        CREATE TABLE wordpress_drafts (
            id INTEGER PRIMARY KEY,
            interview_id INTEGER NOT NULL REFERENCES interviews(id) ON DELETE CASCADE,
            site TEXT NOT NULL,
            post_id INTEGER NOT NULL,
            link TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (interview_id, site)
        )
        """
    )
