"""The database schema as an append-only list of migrations.

Never edit a migration that has shipped: add a new function below the others instead. A
database that has a migration this list does not know was written by a newer version.
"""

from __future__ import annotations

import re

from sqlite_utils import Database, Migrations

MIGRATION_SET = "buddy-interviews"
migrations = Migrations(MIGRATION_SET)


def known_migrations() -> list[str]:
    """Every migration this version knows, in order.

    Asked through the public API: on an empty database every migration is pending.
    """
    return [m.name for m in migrations.pending(Database(memory=True))]


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
def m002_takes_and_revisions(db: Database) -> None:
    """Every take counts, every edit names the transcript's revision.

    ``recordings.included``: a take the user left out is kept on disk but not transcribed or
    exported. ``segments.recording_id``: the take a segment was heard in; its times are on that
    take's own timeline. ``transcripts.revision``: bumped by every change to the transcript, so
    an edit made on an older one is refused instead of landing in a transcript it never saw.
    """
    db["recordings"].add_column("included", int, not_null_default=1)
    db["segments"].add_column("recording_id", int)
    db["transcripts"].add_column("revision", int, not_null_default=1)
    # Segments written before takes were tracked belong to the transcript's one recording.
    db.execute(
        "UPDATE segments SET recording_id = "
        "(SELECT recording_id FROM transcripts t WHERE t.id = segments.transcript_id)"
    )


@migrations()
def m003_transcript_takes(db: Database) -> None:
    """Which takes a transcript was made from, so a take added later is noticed, not lost."""
    db["transcripts"].add_column("take_ids", str, not_null_default="[]")
    db.execute(
        "UPDATE transcripts SET take_ids = json_array(recording_id) WHERE recording_id IS NOT NULL"
    )


#: Tables rebuilt so that a deleted row's id is never handed out again.
_NEVER_REUSED = (
    "interviews",
    "participants",
    "consents",
    "recordings",
    "markers",
    "transcripts",
    "segments",
)


@migrations(transactional=False)
def m004_ids_never_reused(db: Database) -> None:
    """Ids are never reused: every table's key becomes AUTOINCREMENT.

    Without it SQLite hands a deleted interview's id to the next one, and files named for the
    old interview (a take left by a killed import) would seem to belong to the new one. SQLite
    cannot add AUTOINCREMENT in place, so each table is rebuilt the documented way: foreign
    keys off (only possible outside a transaction, hence not transactional), then in ONE
    transaction create the new table, copy every row, drop the old, rename, recreate its
    indexes and triggers, and check every foreign key before committing. A table already
    rebuilt is skipped, so an interrupted run simply continues.
    """
    conn = db.conn
    conn.execute("PRAGMA foreign_keys=OFF")
    try:
        with db.atomic():
            for table in _NEVER_REUSED:
                _rebuild_with_autoincrement(db, table)
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"foreign keys broken by the rebuild: {broken[:3]}")
    finally:
        conn.execute("PRAGMA foreign_keys=ON")


def _rebuild_with_autoincrement(db: Database, table: str) -> None:
    conn = db.conn
    row = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]
    ).fetchone()
    if row is None or "AUTOINCREMENT" in row[0].upper():
        return
    temp = f"_rebuild_{table}"
    sql, found = re.subn(
        r"INTEGER PRIMARY KEY", "INTEGER PRIMARY KEY AUTOINCREMENT", row[0], count=1
    )
    sql, named = re.subn(
        r'^CREATE TABLE\s+(?:"[^"]+"|\[[^\]]+\]|\S+)', f'CREATE TABLE "{temp}"', sql, count=1
    )
    if not (found and named):
        raise RuntimeError(f"cannot rebuild table {table}: unexpected schema {row[0]!r}")
    extras = [
        r[0]
        for r in conn.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') "
            "AND sql IS NOT NULL",
            [table],
        )
    ]
    columns = ", ".join(f'"{c.name}"' for c in db[table].columns)
    conn.execute(sql)
    conn.execute(f'INSERT INTO "{temp}" ({columns}) SELECT {columns} FROM "{table}"')
    conn.execute(f'DROP TABLE "{table}"')
    conn.execute(f'ALTER TABLE "{temp}" RENAME TO "{table}"')
    for statement in extras:
        conn.execute(statement)


