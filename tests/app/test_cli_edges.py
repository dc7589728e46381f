"""The command line's remaining tracebacks, each reproduced and now a clear message
(issue 10, items 8 and 13)."""

from __future__ import annotations

import ast
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app import atomic
from app.context import AppContext
from app.errors import NotFound
from app.paths import HOME_ENV, Paths
from app.services import Services
from tests.app.robust_helpers import REPO, assert_user_error, run, stored_interview


@pytest.fixture
def interview(home: Path, testdata: Path) -> int:
    return stored_interview(home, testdata / "jfk.wav")


def _many_recordings(home: Path, interview: int, count: int = 400) -> None:
    """Enough output that a pipe's buffer fills and the writer meets the closed end."""
    ctx = AppContext.open(Paths.from_env({HOME_ENV: str(home)}))
    try:
        with ctx.store.transaction():
            for n in range(count):
                ctx.store.add_recording(
                    interview, path=f"audio/none-{n}.wav", source="imported", status="imported"
                )
    finally:
        ctx.close()


@pytest.mark.parametrize("args", [["show", "{id}", "--json"], ["list", "--json"]])
def test_output_piped_into_head_ends_quietly(home: Path, interview: int, args: list[str]) -> None:
    _many_recordings(home, interview)
    env = {**os.environ, HOME_ENV: str(home), "PYTHONPATH": str(REPO)}
    command = " ".join([sys.executable, "-m", "app.cli", *(a.format(id=interview) for a in args)])
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{command} | head -c 20"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, result.stderr
    assert result.stderr == "" and result.returncode == 0
    assert len(result.stdout) == 20


def test_export_to_a_closed_or_full_stdout_says_so(home: Path, interview: int) -> None:
    env = {**os.environ, HOME_ENV: str(home), "PYTHONPATH": str(REPO)}
    base = f"{sys.executable} -m app.cli export {interview} --format txt --out -"
    for redirect, words in ((">&-", "closed"), ("> /dev/full", "full")):
        result = subprocess.run(
            ["bash", "-c", f"{base} {redirect}"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr and words in result.stderr, result.stderr
        assert "--out FILE" in result.stderr


def test_markers_from_a_device_or_a_huge_file_are_refused(
    home: Path, interview: int, testdata: Path, tmp_path: Path, capsys
) -> None:
    jfk = str(testdata / "jfk.wav")
    code, _, err = run(
        capsys, "import", jfk, "--interview", str(interview), "--markers", "/dev/zero"
    )
    assert_user_error(code, err, "not a regular file")
    huge = tmp_path / "markers.json"
    huge.write_text('{"markers": [' + "1," * 700_000 + "1]}")
    code, _, err = run(capsys, "import", jfk, "--interview", str(interview), "--markers", str(huge))
    assert_user_error(code, err, "too large")


def test_a_device_or_a_pipe_is_not_taken_for_audio(
    home: Path, interview: int, tmp_path: Path, capsys
) -> None:
    fifo = tmp_path / "talk.wav"
    os.mkfifo(fifo)
    for source in ("/dev/zero", str(fifo)):
        code, _, err = run(capsys, "import", source, "--interview", str(interview))
        assert_user_error(code, err, "not a regular audio file")
        assert "folder" not in err


@pytest.mark.parametrize("seconds", ["nan", "inf", "-1", "0"])
def test_record_seconds_must_be_a_real_length(
    home: Path, interview: int, capsys, seconds: str
) -> None:
    code, _, err = run(capsys, "record", str(interview), "--seconds", seconds)
    assert_user_error(code, err, "--seconds", "more than 0")


def test_export_force_replaces_regular_files_only(
    home: Path, interview: int, tmp_path: Path, capsys
) -> None:
    real = tmp_path / "precious.txt"
    real.write_text("keep me")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    device = tmp_path / "null.txt"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        device = None  # not root: the link and the pipe still show the rule
    for target in [p for p in (link, fifo, device) if p is not None]:
        code, _, err = run(
            capsys, "export", str(interview), "--format", "txt", "--out", str(target), "--force"
        )
        assert_user_error(code, err, "not a regular file")
    assert link.is_symlink() and real.read_text() == "keep me"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    if device is not None:
        assert stat.S_ISCHR(os.lstat(device).st_mode)
    plain = tmp_path / "post.txt"
    plain.write_text("old")
    code, _, _ = run(
        capsys, "export", str(interview), "--format", "txt", "--out", str(plain), "--force"
    )
    assert code == 0 and "I make music." in plain.read_text()


def test_export_cleans_what_a_killed_writer_left(
    home: Path, interview: int, tmp_path: Path, capsys
) -> None:
    target = tmp_path / "post.txt"
    stale = tmp_path / ".post.txt.0badf00d.tmp"  # what a kill between write and rename leaves
    stale.write_text("half")
    busy = tmp_path / ".post.txt.feedbeef.tmp"  # another writer at work right now
    busy.write_text("in progress")
    fd = os.open(busy, os.O_RDONLY)
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        code, _, _ = run(capsys, "export", str(interview), "--format", "txt", "--out", str(target))
        assert code == 0
        assert not stale.exists() and busy.exists()
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".post")) == [
            busy.name
        ]
    finally:
        os.close(fd)
    assert atomic.clean_leftovers(target) == [busy]


