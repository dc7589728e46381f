"""A remote interview recorded for real: two PulseAudio null sinks, one as this laptop's
microphone (its monitor is the default source), one as the call (the default sink, whose
loopback the recorder captures), the real CLI in a subprocess.
"""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from app.audio.decode import load_audio
from app.context import AppContext
from app.models import Interview
from tests.app.audio_fixtures import (  # noqa: F401
    CALL_SINK,
    MIC_SINK,
    PulseSink,
    best_match,
    piece_matches,
    pulse_call_fixture,
)
from tests.app.test_recording_real import CliRun, cli_env, open_ctx
from tests.conftest import REPO, TESTDATA

pytestmark = pytest.mark.slow

#: The laptop's person and the call's person say different things.
HERE_SPEECH = "librivox-0870.wav"  # 7 s
CALL_SPEECH = "jfk.wav"  # 11 s


def call_interview(home: Path, *, here: str = "interviewer") -> int:
    ctx = open_ctx(home)
    try:
        interview = ctx.store.create_interview(
            "Over a call",
            interviewer="Ada",
            interviewee="Grace",
            questions=["Ask not"],
            on_call=True,
            here_role=here,
        )
        _agree_to_record(ctx, interview)
        return interview.id
    finally:
        ctx.close()


def _agree_to_record(ctx: AppContext, interview: Interview) -> None:
    """The record command asks for both people's record consent first."""
    for person in interview.participants:
        assert person.id is not None
        ctx.store.record_consent(interview.id, person.id, ["record"])


def read_take(home: Path, interview: int) -> tuple[object, np.ndarray, int]:
    ctx: AppContext = open_ctx(home)
    try:
        (take,) = ctx.store.recordings(interview)
        samples, rate = soundfile.read(ctx.audio_path(take.path), dtype="float32", always_2d=True)
    finally:
        ctx.close()
    return take, samples, rate


def source(name: str, rate: int) -> np.ndarray:
    """The played file at the take's rate (the sound server resamples to the device's)."""
    return load_audio(TESTDATA / name, sample_rate=rate)


def test_both_sides_of_a_call_record_into_their_own_channels(
    pulse_call: PulseSink, tmp_path: Path
) -> None:
    home = tmp_path / "buddy"
    interview = call_interview(home, here="interviewee")
    run = CliRun(
        ["record", str(interview), "--seconds", "15"],
        cli_env(pulse_call, home),
        stdin=subprocess.DEVNULL,
    )
    run.wait_for("Recording to")
    run.wait_for("On a call")
    here = pulse_call.play(TESTDATA / HERE_SPEECH, sink=MIC_SINK)
    call = pulse_call.play(TESTDATA / CALL_SPEECH, sink=CALL_SINK)
    for player in (here, call):
        assert player.wait(timeout=60) == 0, player.stderr.read() if player.stderr else ""
    assert run.finish() == 0, run.text()

    take, samples, rate = read_take(home, interview)
    assert take.status == "complete", take.message
    assert take.message == ""
    assert samples.shape[1] == 2 and take.channels == 2
    # The person at this laptop is the interviewee here: channel 0 is theirs.
    assert take.channel_roles == ["interviewee", "interviewer"]
    mic, line = samples[:, 0], samples[:, 1]
    here_src, call_src = source(HERE_SPEECH, rate), source(CALL_SPEECH, rate)
    mic_match, mic_lag = best_match(mic, here_src)
    call_match, call_lag = best_match(line, call_src)
    # Second by second: each channel holds its own speech and none of the other's.
    mic_pieces, call_pieces = (
        piece_matches(mic, here_src, rate),
        piece_matches(line, call_src, rate),
    )
    mic_cross = np.abs(piece_matches(mic, call_src, rate))
    call_cross = np.abs(piece_matches(line, here_src, rate))
    print(
        f"channel match (whole / median of seconds / worst second): microphone {mic_match:.3f}"
        f" / {np.median(mic_pieces):.3f} / {mic_pieces.min():.3f}, call {call_match:.3f} / "
        f"{np.median(call_pieces):.3f} / {call_pieces.min():.3f}; crosstalk (median, worst): "
        f"call speech in the microphone {np.median(mic_cross):.3f}, {mic_cross.max():.3f}; "
        f"microphone speech in the call {np.median(call_cross):.3f}, {call_cross.max():.3f}"
    )
    assert np.median(mic_pieces) > 0.95 and np.median(call_pieces) > 0.95
    assert np.median(mic_cross) < 0.2 and np.median(call_cross) < 0.2
    # Each voice is whole: it starts after the take began and ends inside it.
    assert mic_lag + len(here_src) <= len(mic) and call_lag + len(call_src) <= len(line)