@migrations()
def m005_voice_samples(db: Database) -> None:
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
def m006_calls(db: Database) -> None:
    """Interviews held over a video call.

    ``on_call``: 1 when the pair talk over a call, so a take records two channels (this
    laptop's microphone and the call's sound). ``here_role``: the role of the person at this
    laptop, whose voice is the microphone channel (``recordings.channel_roles``, from the voice
    samples migration, then says whose voice each channel of a take carries).
    """
    db["interviews"].add_column("on_call", int, not_null_default=0)
    db["interviews"].add_column("here_role", str, not_null_default="interviewer")


@migrations()
def m007_live_transcripts(db: Database) -> None:
    """What live transcription made of a take while it was recorded, kept as it arrives so a
    crash mid-take keeps the text with the audio. Times are on the take's own timeline."""
    db["live_transcripts"].create(
        {
            "recording_id": int,
            "engine": str,
            "model": str,
            "language": str,
            "state": str,  # "running", "complete", "failed"
            "done_s": float,  # the take is transcribed up to here
            "message": str,
            "updated_at": str,
        },
        pk="recording_id",
        foreign_keys=[("recording_id", "recordings", "id")],
        not_null={"recording_id", "engine", "model", "state"},
        defaults={"done_s": 0.0, "message": ""},
    )
    db["live_segments"].create(
        {
            "id": int,
            "recording_id": int,
            "start": float,
            "end": float,
            "text": str,
            "words": str,  # JSON list of [start, end, text, probability]
        },
        pk="id",
        foreign_keys=[("recording_id", "recordings", "id")],
        not_null={"recording_id", "start", "end", "text"},
        defaults={"words": "[]"},
    )
    db["live_segments"].create_index(["recording_id", "start"])


@migrations()
def m008_posts_and_approvals(db: Database) -> None:
    # Every change to a post is a new version; ``posts.version`` says which one is current,
    # so undo and redo survive a restart and nothing typed is ever overwritten in place.
    db["posts"].create(
        {"interview_id": int, "version": int, "updated_at": str},
        pk="interview_id",
        foreign_keys=[("interview_id", "interviews", "id")],
        not_null={"version", "updated_at"},
    )
    db["post_versions"].create(
        {"id": int, "interview_id": int, "version": int, "data": str, "created_at": str},
        pk="id",
        foreign_keys=[("interview_id", "interviews", "id")],
        not_null={"interview_id", "version", "data", "created_at"},
    )
    db["post_versions"].create_index(["interview_id", "version"], unique=True)
    # Who approved which text: the sha256 of the approved post and the text itself, so that a
    # later change can be shown as a difference.
    db["approvals"].create(
        {
            "id": int,
            "interview_id": int,
            "participant_id": int,
            "sha256": str,
            "text": str,
            "approved_at": str,
        },
        pk="id",
        foreign_keys=[
            ("interview_id", "interviews", "id"),
            ("participant_id", "participants", "id"),
        ],
        not_null={"interview_id", "participant_id", "sha256", "text", "approved_at"},
    )
    db["approvals"].create_index(["interview_id"])


@migrations()
def m009_wordpress_drafts(db: Database) -> None:
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


@migrations()
def m010_live_voice_windows(db: Database) -> None:
    """The voice vectors of a take's windows of speech, stored with its live transcript as
    each chunk is transcribed, so telling the voices apart after Stop needs only the last
    chunk's. ``voices_ok`` is 0 once a chunk's vectors could not be made, and for live
    transcripts made before this (they have none): then they are made from the file."""
    db["live_transcripts"].add_column("voices_ok", int, not_null_default=0)
    db["live_voice_windows"].create(
        {
            "id": int,
            "recording_id": int,
            "start": float,
            "end": float,
            "origin": float,  # where its stretch of speech starts
            "vector": bytes,  # 192 little-endian float32
        },
        pk="id",
        foreign_keys=[("recording_id", "recordings", "id")],
        not_null={"recording_id", "start", "end", "origin", "vector"},
    )
    db["live_voice_windows"].create_index(["recording_id", "start"])
