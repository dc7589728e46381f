"""The real thing: the real InputStream through a PulseAudio null sink, the real CLI in a
subprocess, real kills, real full disks.

sounddevice must be imported with the private PulseAudio's environment, so every recording
runs in a subprocess (``python -m app.cli record ...``) started with ``pulse_sink.env``.
"""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import soundfile

from app.audio.recorder import Recorder
from app.context import AppContext
from app.paths import HOME_ENV, Paths
from tests.app.audio_fixtures import (  # noqa: F401
    FakeStreamFactory,
    PulseSink,
    fake_device,
    pulse_sink_fixture,
)
from tests.app.cli_run import run_cli
from tests.conftest import REPO, TESTDATA

pytestmark = pytest.mark.slow

START_TIMEOUT_S = 30.0


class CliRun:
    """``python -m app.cli ...`` in the background, its output lines stamped as they arrive."""

    def __init__(self, args: list[str], env: dict[str, str], *, stdin: int | None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", *args],
            cwd=REPO,
            env=env,
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.SimpleQueue[tuple[float, str, str]] = queue.SimpleQueue()
        self.seen: list[tuple[float, str, str]] = []
        for name, pipe in (("out", self.proc.stdout), ("err", self.proc.stderr)):
            threading.Thread(target=self._pump, args=(name, pipe), daemon=True).start()

    def _pump(self, name: str, pipe: object) -> None:
        for line in pipe:  # type: ignore[attr-defined]
            self.lines.put((time.monotonic(), name, line.rstrip("\n")))

    def wait_for(self, text: str, timeout: float = START_TIMEOUT_S) -> float:
        """When a line containing ``text`` was printed (monotonic clock)."""
        deadline = time.monotonic() + timeout
        for stamp, _, line in self.seen:
            if text in line:
                return stamp
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or (self.proc.poll() is not None and self.lines.empty()):
                raise AssertionError(f"never printed {text!r}; output: {self.text()}")
            try:
                entry = self.lines.get(timeout=min(remaining, 0.2))
            except queue.Empty:
                continue
            self.seen.append(entry)
            if text in entry[2]:
                return entry[0]

    def finish(self, timeout: float = 60.0) -> int:
        code = self.proc.wait(timeout=timeout)
        time.sleep(0.1)  # let the pumps drain
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return code

    def text(self) -> str:
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return "\n".join(f"[{name}] {line}" for _, name, line in self.seen)


@pytest.fixture
def app_home(tmp_path: Path) -> Path:
    return tmp_path / "buddy"


def open_ctx(home: Path) -> AppContext:
    return AppContext.open(Paths.from_env({HOME_ENV: str(home)}))


def new_interview(home: Path, questions: list[str]) -> int:
    ctx = open_ctx(home)
    try:
        interview = ctx.store.create_interview(
            "Real recording", interviewer="Ada", interviewee="Grace", questions=questions
        )
        for person in interview.participants:  # the record command asks for consent
            assert person.id is not None
            ctx.store.record_consent(interview.id, person.id, ["record"])
        return interview.id
    finally:
        ctx.close()


def cli_env(sink: PulseSink, home: Path) -> dict[str, str]:
    return {**sink.env, HOME_ENV: str(home), "PYTHONPATH": str(REPO)}


def transcribe_and_export(env: dict[str, str], interview: int) -> str:
    """The recorded take goes through the same commands as imported audio."""

    def cli(*args: str) -> str:
        return run_cli(env, *args).stdout

    cli("transcribe", str(interview))
    for role in ("interviewer", "interviewee"):
        cli("consent", str(interview), "--participant", role, "--scope", "publish-text")
    return cli("export", str(interview), "--format", "txt", "--out", "-")


def test_a_real_take_of_speech_transcribes_back(pulse_sink: PulseSink, app_home: Path) -> None:
    from app.wer import word_error_rate

    interview = new_interview(app_home, ["Ask not"])
    run = CliRun(
        ["record", str(interview), "--seconds", "14"],
        cli_env(pulse_sink, app_home),
        stdin=subprocess.DEVNULL,
    )
    run.wait_for("Recording to")
    player = pulse_sink.play(TESTDATA / "jfk.wav")
    assert player.wait(timeout=60) == 0, player.stderr.read() if player.stderr else ""
    assert run.finish() == 0, run.text()
    assert "Recorded 0:1" in run.text()

    ctx = open_ctx(app_home)
    try:
        (take,) = ctx.store.recordings(interview)
        path = ctx.audio_path(take.path)
        assert take.status == "complete"
        # record transcribes the take (live) before it returns.
        assert ctx.store.interview(interview).status == "transcribed"
    finally:
        ctx.close()
    info = soundfile.info(str(path))
    assert (info.channels, info.subtype) == (1, "PCM_16")
    assert take.duration_s == pytest.approx(info.frames / info.samplerate)
    assert take.duration_s > 11.0  # all of the 11 s speech

    text = transcribe_and_export(cli_env(pulse_sink, app_home), interview)
    # Keep only what the interviewee said: the export also holds the title and the question.
    text = " ".join(
        line.removeprefix("Grace:") for line in text.splitlines() if line.startswith("Grace:")
    )
    reference = (TESTDATA / "jfk.txt").read_text()
    wer = word_error_rate(reference, text)
    print(f"recorded {take.duration_s:.2f} s at {info.samplerate} Hz; WER {wer:.1%}: {text!r}")
    assert wer <= 0.10


def test_kill_9_loses_at_most_a_second_and_recover_repairs_the_take(
    pulse_sink: PulseSink, app_home: Path
) -> None:
    questions = ["One?", "Two?", "Three?", "Four?"]
    interview = new_interview(app_home, questions)
    env = cli_env(pulse_sink, app_home)
    run = CliRun(["record", str(interview)], env, stdin=subprocess.PIPE)
    started = run.wait_for("Recording to")
    player = pulse_sink.play(TESTDATA / "jfk.wav")
    assert run.proc.stdin is not None
    for n in (1, 2, 3):  # Enter three times: questions 2, 3 and 4
        time.sleep(max(0.0, started + n - time.monotonic()))
        run.proc.stdin.write("\n")
        run.proc.stdin.flush()
        run.wait_for(f"Question {n + 1}/4")
    time.sleep(max(0.0, started + 5.0 - time.monotonic()))
    killed = time.monotonic()
    run.proc.send_signal(signal.SIGKILL)
    run.proc.wait(timeout=10)
    player.kill()
    player.wait()
    elapsed = killed - started

    ctx = open_ctx_without_recovery(app_home)
    try:
        (take,) = ctx.store.recordings(interview)
        assert take.status == "recording"  # it really was cut off
    finally:
        ctx.close()

    recover = CliRun(["recover"], env, stdin=subprocess.DEVNULL)
    assert recover.finish() == 0, recover.text()
    assert "recovered" in recover.text()

    ctx = open_ctx_without_recovery(app_home)
    try:
        take = ctx.store.recording(take.id)
        path = ctx.audio_path(take.path)
    finally:
        ctx.close()
    samples, rate = soundfile.read(path, dtype="float32")
    kept = len(samples) / rate
    lost = elapsed - kept
    print(f"kill -9 after {elapsed:.2f} s of recording: {kept:.2f} s kept, {lost:.2f} s lost")
    assert take.status == "recovered"
    assert "Recovered" in take.message
    assert take.duration_s == pytest.approx(kept)
    assert lost <= 1.0
    assert kept <= elapsed + 0.5  # and no invented audio
    # Speech from the sink is in the take (jfk.wav starts speaking within a second or so).
    speech = samples[int(2.5 * rate) : int(kept * rate)]
    assert 20 * np.log10(np.sqrt(np.mean(speech**2)) + 1e-12) > -40
    questions_marked = [m for m in take.markers if m.kind == "question"]
    assert [m.question_index for m in questions_marked] == [0, 1, 2, 3]
    times = [m.time_s for m in questions_marked]
    assert times == sorted(times) and times[-1] < kept

    again = CliRun(["recover"], env, stdin=subprocess.DEVNULL)
    assert again.finish() == 0
    assert "No interrupted takes" in again.text()


def open_ctx_without_recovery(home: Path) -> AppContext:
    return AppContext.open(Paths.from_env({HOME_ENV: str(home)}), recover=False)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_and_sigterm_finish_the_take_cleanly(
    pulse_sink: PulseSink, app_home: Path, signum: int
) -> None:
    interview = new_interview(app_home, ["Only question"])
    run = CliRun(["record", str(interview)], cli_env(pulse_sink, app_home), stdin=subprocess.PIPE)
    started = run.wait_for("Recording to")
    player = pulse_sink.play(TESTDATA / "jfk.wav")
    time.sleep(max(0.0, started + 2.0 - time.monotonic()))
    run.proc.send_signal(signum)
    code = run.finish()
    player.kill()
    player.wait()
    assert code == 0, run.text()
    assert "Recorded 0:0" in run.text()
    ctx = open_ctx(app_home)
    try:
        (take,) = ctx.store.recordings(interview)
        path = ctx.audio_path(take.path)
    finally:
        ctx.close()
    assert take.status == "complete"
    assert take.message == ""
    info = soundfile.info(str(path))
    assert take.duration_s == pytest.approx(info.frames / info.samplerate)
    assert take.duration_s > 1.5


def test_a_vanished_device_is_noticed_within_two_seconds(
    pulse_sink: PulseSink, app_home: Path
) -> None:
    interview = new_interview(app_home, [])
    run = CliRun(
        ["record", str(interview), "--seconds", "60"],
        cli_env(pulse_sink, app_home),
        stdin=subprocess.DEVNULL,
    )
    started = run.wait_for("Recording to")
    time.sleep(max(0.0, started + 2.0 - time.monotonic()))
    server = pulse_sink.processes[0]
    gone = time.monotonic()
    server.send_signal(signal.SIGKILL)  # the sound server dies: the input is gone for good
    noticed = run.wait_for("microphone stopped", timeout=30)
    code = run.finish()
    print(f"device loss noticed and the take closed {noticed - gone:.2f} s after it happened")
    assert code == 2, run.text()
    assert noticed - gone < 2.5
    ctx = open_ctx(app_home)
    try:
        (take,) = ctx.store.recordings(interview)
    finally:
        ctx.close()
    assert take.status == "stopped-early"
    assert "microphone stopped" in take.message
    assert soundfile.info(str(ctx.audio_path(take.path))).frames > 0


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_record_refuses_to_start_on_a_nearly_full_disk(
    pulse_sink: PulseSink, small_tmpfs: Path
) -> None:
    interview = new_interview(small_tmpfs, [])
    run = CliRun(
        ["record", str(interview), "--seconds", "3"],
        cli_env(pulse_sink, small_tmpfs),
        stdin=subprocess.DEVNULL,
    )
    code = run.finish()
    assert code == 2, run.text()
    assert "not enough for 30 minutes" in run.text()
    assert "Free some disk space" in run.text()
    ctx = open_ctx(small_tmpfs)
    try:
        assert ctx.store.recordings(interview) == []
        assert list(ctx.paths.audio.iterdir()) == []
    finally:
        ctx.close()


def test_a_disk_that_fills_mid_take_keeps_a_playable_file(tmp_path: Path) -> None:
    """The real writer on a real 2 MB file system; only the free-space check is told a lie."""
    home = tmp_path / "home"
    ctx = open_ctx(home)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(ctx.paths.audio)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        ctx.close()
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        interview = ctx.store.create_interview("Full", interviewer="A", interviewee="B").id
        rate = 16000
        index = np.arange(rate * 120)
        ramp = (((index % 65536) - 32768) / 32768).astype(np.float32)
        events: list[str] = []
        got = threading.Event()
        recorder = Recorder(
            ctx.store,
            ctx.paths,
            interview,
            device=fake_device(samplerate=rate),
            stream_factory=FakeStreamFactory(ramp, options={"speed": 100.0}),
            free_space=lambda folder: SimpleNamespace(free=10**12),
            on_event=lambda kind, message: (events.append(kind), got.set()),
        )
        recorder.start()
        assert got.wait(60), "the disk never filled"
        result = recorder.stop()
        assert events == ["disk-full"]
        assert result.status == "stopped-early"
        assert "disk filled up" in result.message
        samples, _ = soundfile.read(result.path, dtype="int16")
        assert len(samples) == result.frames > rate * 30  # ~2 MB of 16-bit mono
        steps = np.diff(samples.astype(np.int64) + 32768) % 65536
        assert np.all(steps == 1)  # everything written is there, in order
        row = ctx.store.recording(result.recording_id)
        assert row.status == "stopped-early"
        assert row.duration_s == pytest.approx(result.frames / rate)
        print(f"disk full after {result.duration_s:.1f} s; file closed with a correct header")
    finally:
        ctx.close()
        subprocess.run(["umount", "-l", str(home / "data" / "audio")], check=False)


def test_delete_while_recording_is_refused_and_the_take_kept(
    pulse_sink: PulseSink, app_home: Path
) -> None:
    """Deleting an interview while another process records it used to leave 'record' saying
    it saved a take that was gone; now the delete is refused until the take is stopped."""
    interview = new_interview(app_home, [])
    env = cli_env(pulse_sink, app_home)
    run = CliRun(["record", str(interview), "--seconds", "4"], env, stdin=subprocess.DEVNULL)
    run.wait_for("Recording to")
    deleting = subprocess.run(
        [sys.executable, "-m", "app.cli", "delete", str(interview), "--yes"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert deleting.returncode == 2, deleting.stdout + deleting.stderr
    assert "being recorded right now" in deleting.stderr and "Traceback" not in deleting.stderr
    assert run.finish() == 0, run.text()
    ctx = open_ctx(app_home)
    try:
        (take,) = ctx.store.recordings(interview)
        assert take.status == "complete" and ctx.audio_path(take.path).exists()
    finally:
        ctx.close()


def test_recording_again_says_it_adds_a_take(pulse_sink: PulseSink, app_home: Path) -> None:
    interview = new_interview(app_home, ["Ask not"])
    env = cli_env(pulse_sink, app_home)
    for number in (1, 2):
        run = CliRun(["record", str(interview), "--seconds", "2"], env, stdin=subprocess.DEVNULL)
        run.wait_for("Recording to")
        assert run.finish() == 0, run.text()
        added = "This adds take 2 to interview" in run.text()
        assert added == (number == 2), run.text()
    ctx = open_ctx(app_home)
    try:
        assert [t.status for t in ctx.store.recordings(interview)] == ["complete", "complete"]
    finally:
        ctx.close()