def test_one_sound_heard_by_both_streams_lines_up_in_both_channels(
    pulse_call: PulseSink, tmp_path: Path
) -> None:
    """One stereo sink is both sides: the microphone is a source remapped from its left
    channel, the call its monitor (mixed down). Speech played on the left then reaches both
    streams at the same moment, so where it sits in each channel is the recorder's alignment
    error between its two streams (one clock here; real devices add their own drift)."""
    stereo = "stereo"
    modules = [
        pulse_call.pactl(
            "load-module", "module-null-sink", f"sink_name={stereo}", "rate=16000", "channels=2"
        ),
        pulse_call.pactl(
            "load-module",
            "module-remap-source",
            "source_name=left",
            f"master={stereo}.monitor",
            "channels=1",
            "master_channel_map=front-left",
            "channel_map=mono",
        ),
    ]
    pulse_call.pactl("set-default-source", "left")
    pulse_call.pactl("set-default-sink", stereo)
    reader = subprocess.Popen(
        ["parec", "-d", f"{stereo}.monitor", "--latency-msec=10"],
        env=pulse_call.env,
        stdout=subprocess.DEVNULL,
    )
    speech_rate = 16000
    left = source(CALL_SPEECH, speech_rate)
    played = tmp_path / "left.wav"
    soundfile.write(played, np.column_stack([left, np.zeros_like(left)]), speech_rate)
    home = tmp_path / "buddy"
    interview = call_interview(home)
    try:
        time.sleep(2.5)  # the new sink's first 2-second block, before anything counts
        run = CliRun(
            ["record", str(interview), "--seconds", "14"],
            cli_env(pulse_call, home),
            stdin=subprocess.DEVNULL,
        )
        run.wait_for("On a call")
        time.sleep(1.0)
        player = pulse_call.play(played, sink=stereo)
        assert player.wait(timeout=60) == 0, player.stderr.read() if player.stderr else ""
        assert run.finish() == 0, run.text()
    finally:
        reader.terminate()
        reader.wait()
        for module in reversed(modules):
            pulse_call.pactl("unload-module", module)
    _take, samples, rate = read_take(home, interview)
    speech = source(CALL_SPEECH, rate)
    offsets, matches = [], []
    for start in range(0, len(speech) - rate, rate):
        piece = speech[start : start + rate]
        mic_match, mic_lag = best_match(samples[:, 0], piece)
        call_match, call_lag = best_match(samples[:, 1], piece)
        matches.append(min(mic_match, call_match))
        if min(mic_match, call_match) > 0.9:
            offsets.append((call_lag - mic_lag) / rate * 1000)
    print(
        f"one sound in both streams: {len(offsets)} of {len(matches)} seconds matched in both; "
        f"call minus microphone: median {np.median(offsets):+.2f} ms, "
        f"range {min(offsets):+.2f} to {max(offsets):+.2f} ms"
    )
    assert len(offsets) >= len(matches) * 0.7
    # Attribution by channel compares energy per word (hundreds of ms): tens of ms are fine.
    assert abs(np.median(offsets)) < 40


def test_a_call_device_that_vanishes_mid_take_never_records_the_microphone_twice(
    pulse_call: PulseSink, tmp_path: Path
) -> None:
    home = tmp_path / "buddy"
    interview = call_interview(home)
    run = CliRun(
        ["record", str(interview), "--seconds", "14"],
        cli_env(pulse_call, home),
        stdin=subprocess.DEVNULL,
    )
    started = run.wait_for("On a call")
    call = pulse_call.play(TESTDATA / HERE_SPEECH, sink=CALL_SINK)
    time.sleep(max(0.0, started + 3.0 - time.monotonic()))
    # The microphone's person speaks through (and after) the moment the call's device goes.
    here = pulse_call.play(TESTDATA / CALL_SPEECH, sink=MIC_SINK)
    time.sleep(1.0)
    gone = time.monotonic()
    pulse_call.unload(CALL_SINK)  # the headset the call played into is unplugged
    noticed = run.wait_for("call's sound stopped", timeout=30)
    assert here.wait(timeout=60) == 0
    call.wait(timeout=10)
    assert run.finish() == 0, run.text()  # the take went on to its end
    print(f"the call channel's loss was reported {noticed - gone:.2f} s after it happened")

    take, samples, rate = read_take(home, interview)
    assert take.status == "complete"
    assert "call's sound stopped" in take.message
    (lost,) = [m for m in take.markers if m.kind == "call-lost"]
    mic, line = samples[:, 0], samples[:, 1]
    cut = round(lost.time_s * rate)
    # After the marker the call channel is silence, while the microphone goes on speaking.
    assert np.all(line[cut:] == 0.0)
    assert np.sqrt(np.mean(mic[cut:] ** 2)) > 0.01
    # And before it, the call channel never held the microphone's speech.
    mic_speech = source(CALL_SPEECH, rate)
    in_call, _ = best_match(line, mic_speech)
    in_mic, _ = best_match(mic, mic_speech)
    print(f"microphone speech: in the microphone {in_mic:.3f}, in the call {abs(in_call):.3f}")
    assert in_mic > 0.95 and abs(in_call) < 0.2
    assert lost.time_s < 14.0


