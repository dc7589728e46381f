"""Live transcription for real: speech played into a PulseAudio null sink, recorded by the
real CLI with the real engine, transcribed while it is recorded."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from app.store import live_transcripts
from app.wer import word_error_rate
from tests.app.audio_fixtures import PulseSink, pulse_sink_fixture  # noqa: F401
from tests.app.cli_run import run_cli
from tests.app.test_recording_real import (
    CliRun,
    cli_env,
    new_interview,
    open_ctx,
    open_ctx_without_recovery,
)
from tests.conftest import TESTDATA

pytestmark = pytest.mark.slow


def speech_take(folder: Path) -> tuple[Path, str]:
    """Over a minute of real and scripted speech back to back, and what is said in it."""
    truth = json.loads((TESTDATA / "buddy-interview.truth.json").read_text())
    interview, rate = soundfile.read(TESTDATA / "buddy-interview.wav", dtype="float32")
    jfk, _ = soundfile.read(TESTDATA / "jfk.wav", dtype="float32")
    gap = np.zeros(rate, np.float32)
    path = folder / "speech.wav"
    soundfile.write(path, np.concatenate([interview, gap, jfk, gap]), rate)
    text = " ".join(t["text"] for t in truth["turns"]) + " " + (TESTDATA / "jfk.txt").read_text()
    return path, text


def cli(env: dict[str, str], *args: str) -> str:
    return run_cli(env, *args).stdout


def spoken(export: str, names: tuple[str, ...] = ("Ada:", "Grace:")) -> str:
    lines = [line for line in export.splitlines() if line.startswith(names)]
    return " ".join(line.split(":", 1)[1] for line in lines)


def test_record_leaves_a_transcript_as_good_as_transcribing_afterwards(
    pulse_sink: PulseSink, app_home: Path, tmp_path: Path
) -> None:
    source, reference = speech_take(tmp_path)
    seconds = soundfile.info(str(source)).duration
    assert seconds >= 60
    interview = new_interview(app_home, ["What have you been working on?"])
    env = cli_env(pulse_sink, app_home)
    for role in ("interviewer", "interviewee"):
        cli(env, "consent", str(interview), "--participant", role, "--scope", "publish-text")
    run = CliRun(["record", str(interview)], env, stdin=subprocess.DEVNULL)
    run.wait_for("Recording to")
    player = pulse_sink.play(source)
    # Lines arrive while the take is still being recorded.
    first_line = run.wait_for("] ", timeout=120)
    assert player.poll() is None, "no live line before the speech ended"
    assert player.wait(timeout=300) == 0
    time.sleep(0.5)
    run.proc.send_signal(signal.SIGINT)
    assert run.finish(timeout=600) == 0, run.text()
    output = run.text()
    assert "Transcript ready" in output, output
    assert "Transcribing the whole take" not in output, output
    print(output[-600:])
    print(f"first live line {first_line:.1f}")

    live_text = spoken(cli(env, "export", str(interview), "--format", "txt", "--out", "-"))
    live_wer = word_error_rate(reference, live_text)
    ctx = open_ctx(app_home)
    try:
        (take,) = ctx.store.recordings(interview)
        state = live_transcripts.state(ctx.store, take.id)
    finally:
        ctx.close()
    assert state is not None and state.state == live_transcripts.COMPLETE

    cli(env, "transcribe", str(interview), "--from-audio")
    full_text = spoken(cli(env, "export", str(interview), "--format", "txt", "--out", "-"))
    full_wer = word_error_rate(reference, full_text)
    print(f"WER live {live_wer:.1%}, transcribed afterwards {full_wer:.1%}")
    assert live_wer <= full_wer + 0.02
    assert live_wer <= 0.15


def test_kill_9_mid_take_keeps_audio_and_transcript_so_far(
    pulse_sink: PulseSink, app_home: Path, tmp_path: Path
) -> None:
    source, _ = speech_take(tmp_path)
    interview = new_interview(app_home, ["One?", "Two?"])
    env = cli_env(pulse_sink, app_home)
    run = CliRun(["record", str(interview)], env, stdin=subprocess.DEVNULL)
    run.wait_for("Recording to")
    player = pulse_sink.play(source)
    # Captions are printed; wait until some of the transcript is stored too, then kill.
    run.wait_for("] ", timeout=180)
    deadline = time.monotonic() + 180
    while not stored_lines(app_home):
        assert time.monotonic() < deadline, run.text()
        time.sleep(0.5)
    time.sleep(3.0)  # mid-speech, some way into the next chunk
    run.proc.send_signal(signal.SIGKILL)
    run.proc.wait(timeout=10)
    player.kill()
    player.wait()

    ctx = open_ctx_without_recovery(app_home)
    try:
        (take,) = ctx.store.recordings(interview)
        assert take.status == "recording"
        before = live_transcripts.segments(ctx.store, take.id)
    finally:
        ctx.close()
    assert before, "no live segments were stored before the kill"

    recover = CliRun(["recover"], env, stdin=subprocess.DEVNULL)
    assert recover.finish() == 0, recover.text()
    assert "live transcript" in recover.text(), recover.text()

    ctx = open_ctx_without_recovery(app_home)
    try:
        take = ctx.store.recording(take.id)
        transcript = ctx.store.transcript(interview)
        path = ctx.audio_path(take.path)
    finally:
        ctx.close()
    assert take.status == "recovered"
    assert transcript is not None
    # The same words, split by question and speaker as any transcript is, on the take.
    assert _words(transcript.segments) == _words(before)
    assert all(s.recording_id == take.id for s in transcript.segments)
    assert transcript.segments[-1].end <= take.duration_s + 0.1  # no text past the audio
    # The text agrees with the audio it covers: transcribe that stretch of the file afresh.
    from app.audio.decode import load_audio
    from app.transcription import load_engine

    audio, rate = load_audio(path), 16000
    covered = audio[: int(transcript.segments[-1].end * rate) + rate // 2]
    fresh = load_engine("faster-whisper").transcribe(covered, language="en")
    kept_text = " ".join(s.text for s in transcript.segments)
    agreement = word_error_rate(" ".join(s.text for s in fresh), kept_text)
    print(
        f"kept {len(before)} live lines up to {transcript.segments[-1].end:.1f} s of "
        f"{take.duration_s:.1f} s; differs from a fresh run by {agreement:.1%}"
    )
    assert agreement <= 0.15
    assert "transcribe the interview again" in take.message


def _words(segments) -> list[str]:
    return " ".join(s.text for s in segments).split()


def stored_lines(home: Path) -> int:
    ctx = open_ctx_without_recovery(home)
    try:
        return ctx.store.db["live_segments"].count
    finally:
        ctx.close()


@pytest.fixture
def app_home(tmp_path: Path) -> Path:
    return tmp_path / "buddy"
