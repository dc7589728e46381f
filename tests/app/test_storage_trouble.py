"""A read-only, full or locked database says so, with a hint; a healthy one is never called
damaged, and nothing is half done (issue 10, items 7 and 10).

Root ignores file modes, so read-only is a real read-only mount and full is a real small
tmpfs filled to the last byte.
"""

from __future__ import annotations

import sqlite3
import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile

from app.errors import DatabaseLocked, NotFound
from app.paths import HOME_ENV
from app.store import Store
from tests.app.robust_helpers import (
    assert_user_error,
    fill,
    read_only_view,
    run,
    stored_interview,
    tmpfs,
)


@pytest.fixture
def jfk(testdata: Path) -> Path:
    return testdata / "jfk.wav"


def _writes_refused(capsys, interview: int, out: Path, jfk: Path, *words: str) -> None:
    """Every command that writes says why it cannot, and writes nothing."""
    i = str(interview)
    attempts = [
        ("new", "--title", "T", "--interviewer", "A", "--interviewee", "B"),
        ("consent", i, "--participant", "Sam", "--add", "publish-audio"),
        ("import", str(jfk), "--interview", i),
        ("transcribe", i, "--discard-edits"),
        ("export", i, "--format", "txt", "--out", str(out)),
        ("delete", i, "--yes"),
    ]
    for args in attempts:
        code, _, err = run(capsys, *args)
        assert_user_error(code, err, *words)
        assert "damaged" not in err.lower(), (args, err)
    assert not out.exists(), "export wrote the file before finding it could not save"


def test_read_only_disk_reads_and_refuses_writes_honestly(
    home: Path, tmp_path: Path, jfk: Path, monkeypatch, capsys
) -> None:
    interview = stored_interview(home, jfk)
    with read_only_view(home, tmp_path / "ro") as view:
        monkeypatch.setenv(HOME_ENV, str(view))
        code, out, err = run(capsys, "list")
        assert code == 0 and "Switches" in out, err
        assert "Warning: The data folder" in err and "read-only" in err
        assert "nothing can be saved" in err
        code, out, _ = run(capsys, "show", str(interview), "--json")
        assert code == 0 and '"transcript"' in out
        code, out, _ = run(capsys, "export", str(interview), "--format", "txt", "--out", "-")
        assert code == 0 and "I make music." in out  # reading needs no writable disk
        _writes_refused(capsys, interview, tmp_path / "post.txt", jfk, "read-only")


def test_full_disk_reads_and_refuses_writes_honestly(
    tmp_path: Path, jfk: Path, monkeypatch, capsys
) -> None:
    with tmpfs(tmp_path / "small", "8m") as disk:
        home = disk / "home"
        monkeypatch.setenv(HOME_ENV, str(home))
        interview = stored_interview(home, jfk)
        fill(disk)
        code, out, err = run(capsys, "list")
        assert code == 0 and "Switches" in out, err
        assert "damaged" not in err.lower()
        _writes_refused(capsys, interview, tmp_path / "post.txt", jfk, "full")


def test_import_larger_than_the_free_space_is_refused_whole(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    big = tmp_path / "long.wav"
    soundfile.write(big, np.full(16000 * 60 * 10, 0.1, dtype=np.float32), 16000, subtype="PCM_16")
    with tmpfs(tmp_path / "small", "16m") as disk:
        home = disk / "home"
        monkeypatch.setenv(HOME_ENV, str(home))
        code, _, err = run(
            capsys,
            "import",
            str(big),
            "--title",
            "Long one",
            "--interviewer",
            "Sam",
            "--interviewee",
            "Priya",
            "--consent",
            "record",
        )
        assert_user_error(code, err, "full", "long.wav")
        assert "ENOSPC" not in err and "Errno" not in err
        assert [p.name for p in (home / "data" / "audio").iterdir()] == []
        code, out, _ = run(capsys, "list")
        assert code == 0 and "No interviews yet" in out


def _hold_write_lock(path: Path, ready: threading.Event, release: threading.Event) -> None:
    conn = sqlite3.connect(path)
    conn.execute("BEGIN IMMEDIATE")
    ready.set()
    release.wait(30)
    conn.rollback()
    conn.close()


def test_locked_database_says_locked_and_reads_go_on(home: Path, jfk: Path, capsys) -> None:
    interview = stored_interview(home, jfk)
    ready, release = threading.Event(), threading.Event()
    holder = threading.Thread(
        target=_hold_write_lock, args=(home / "data" / "interviews.db", ready, release)
    )
    holder.start()
    try:
        assert ready.wait(10)
        code, out, _ = run(capsys, "show", str(interview))
        assert code == 0 and "Switches" in out  # WAL: readers are never blocked by a writer
        code, _, err = run(
            capsys, "consent", str(interview), "--participant", "Sam", "--add", "publish-audio"
        )
        assert_user_error(code, err, "locked", "another")
    finally:
        release.set()
        holder.join()
    code, _, _ = run(
        capsys, "consent", str(interview), "--participant", "Sam", "--add", "publish-audio"
    )
    assert code == 0


def test_a_lock_is_not_a_missing_interview(home: Path, jfk: Path) -> None:
    """The store used to turn any error into "There is no interview with id N"."""
    interview = stored_interview(home, jfk)
    store = Store(home / "data" / "interviews.db")
    store.close()  # its next call opens a new connection, after the lock below is taken
    other = sqlite3.connect(home / "data" / "interviews.db")
    try:
        # In WAL mode only an exclusive-mode connection keeps readers out.
        other.execute("PRAGMA locking_mode=EXCLUSIVE")
        other.execute("BEGIN EXCLUSIVE")
        other.execute("UPDATE interviews SET notes = 'x'")
        with pytest.raises(DatabaseLocked, match="locked"):
            store.interview(interview)
        other.rollback()
        other.close()
        other = None
        assert store.interview(interview).title == "Switches"
        with pytest.raises(NotFound, match="no interview with id 999"):
            store.interview(999)
    finally:
        if other is not None:
            other.close()
        store.close()


def test_damaged_database_is_still_called_damaged(home: Path, jfk: Path, capsys) -> None:
    stored_interview(home, jfk)
    db = home / "data" / "interviews.db"
    data = bytearray(db.read_bytes())
    data[4096 : 4096 * 3] = b"\x13" * (4096 * 2)  # trash the first table pages
    db.write_bytes(bytes(data))
    for extra in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        extra.unlink(missing_ok=True)
    code, _, err = run(capsys, "list")
    assert_user_error(code, err, "damaged")


def test_an_immutable_database_file_is_read_only_not_damaged(home: Path, jfk: Path, capsys) -> None:
    interview = stored_interview(home, jfk)
    db = home / "data" / "interviews.db"
    made = subprocess.run(["chattr", "+i", str(db)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"chattr +i is not possible here: {made.stderr.strip()}")
    try:
        code, out, err = run(capsys, "list")
        assert code == 0 and "Switches" in out and "read-only" in err
        code, _, err = run(
            capsys, "consent", str(interview), "--participant", "Sam", "--add", "publish-audio"
        )
        assert_user_error(code, err, "read-only")
        assert "damaged" not in err
    finally:
        subprocess.run(["chattr", "-i", str(db)], check=False)