# -- the CLI calls only Services --------------------------------------------------------------


def _cli_sources() -> dict[str, str]:
    return {p.name: p.read_text() for p in (REPO / "app" / "cli").glob("*.py")}


def test_the_cli_calls_only_services() -> None:
    for name, text in _cli_sources().items():
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("store", "paths"):
                raise AssertionError(f"app/cli/{name} reads ctx.{node.attr} directly")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("Recorder", "ScriptLibrary", "Store"), (
                    name,
                    node.func.id,
                )
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("app.store"), (name, node.module)


def test_engines_import_without_a_circle() -> None:
    # Each engine module first, in a fresh interpreter: a circle would fail on one of them.
    for module in ("app.transcription.faster", "app.transcription.openai_engine",
                   "app.transcription.engine", "app.transcription.loader"):  # fmt: skip
        result = subprocess.run(
            [sys.executable, "-c", f"import {module}"],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
    engine_source = (REPO / "app" / "transcription" / "engine.py").read_text()
    assert (
        "def load_engine" not in engine_source and "app.transcription.faster" not in engine_source
    )


def test_sqlite_utils_pin_matches_what_the_code_needs() -> None:
    from importlib.metadata import version

    pyproject = (REPO / "pyproject.toml").read_text()
    assert '"sqlite-utils>=4.0,<5"' in pyproject
    assert int(version("sqlite-utils").split(".")[0]) == 4
    for path in (REPO / "app").rglob("*.py"):
        assert "._migrations" not in path.read_text(), path


def test_one_clock_format() -> None:
    from app.clock import format_clock

    assert [format_clock(s) for s in (0, 3.9, 760, 3725, float("nan"))] == [
        "0:00", "0:03", "12:40", "1:02:05", "0:00",
    ]  # fmt: skip
    owners = [
        p.relative_to(REPO).as_posix()
        for folder in ("app", "ui")
        for p in (REPO / folder).rglob("*.py")
        if "divmod(" in p.read_text() and ":02d}" in p.read_text()
    ]
    assert sorted(owners) == ["app/clock.py", "app/export/captions.py"]  # captions: SRT stamps


def test_one_folder_fsync() -> None:
    owners = [
        p.relative_to(REPO).as_posix()
        for p in (REPO / "app").rglob("*.py")
        if "os.O_RDONLY)" in p.read_text() and "os.fsync(fd)" in p.read_text()
        and "def fsync_folder" in p.read_text()
    ]  # fmt: skip
    assert owners == ["app/atomic.py"]


@pytest.mark.slow
def test_delete_during_a_transcription_is_said_clearly(services: Services, testdata: Path) -> None:
    interview = services.new_interview("Gone soon", interviewer="Sam", interviewee="Priya")
    services.import_audio(interview.id, testdata / "jfk.wav")
    deleted = threading.Event()

    def progress(fraction: float) -> None:
        if fraction > 0.2 and not deleted.is_set():
            deleted.set()
            other = AppContext.open(services.paths)  # another window or command
            try:
                Services(other).delete_interview(interview.id)
            finally:
                other.close()

    with pytest.raises(NotFound, match="deleted while it was being transcribed"):
        services.transcribe(interview.id, on_progress=progress)
    assert deleted.is_set()
    assert not services.interview_exists(interview.id)
    assert services.transcript(interview.id) is None