def test_kill_9_during_a_call_take_keeps_both_channels(
    pulse_call: PulseSink, tmp_path: Path
) -> None:
    home = tmp_path / "buddy"
    interview = call_interview(home)
    env = cli_env(pulse_call, home)
    run = CliRun(["record", str(interview)], env, stdin=subprocess.PIPE)
    started = run.wait_for("On a call")
    here = pulse_call.play(TESTDATA / HERE_SPEECH, sink=MIC_SINK)
    call = pulse_call.play(TESTDATA / CALL_SPEECH, sink=CALL_SINK)
    time.sleep(max(0.0, started + 5.0 - time.monotonic()))
    killed = time.monotonic()
    run.proc.send_signal(signal.SIGKILL)
    run.proc.wait(timeout=10)
    for player in (here, call):
        player.kill()
        player.wait()

    recover = CliRun(["recover"], env, stdin=subprocess.DEVNULL)
    assert recover.finish() == 0, recover.text()
    assert "recovered" in recover.text()
    take, samples, rate = read_take(home, interview)
    kept = len(samples) / rate
    print(f"kill -9 of a call take after {killed - started:.2f} s: {kept:.2f} s of 2 channels kept")
    assert take.status == "recovered" and take.channels == 2
    assert take.channel_roles == ["interviewer", "interviewee"]
    assert killed - started - kept <= 1.0
    # Both voices are in what was kept, each in its own channel.
    head = slice(int(1.0 * rate), len(samples))
    for channel in (0, 1):
        assert np.sqrt(np.mean(samples[head, channel] ** 2)) > 0.01


def test_a_real_conversation_over_the_call_is_attributed_by_channel(
    pulse_call: PulseSink, tmp_path: Path
) -> None:
    """conversation-remote.wav played for real: its first channel (the interviewer's
    microphone, the interviewee leaking in at -16 dB) into the microphone sink, its second (the
    call) into the call sink; recorded, transcribed, named by channel, scored from the VTT."""
    from app.services import Services
    from tests.speaker_scoring import speech_time_score, vtt_cues

    truth = json.loads((TESTDATA / "conversation-remote.truth.json").read_text())
    both, rate = soundfile.read(TESTDATA / "conversation-remote.wav", dtype="float32")
    sides = {}
    for channel, name in ((0, "here"), (1, "call")):
        sides[name] = tmp_path / f"{name}.wav"
        soundfile.write(sides[name], both[:, channel], rate)
    home = tmp_path / "buddy"
    ctx = open_ctx(home)
    try:
        made = ctx.store.create_interview(
            "Over a call",
            interviewer=truth["interviewer"]["name"],
            interviewee=truth["interviewee"]["name"],
            on_call=True,
            here_role="interviewer",
        )
        _agree_to_record(ctx, made)
        interview = made.id
    finally:
        ctx.close()
    seconds = len(both) / rate + 4.0
    run = CliRun(
        ["record", str(interview), "--seconds", f"{seconds:.0f}"],
        cli_env(pulse_call, home),
        stdin=subprocess.DEVNULL,
    )
    run.wait_for("On a call")
    players = [
        pulse_call.play(sides["here"], sink=MIC_SINK),
        pulse_call.play(sides["call"], sink=CALL_SINK),
    ]
    for player in players:
        assert player.wait(timeout=180) == 0, player.stderr.read() if player.stderr else ""
    assert run.finish(timeout=120) == 0, run.text()

    take, samples, take_rate = read_take(home, interview)
    assert take.channel_roles == ["interviewer", "interviewee"]
    # Where the conversation begins in the take: the truth's times move by as much.
    _, lag = best_match(samples[: take_rate * 20, 0], source_piece(sides["here"], take_rate))
    start = lag / take_rate
    ctx = open_ctx(home)
    try:
        services = Services(ctx)
        services.transcribe(interview)
        vtt = services.render(interview, "vtt")
    finally:
        ctx.close()
    shifted = {
        **truth,
        "turns": [
            {**turn, "start": turn["start"] + start, "end": turn["end"] + start}
            for turn in truth["turns"]
        ],
    }
    score = speech_time_score(vtt_cues(vtt), shifted)
    print(
        f"recorded call, attributed by channel: {score.accuracy:.2%} of covered speech time "
        f"right ({score.strict_accuracy:.2%} of all speech); the conversation began at "
        f"{start:.2f} s"
    )
    assert score.accuracy >= 0.98  # 99.5% measured


