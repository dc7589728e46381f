"""An import leaves a whole take with its row or nothing, also after kill -9; ids are never
reused; delete removes every file of an interview (issue 10, item 9)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import soundfile

from app.audio import takes
from app.context import AppContext
from app.paths import HOME_ENV, Paths
from tests.app.robust_helpers import REPO, assert_user_error, cli, run


def _long_wav(path: Path, minutes: int = 12) -> Path:
    # Big enough that copying it takes a noticeable moment even on a fast disk.
    samples = np.full(48000 * 60 * minutes, 0.05, dtype=np.float32)
    soundfile.write(path, samples, 48000, subtype="PCM_16")
    return path


def test_kill_during_the_copy_leaves_nothing_and_start_up_cleans(
    home: Path, tmp_path: Path, capsys
) -> None:
    source = _long_wav(tmp_path / "long.wav")
    audio = Paths.from_env().audio
    env = {**os.environ, HOME_ENV: str(home), "PYTHONPATH": str(REPO)}
    killed_at = None
    for _attempt in range(5):  # the copy window is short: try until the kill lands in it
        child = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "import", str(source), "--title", "Long",
             "--interviewer", "Sam", "--interviewee", "Priya", "--consent", "record"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while child.poll() is None and time.monotonic() < deadline:
            partial = list(audio.glob(".import-*")) if audio.is_dir() else []
            if partial:
                os.kill(child.pid, signal.SIGKILL)
                killed_at = partial
                break
            time.sleep(0.001)
        child.wait(30)
        if killed_at:
            break
        # Finished before the kill: remove it and try again.
        code, out, _ = run(capsys, "list", "--json")
        for made in json.loads(out):
            run(capsys, "delete", str(made["id"]), "--yes")
    assert killed_at, "the import always finished before it could be killed"
    assert list(audio.glob(".import-*")), "the kill left no partial copy to clean"
    # 'recover' (which does no start-up cleaning of its own first) finds and reports it.
    code, out, _ = run(capsys, "recover")
    assert code == 0 and "Removed .import-" in out and "interrupted import" in out
    assert list(audio.iterdir()) == []
    # Nothing half-made in the database: the interview and its take come together or not.
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0 and json.loads(out) == []
    code, out, _ = run(capsys, "recover")
    assert "nothing to repair" in out


def test_what_a_kill_after_the_copy_leaves_is_cleaned_at_start_up(
    home: Path, testdata: Path, capsys
) -> None:
    """Killed between the rename and the commit: a take under its final name with no row."""
    code, out, _ = run(
        capsys, "import", str(testdata / "jfk.wav"), "--title", "Kept", "--interviewer", "Sam",
        "--interviewee", "Priya", "--consent", "record", "--json",
    )  # fmt: skip
    kept = json.loads(out)
    audio = Paths.from_env().audio
    orphan = audio / f"interview-{kept['id']}-take-2-imported.wav"
    orphan.write_bytes((testdata / "jfk.wav").read_bytes())
    gone = audio / "interview-77-take-1.wav"  # an interview that no longer exists
    gone.write_bytes(b"RIFF")
    live = audio / ".import-live.wav"  # another process's import, still running: kept
    live.write_bytes(b"RIFF")
    fd = takes.hold_lock(live)
    try:
        code, _, err = run(capsys, "list")
        assert code == 0
        assert "Removed interview-" in err
        assert not orphan.exists() and not gone.exists() and live.exists()
        assert Path(kept["recordings"][0]["file"]).exists()
    finally:
        takes.release_lock(fd)


def test_ids_are_never_reused_and_delete_removes_every_file(
    home: Path, testdata: Path, capsys
) -> None:
    ids = []
    for title in ("First", "Second"):
        code, out, _ = run(
            capsys, "import", str(testdata / "jfk.wav"), "--title", title, "--interviewer",
            "Sam", "--interviewee", "Priya", "--consent", "record", "--json",
        )  # fmt: skip
        assert code == 0
        ids.append(json.loads(out)["id"])
    audio = Paths.from_env().audio
    extra = audio / f"interview-{ids[1]}-take-9-imported.wav"  # a take whose row went earlier
    extra.write_bytes(b"RIFF")
    code, _, _ = run(capsys, "delete", str(ids[1]), "--yes")
    assert code == 0
    assert sorted(p.name for p in audio.iterdir()) == [f"interview-{ids[0]}-take-1-imported.wav"]
    code, out, _ = run(
        capsys, "new", "--title", "Third", "--interviewer", "A", "--interviewee", "B", "--json"
    )
    assert json.loads(out)["id"] == ids[1] + 1  # never the deleted one's id


def test_an_old_database_keeps_its_rows_when_ids_become_never_reused(tmp_path: Path) -> None:
    from sqlite_utils import Database

    from app.store import Store
    from app.store.schema import migrations

    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before="m004_ids_never_reused")
    old["interviews"].insert_all(
        [
            {"id": 1, "title": "One", "status": "new", "created_at": "2024-01-01T00:00:00+00:00",
             "updated_at": "2024-01-01T00:00:00+00:00"},
            {"id": 2, "title": "Two", "status": "new", "created_at": "2024-01-01T00:00:00+00:00",
             "updated_at": "2024-01-01T00:00:00+00:00"},
        ]
    )  # fmt: skip
    old["participants"].insert({"interview_id": 2, "role": "interviewer", "name": "Sam"})
    old["consents"].insert(
        {"interview_id": 2, "participant_id": 1, "scopes": '["record"]', "given_at": "2024-01-01"}
    )
    old.conn.close()
    store = Store(path)
    try:
        assert [i.title for i in store.interviews()] == ["Two", "One"]
        two = store.interview(2)
        assert two.participants[0].name == "Sam" and two.consents[0].scopes == {"record"}
        store.delete_interview(2)
        assert store.create_interview("Three", interviewer="A", interviewee="B").id == 3
        assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []
        indexes = {
            r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type='index'")
        }
        assert "idx_participants_interview_id" in indexes
    finally:
        store.close()


def test_delete_is_refused_while_the_interview_records(home: Path, capsys) -> None:
    ctx = AppContext.open(Paths.from_env())
    try:
        interview = ctx.store.create_interview("Live", interviewer="Sam", interviewee="Priya")
        relative = takes.relative_take_path(interview.id, 1)
        path = ctx.paths.data / relative
        path.write_bytes(b"RIFF")
        ctx.store.add_recording(interview.id, path=relative, source="recorded", status="recording")
        fd = takes.hold_lock(path)  # what a running recorder in another process holds
    finally:
        ctx.close()
    try:
        code, _, err = run(capsys, "delete", str(interview.id), "--yes")
        assert_user_error(code, err, "being recorded", "stop the recording")
        assert path.exists()
    finally:
        takes.release_lock(fd)


def test_cli_subprocess_import_prints_no_traceback(home: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.wav"
    os.mkfifo(fifo)
    result = cli(home, "import", str(fifo), "--title", "T", "--interviewer", "A",
                 "--interviewee", "B", "--consent", "record")  # fmt: skip
    assert result.returncode == 2 and "not a regular audio file" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_kill_at_any_moment_leaves_takes_whole_with_their_rows(
    home: Path, tmp_path: Path, capsys
) -> None:
    source = _long_wav(tmp_path / "long.wav", minutes=4)
    env = {**os.environ, HOME_ENV: str(home), "PYTHONPATH": str(REPO)}
    audio = Paths.from_env().audio
    for delay in (0.2, 0.4, 0.6, 0.8, 1.0, 1.3, 1.6, 2.0):
        child = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "import", str(source), "--title", f"At {delay}",
             "--interviewer", "Sam", "--interviewee", "Priya", "--consent", "record"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait(30)
        code, out, _ = run(capsys, "list", "--json")  # start-up cleans what was left
        assert code == 0
        files = {p.name for p in audio.iterdir()} if audio.is_dir() else set()
        rows = set()
        for made in json.loads(out):
            code, shown, _ = run(capsys, "show", str(made["id"]), "--json")
            recordings = json.loads(shown)["recordings"]
            assert len(recordings) == 1, made  # never an interview without its take
            rows.add(Path(recordings[0]["file"]).name)
        assert files == rows, (delay, files, rows)
