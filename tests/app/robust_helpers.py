"""Shared helpers for the robustness tests: a stored interview, real mounts, the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pytest

from app.cli import main
from app.context import AppContext
from app.models import Segment, Transcript
from app.paths import HOME_ENV, Paths
from app.services import Services

REPO = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_user_error(code: int, err: str, *words: str) -> None:
    assert code == 2, (code, err)
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines[-2].startswith("Error: ") and lines[-1].startswith("Hint: "), err
    for word in words:
        assert word.lower() in err.lower(), (word, err)


def cli(home: Path, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """The installed command in a child process, as a user runs it."""
    env = {**os.environ, HOME_ENV: str(home), "PYTHONPATH": str(REPO)}
    return subprocess.run(  # type: ignore[call-overload]
        [sys.executable, "-m", "app.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


def stored_interview(home: Path, wav: Path, *, title: str = "Switches") -> int:
    """An interview with both consents, one imported take and a transcript, made through the
    services and the real store (no engine needed)."""
    ctx = AppContext.open(Paths.from_env({HOME_ENV: str(home)}))
    try:
        services = Services(ctx)
        interview = services.new_interview(title, interviewer="Sam", interviewee="Priya")
        for role in ("interviewer", "interviewee"):
            services.give_consent(interview.id, role, ["record", "publish-text"])
        recording = services.import_audio(interview.id, wav)
        ctx.store.save_transcript(
            Transcript(
                interview_id=interview.id,
                recording_id=recording.id,
                engine="truth",
                model="none",
                language="en",
                created_at=datetime.now(timezone.utc),
                segments=[
                    Segment(0.0, 2.0, "What do you do?", speaker="Sam", recording_id=recording.id),
                    Segment(2.0, 5.0, "I make music.", speaker="Priya", recording_id=recording.id),
                ],
            )
        )
        return interview.id
    finally:
        ctx.close()


def _mount(*args: str) -> None:
    result = subprocess.run(["mount", *args], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount here (needs root): {result.stderr.strip()}")


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True)


@contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A small real file system, to fill up for full-disk tests."""
    path.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path))
    try:
        yield path
    finally:
        _umount(path)


@contextmanager
def read_only_view(source: Path, view: Path) -> Iterator[Path]:
    """``source`` seen through a read-only bind mount: root cannot write there either."""
    view.mkdir(parents=True, exist_ok=True)
    _mount("--bind", str(source), str(view))
    try:
        _mount("-o", "remount,ro,bind", str(view))
        yield view
    finally:
        _umount(view)


def fill(folder: Path) -> None:
    """Write until the disk is full, to the last few bytes."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        for size in (1 << 16, 4096, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                continue
    finally:
        os.close(fd)