def source_piece(path: Path, rate: int) -> np.ndarray:
    """The first 10 s of a played file at the take's rate: enough to find where it sits."""
    return load_audio(path, sample_rate=rate)[: rate * 10]


#: Records a call take whose loopback is opened the plain way (no DONT_MOVE): the stream the
#: server moves onto the microphone when the call's sink goes, which the copy guard must catch.
MOVABLE_LOOPBACK_TAKE = """
import sys, time
import soundcard as sc
from app.audio.call_capture import Loopback
from app.audio.recorder import Recorder
from app.context import AppContext
from app.paths import Paths

home, interview, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
speaker = sc.default_speaker()
source = sc.get_microphone(speaker.id + ".monitor", include_loopback=True)

def movable() -> Loopback:
    return Loopback(
        name=speaker.name,
        open=lambda rate, blocksize: source.recorder(
            samplerate=rate, channels=1, blocksize=blocksize
        ),
    )

ctx = AppContext.open(Paths.from_env({"BUDDY_INTERVIEWS_HOME": home}))
recorder = Recorder(
    ctx.store, ctx.paths, interview, loopback=movable,
    on_notice=lambda kind, message: print(kind, message, flush=True),
)
recorder.start()
print("On a call:", recorder.on_call, flush=True)
time.sleep(seconds)
result = recorder.stop()
print("Recorded", result.status, flush=True)
ctx.close()
"""


def test_a_call_stream_moved_onto_the_microphone_is_caught_by_its_content(
    pulse_call: PulseSink, tmp_path: Path
) -> None:
    home = tmp_path / "buddy"
    interview = call_interview(home)
    run = RawRun(
        ["-c", MOVABLE_LOOPBACK_TAKE, str(home), str(interview), "16"],
        cli_env(pulse_call, home),
    )
    started = run.wait_for("On a call: True")
    here = pulse_call.play(TESTDATA / CALL_SPEECH, sink=MIC_SINK)
    time.sleep(max(0.0, started + 2.0 - time.monotonic()))
    gone = time.monotonic()
    pulse_call.unload(CALL_SINK)  # the server moves the loopback onto the microphone
    noticed = run.wait_for("call's sound stopped", timeout=30)
    assert here.wait(timeout=60) == 0
    assert run.finish() == 0, run.text()
    print(f"the moved stream was caught {noticed - gone:.2f} s after the sink vanished")

    take, samples, rate = read_take(home, interview)
    assert "call's sound stopped" in take.message
    (lost,) = [m for m in take.markers if m.kind == "call-lost"]
    # The marker is where the copying began (the file keeps the copy until it was caught,
    # at most two 2-second windows later; silence after that).
    unplugged_at = gone - started
    print(f"call-lost marked at {lost.time_s:.2f} s; the sink vanished about {unplugged_at:.2f} s")
    assert lost.time_s <= unplugged_at + 2.5
    caught_at = lost.time_s + 4.5
    assert np.all(samples[int(caught_at * rate) :, 1] == 0.0)
    # Before the sink vanished the call channel held the call (silence here), not the speech.
    before = samples[: int((unplugged_at - 0.5) * rate), 1]
    assert np.sqrt(np.mean(before**2)) < 1e-3


class RawRun(CliRun):
    """``python ARGS`` (not the CLI) in the background, its output stamped as it arrives."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, *args],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines = queue.SimpleQueue()
        self.seen = []
        for name, pipe in (("out", self.proc.stdout), ("err", self.proc.stderr)):
            threading.Thread(target=self._pump, args=(name, pipe), daemon=True).start()


CALL_CHECK = """
import time
from app.audio.call_capture import CallLevelMonitor

monitor = CallLevelMonitor()
print("Checking", monitor.start(), flush=True)
deadline = time.monotonic() + 20
loudest = -120.0
while time.monotonic() < deadline:
    loudest = max(loudest, monitor.level.rms_db)
    if loudest > -30:
        break
    time.sleep(0.05)
monitor.stop()
print(f"Loudest {loudest:.1f}", flush=True)
"""


def test_the_check_hears_the_calls_sound_before_recording(
    pulse_call: PulseSink, tmp_path: Path
) -> None:
    # (An argument after -c: soundcard names its client after sys.argv[1] then.)
    run = RawRun(["-c", CALL_CHECK, "check"], cli_env(pulse_call, tmp_path / "buddy"))
    run.wait_for("Checking")
    player = pulse_call.play(TESTDATA / CALL_SPEECH, sink=CALL_SINK)
    assert run.finish() == 0, run.text()
    player.kill()
    player.wait()
    loudest = float(run.text().split("Loudest ")[1].split()[0])
    print(f"the check heard the call at {loudest:.1f} dBFS")
    assert loudest > -30
