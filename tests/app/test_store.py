"""The store on a real SQLite file: schema, round trips, and refusing damaged or newer files."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from app.errors import DatabaseDamaged, DatabaseTooNew, InvalidInput, NotFound
from app.models import CONSENT_WORDING_VERSION, Marker, Segment, Transcript, Word
from app.store import Store
from app.store.rows import now


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "interviews.db")
    yield s
    s.close()


def _transcript(interview_id: int, recording_id: int, texts: list[str]) -> Transcript:
    segs = [
        Segment(i, i + 1, t, words=[Word(i, i + 0.5, " " + t, 0.9)], question_index=0)
        for i, t in enumerate(texts)
    ]
    return Transcript(interview_id, recording_id, "faster-whisper", "tiny.en", "en", now(), segs)


def test_interview_round_trip_and_search(store: Store) -> None:
    a = store.create_interview(
        "Music: with switches", interviewer="Sam", interviewee="Priya", questions=["Q1?"]
    )
    store.create_interview("Another", interviewer="Ada", interviewee="Lin")
    got = store.interview(a.id)
    assert got.title == "Music: with switches"
    assert got.interviewer.name == "Sam" and got.interviewee.name == "Priya"
    assert got.questions == ["Q1?"] and got.status == "new"
    assert [i.title for i in store.interviews(search="priya")] == ["Music: with switches"]
    assert len(store.interviews()) == 2
    assert store.known_names()[:2] == ["Lin", "Ada"]


def test_wal_mode(store: Store) -> None:
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_bad_input_and_missing(store: Store) -> None:
    with pytest.raises(InvalidInput):
        store.create_interview(" ", interviewer="A", interviewee="B")
    with pytest.raises(InvalidInput):
        store.create_interview("T", interviewer="A", interviewee="")
    with pytest.raises(NotFound):
        store.interview(99)


def test_consent_scopes_time_and_wording(store: Store) -> None:
    i = store.create_interview("T", interviewer="A", interviewee="B")
    a, b = i.participants
    i = store.record_consent(i.id, a.id, ["record", "publish-text"])
    assert [p.name for p in i.missing_consent("publish-text")] == ["B"]
    i = store.record_consent(i.id, b.id, ["publish-text"])
    assert i.missing_consent("publish-text") == []
    consent = i.consent_for(b.id)
    assert consent.wording_version == CONSENT_WORDING_VERSION
    assert consent.given_at.tzinfo is not None
    i = store.record_consent(i.id, b.id, [])  # withdrawn: the newest consent wins
    assert [p.name for p in i.missing_consent("publish-text")] == ["B"]
    with pytest.raises(InvalidInput):
        store.record_consent(i.id, a.id, ["sell-it"])


def test_transcript_replace_is_atomic(store: Store) -> None:
    i = store.create_interview("T", interviewer="A", interviewee="B")
    rec = store.add_recording(i.id, path="audio/x.wav", source="imported", status="imported")
    store.add_marker(rec.id, Marker("question", 1.5, 0))
    first = store.save_transcript(_transcript(i.id, rec.id, ["one", "two"]))
    assert [s.text for s in first.segments] == ["one", "two"]
    assert first.segments[0].words[0].text == " one"
    bad = _transcript(i.id, rec.id, ["three"])
    bad.segments[0].text = None  # NOT NULL: the insert fails inside the transaction
    with pytest.raises(sqlite3.IntegrityError):
        store.save_transcript(bad)
    kept = store.transcript(i.id)
    assert [s.text for s in kept.segments] == ["one", "two"]
    assert store.recording(rec.id).question_markers[0].time_s == 1.5


def test_segment_edits_and_has_edits(store: Store) -> None:
    i = store.create_interview("T", interviewer="A", interviewee="B")
    rec = store.add_recording(i.id, path="audio/x.wav", source="imported", status="imported")
    t = store.save_transcript(_transcript(i.id, rec.id, ["one", "two"]))
    assert not store.has_edits(i.id)
    seg = t.segments[1]
    seg.text, seg.edited, seg.speaker = "TWO", True, "B"
    store.update_segment(t.id, seg)
    again = store.transcript(i.id)
    assert again.segments[1].text == "TWO" and again.segments[1].speaker == "B"
    assert store.has_edits(i.id)


def test_delete_interview_removes_everything(store: Store) -> None:
    i = store.create_interview("T", interviewer="A", interviewee="B")
    rec = store.add_recording(i.id, path="audio/x.wav", source="imported", status="imported")
    store.add_marker(rec.id, Marker("question", 0.0, 0))
    store.save_transcript(_transcript(i.id, rec.id, ["one"]))
    assert store.delete_interview(i.id) == ["audio/x.wav"]
    with pytest.raises(NotFound):
        store.interview(i.id)
    assert store.db["segments"].count == 0 and store.db["markers"].count == 0


@pytest.mark.parametrize("damage", ["truncate", "garbage", "text"])
def test_damaged_database_is_refused_and_untouched(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "interviews.db"
    s = Store(path)
    i = s.create_interview("T", interviewer="A", interviewee="B")
    rec = s.add_recording(i.id, path="audio/x.wav", source="imported", status="imported")
    s.save_transcript(_transcript(i.id, rec.id, ["x" * 200] * 2000))
    s.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    s.close()
    assert i.id == 1
    raw = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(raw[: len(raw) // 3])
    elif damage == "garbage":
        path.write_bytes(raw[:4096] + b"\xff" * 8192 + raw[4096 + 8192 :])
    else:
        path.write_text("these are my notes, not a database\n" * 50)
    before = _digest(path)
    with pytest.raises(DatabaseDamaged) as info:
        Store(path)
    assert info.value.hint
    assert _digest(path) == before


def test_newer_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "interviews.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('buddy-interviews', 'm999_from_the_future', '2030-01-01')"
    )
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = _digest(path)
    with pytest.raises(DatabaseTooNew):
        Store(path)
    assert _digest(path) == before


def test_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseDamaged):
        Store(path)


def test_connections_of_finished_threads_are_closed(store: Store) -> None:
    import threading

    def use() -> None:
        store.interviews()

    for _ in range(5):
        worker = threading.Thread(target=use)
        worker.start()
        worker.join()
    store.interviews()
    assert len(store._pool._all) <= 2  # this thread's, and at most the newest finished one


def test_live_transcripts_from_before_voice_windows_make_theirs_from_the_file(
    tmp_path: Path,
) -> None:
    """A live transcript stored by the version before voice windows has none: after the
    upgrade it must not pass for one whose windows are all stored (the job would then find
    no voices at all), so its windows are made from the take's file."""
    from sqlite_utils import Database

    from app.store import live_transcripts
    from app.store.schema import migrations

    path = tmp_path / "older.db"
    db = Database(path)
    migrations.apply(db, stop_before="m010_live_voice_windows")
    db["interviews"].insert(
        {"id": 1, "title": "Older", "status": "new", "created_at": "x", "updated_at": "x"}
    )
    db["recordings"].insert(
        {
            "id": 1,
            "interview_id": 1,
            "path": "audio/a.wav",
            "source": "recorded",
            "status": "complete",
            "created_at": "x",
        }
    )
    db["live_transcripts"].insert(
        {"recording_id": 1, "engine": "faster-whisper", "model": "m", "state": "complete"}
    )
    db.close()
    store = Store(path)
    try:
        state = live_transcripts.state(store, 1)
        assert state is not None and state.state == "complete" and not state.voices_ok
        live_transcripts.begin(
            store, 1, engine="faster-whisper", model="m", language=None, voices=True
        )
        assert live_transcripts.state(store, 1).voices_ok  # type: ignore[union-attr]
    finally:
        store.close()
