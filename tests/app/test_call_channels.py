"""Two streams with separate clocks made into one two-channel take, and the recorder on a call
with a stand-in for the call's stream (the real one is in test_call_recording_real.py).

Each sample holds the moment it was captured, as a frame number on one shared time line, so a
written pair tells exactly how far apart the two channels are: ``call - microphone`` frames.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
import soundfile

from app.audio.call_capture import Loopback
from app.audio.channel_align import ChannelAligner, CopyGuard
from app.audio.recorder import Recorder
from app.context import AppContext
from app.errors import CallAudioUnavailable
from app.models import Segment
from tests.app.audio_fixtures import FakeStreamFactory, fake_device
from tests.conftest import TESTDATA

RATE = 16000
SPEED = 4.0  # the fake streams' pace: 4x real time


def simulate(
    aligner: ChannelAligner,
    *,
    seconds: float,
    call_start_s: float,
    call_ppm: float = 0.0,
    mic_block: int = 1024,
    call_block: int = 800,
    jitter_s: float = 0.02,
    keep: Any = lambda first: True,
    call_until_s: float | None = None,
    seed: int = 1,
) -> np.ndarray:
    """Feed both streams in arrival order; returns every written frame (frames x 2).

    Sample values are capture moments in microphone frames: microphone frame i holds i; call
    frame j, captured at ``call_start_s + j / (RATE * (1 + ppm))``, holds that moment.
    """
    rng = np.random.default_rng(seed)
    events = []
    for first in range(0, int(seconds * RATE), mic_block):
        end = first + mic_block
        block = np.arange(first, end, dtype=np.float64).reshape(-1, 1)
        arrival = end / RATE + rng.uniform(0, jitter_s)
        events.append((arrival, "mic", block, keep(first)))
    call_rate = RATE * (1 + call_ppm * 1e-6)
    last = seconds if call_until_s is None else call_until_s
    for first in range(0, int((last - call_start_s) * call_rate), call_block):
        index = np.arange(first, first + call_block)
        moments = (call_start_s + index / call_rate) * RATE
        arrival = call_start_s + (first + call_block) / call_rate + rng.uniform(0, jitter_s)
        events.append((arrival, "call", moments, None))
    events.sort(key=lambda e: e[0])
    out = []
    for arrival, kind, data, kept in events:
        if kind == "mic":
            out += aligner.push_mic(data, stamp=arrival, keep=kept)
        else:
            out += aligner.push_call(data, stamp=arrival)
    if call_until_s is not None:
        out += aligner.call_lost()
    out += aligner.flush()
    return np.concatenate(out).astype(np.float64)


def offsets_ms(written: np.ndarray) -> np.ndarray:
    """How far the call channel sits from the microphone, where the call has sound."""
    has_call = written[:, 1] != 0
    return (written[has_call, 1] - written[has_call, 0]) / RATE * 1000


def test_streams_that_start_apart_line_up() -> None:
    aligner = ChannelAligner(RATE)
    written = simulate(aligner, seconds=20, call_start_s=0.3)
    assert len(written) == len(range(0, 20 * RATE, 1024)) * 1024  # every frame, once
    assert np.all(np.diff(written[:, 0]) == 1)
    error = offsets_ms(written)
    print(f"offset error: median {np.median(error):.2f} ms, worst {np.abs(error).max():.2f} ms")
    assert np.abs(error).max() < 5.0
    # The call began 0.3 s late: its channel is silence until then, then continuous.
    assert np.all(written[: int(0.29 * RATE), 1] == 0)
    assert aligner.stats.held_frames == 0


def test_a_call_that_started_first_loses_only_what_came_before_the_take() -> None:
    aligner = ChannelAligner(RATE)
    written = simulate(aligner, seconds=10, call_start_s=-0.5)
    assert np.abs(offsets_ms(written)).max() < 5.0
    assert np.count_nonzero(written[:, 1] == 0) < RATE * 0.05
    assert aligner.stats.dropped_frames >= int(0.45 * RATE)


def test_drift_between_two_clocks_is_followed() -> None:
    aligner = ChannelAligner(RATE)
    written = simulate(aligner, seconds=120, call_start_s=0.0, call_ppm=200)
    error = offsets_ms(written)
    late = error[-RATE * 10 :]
    print(
        f"200 ppm drift over 120 s (uncorrected: 24 ms): last 10 s off by "
        f"{np.abs(late).max():.2f} ms at worst"
    )
    assert np.abs(late).max() < 5.0


def test_pauses_drop_both_channels_and_keep_them_together() -> None:
    pause = range(3 * RATE, 5 * RATE)
    aligner = ChannelAligner(RATE)
    written = simulate(aligner, seconds=10, call_start_s=0.1, keep=lambda first: first not in pause)
    assert not np.any(np.isin(written[:, 0], np.arange(3 * RATE + 1024, 5 * RATE - 1024)))
    assert np.abs(offsets_ms(written)).max() < 5.0


def test_after_the_call_is_lost_its_channel_is_silence() -> None:
    aligner = ChannelAligner(RATE)
    written = simulate(aligner, seconds=10, call_start_s=0.0, call_until_s=4.0)
    after = written[written[:, 0] > 4.2 * RATE]
    assert len(after) > 5 * RATE and np.all(after[:, 1] == 0)
    assert np.abs(offsets_ms(written)).max() < 5.0


def test_a_call_that_never_sends_holds_the_microphone_only_briefly() -> None:
    aligner = ChannelAligner(RATE, max_wait_s=0.4)
    out = []
    for first in range(0, 5 * RATE, 1024):
        block = np.full((1024, 1), 0.5, np.float32)
        out += aligner.push_mic(block, stamp=(first + 1024) / RATE, keep=True)
        assert aligner.held_frames <= 0.4 * RATE + 1024
    written = np.concatenate(out)
    assert len(written) > 4 * RATE and np.all(written[:, 1] == 0)


# -- the recorder on a call, with a stand-in for the call's stream ------------------------------


class PacedReader:
    """Reads ``source`` in real time (times ``speed``); raises after ``fail_after`` frames."""

    def __init__(self, source: np.ndarray, *, speed: float, fail_after: int | None) -> None:
        self.source, self.speed, self.fail_after = source, speed, fail_after
        self.position = 0
        self._next = time.monotonic()

    def record(self, numframes: int) -> np.ndarray:
        if self.fail_after is not None and self.position >= self.fail_after:
            time.sleep(0.05)
            raise RuntimeError("Recording failed, stream is in status FAILED")
        # Paced on a schedule, as the fake microphone is: the two clocks agree.
        self._next += numframes / RATE / self.speed
        time.sleep(max(0.0, self._next - time.monotonic()))
        block = np.zeros((numframes, 2), np.float32)  # two channels: mixed down by the capture
        part = self.source[self.position : self.position + numframes]
        block[: len(part), 0] = block[: len(part), 1] = part
        self.position += numframes
        return block


def fake_loopback(
    source: np.ndarray, *, speed: float = 4.0, fail_after: int | None = None
) -> Loopback:
    @contextlib.contextmanager
    def open_reader(rate: int, blocksize: int) -> Iterator[PacedReader]:
        assert rate == RATE
        yield PacedReader(source, speed=speed, fail_after=fail_after)

    return Loopback(name="Fake speakers", open=open_reader)


@pytest.fixture
def call_interview(ctx: AppContext) -> int:
    return ctx.store.create_interview(
        "Call", interviewer="Ada", interviewee="Grace", on_call=True, here_role="interviewer"
    ).id


def call_recorder(ctx: AppContext, interview_id: int, loopback: Any, **options: Any) -> Recorder:
    mic = np.full(RATE * 60, 0.25, np.float32)
    return Recorder(
        ctx.store,
        ctx.paths,
        interview_id,
        device=fake_device(samplerate=RATE),
        # Both 4x real time: faster, and thread wake-ups on a busy machine would be longer than
        # the 0.4 s (of audio) the writer waits for the call.
        stream_factory=FakeStreamFactory(mic, options={"speed": SPEED}),
        loopback=loopback,
        **options,
    )


def wait_for(condition: Any, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.005)


def test_a_call_take_has_the_microphone_and_the_call_with_their_roles(
    ctx: AppContext, call_interview: int
) -> None:
    call = np.full(RATE * 60, -0.5, np.float32)
    levels: list[Any] = []
    recorder = call_recorder(
        ctx, call_interview, lambda: fake_loopback(call), on_call_level=levels.append
    )
    recorder.start()
    assert recorder.on_call and recorder.channels == 2
    wait_for(lambda: recorder.stats.frames_written >= 4 * RATE)
    result = recorder.stop()
    samples, _ = soundfile.read(result.path, dtype="float32", always_2d=True)
    assert samples.shape[1] == 2
    row = ctx.store.recording(result.recording_id)
    assert row.channels == 2 and row.channel_roles == ["interviewer", "interviewee"]
    assert "the call (Fake speakers)" in row.device
    assert result.frames == len(samples)
    assert np.allclose(samples[:, 0], 0.25, atol=1e-3)
    # The call channel is the call's sound wherever the call had sent it, silence elsewhere.
    assert set(np.round(np.unique(samples[:, 1]), 3)) <= {0.0, -0.5}
    assert np.mean(samples[:, 1] == -0.5) > 0.8
    assert levels and levels[-1].rms_db > -10


def test_the_call_lost_mid_take_turns_to_silence_and_the_take_goes_on(
    ctx: AppContext, call_interview: int
) -> None:
    notices: list[tuple[str, str]] = []
    told = threading.Event()
    recorder = call_recorder(
        ctx,
        call_interview,
        lambda: fake_loopback(np.full(RATE * 60, -0.5, np.float32), fail_after=2 * RATE),
        on_notice=lambda kind, message: (notices.append((kind, message)), told.set()),
    )
    recorder.start()
    assert told.wait(20)
    wait_for(lambda: recorder.stats.frames_written >= 5 * RATE)
    assert recorder.state == "recording"
    result = recorder.stop()
    assert [kind for kind, _ in notices] == ["call-stopped"]
    assert "call's sound stopped" in notices[0][1]
    assert result.status == "complete" and "call's sound stopped" in result.message
    row = ctx.store.recording(result.recording_id)
    (lost,) = [m for m in row.markers if m.kind == "call-lost"]
    samples, _ = soundfile.read(result.path, dtype="float32", always_2d=True)
    assert np.all(samples[round(lost.time_s * RATE) :, 1] == 0)
    assert np.allclose(samples[:, 0], 0.25, atol=1e-3)  # the microphone never stopped


def test_without_a_loopback_the_take_is_the_microphone_and_says_why(
    ctx: AppContext, call_interview: int
) -> None:
    def unavailable() -> Loopback:
        raise CallAudioUnavailable("This Mac cannot record the call's sound by itself.")

    notices: list[tuple[str, str]] = []
    recorder = call_recorder(
        ctx, call_interview, unavailable, on_notice=lambda k, m: notices.append((k, m))
    )
    recorder.start()
    assert not recorder.on_call and recorder.channels == 1
    assert recorder.call is not None and "microphone only" in recorder.call.note
    wait_for(lambda: recorder.stats.frames_written >= RATE)
    result = recorder.stop()
    row = ctx.store.recording(result.recording_id)
    assert row.channels == 1 and row.channel_roles == []
    assert "microphone only" in row.message and "Mac" in row.message
    assert [kind for kind, _ in notices] == ["call-unavailable"]


def test_an_interview_not_on_a_call_records_as_before(ctx: AppContext) -> None:
    interview = ctx.store.create_interview("Here", interviewer="Ada", interviewee="Grace").id
    recorder = call_recorder(ctx, interview, lambda: pytest.fail("no loopback wanted"))
    recorder.start()
    wait_for(lambda: recorder.stats.frames_written >= RATE)
    result = recorder.stop()
    assert result.channels == 1 and recorder.call is None


# -- the second line against the trap: a call channel that copies the microphone ---------------


def speech(name: str) -> np.ndarray:
    samples, rate = soundfile.read(TESTDATA / name, dtype="float32")
    assert rate == RATE
    return samples


def guard_trips_after(mic: np.ndarray, call: np.ndarray) -> float | None:
    """Seconds of paired sound after which the guard called the call a copy (None: never)."""
    guard = CopyGuard(RATE)
    for first in range(0, min(len(mic), len(call)) - 1024, 1024):
        pair = np.column_stack([mic[first : first + 1024], call[first : first + 1024]])
        if guard.check([pair]):
            return (first + 1024) / RATE
    return None


def test_a_call_channel_that_became_the_microphone_is_caught() -> None:
    mic = speech("jfk.wav")
    moved = np.concatenate([np.zeros(480, np.float32), mic])[: len(mic)]  # 30 ms late
    after = guard_trips_after(mic, moved)
    print(f"a moved stream was caught after {after} s of speech")
    assert after is not None and after <= 4.5  # two 2-second windows


def test_a_real_call_and_a_clean_speaker_leak_are_not_copies() -> None:
    here, there = speech("jfk.wav"), speech("librivox-0870.wav")
    assert guard_trips_after(here, np.resize(there, len(here))) is None
    # The other person heard through the laptop's speakers, 16 dB down and clean: the
    # microphone is then a scaled copy of the call, which is not the trap.
    remote, _ = soundfile.read(TESTDATA / "conversation-remote.wav", dtype="float32")
    assert guard_trips_after(remote[:, 0], remote[:, 1]) is None


def test_the_cli_makes_a_call_interview(home: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from app.cli import main

    code = main(
        ["new", "--title", "Call", "--interviewer", "Ada", "--interviewee", "Grace", "--call",
         "--here", "interviewee", "--json"]
    )  # fmt: skip
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["on_call"] is True and data["here"] == "interviewee"
    assert main(["show", str(data["id"])]) == 0
    assert "on a call: the interviewee is at this computer" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["new", "--title", "X", "--interviewer", "A", "--interviewee", "B", "--here", "x"])
    assert "invalid choice" in capsys.readouterr().err


def test_without_a_sound_server_the_calls_sound_is_plainly_unavailable(tmp_path: Any) -> None:
    """The real soundcard import with no server to talk to (it asserts at import): a clear
    CallAudioUnavailable, in a fresh interpreter so no earlier import is reused."""
    import os
    import subprocess
    import sys

    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")}
    env.update(XDG_RUNTIME_DIR=str(runtime), HOME=str(tmp_path))
    code = (
        "from app.audio.call_capture import find_loopback\n"
        "from app.errors import CallAudioUnavailable\n"
        "try:\n    find_loopback()\n"
        "except CallAudioUnavailable as exc:\n    print('UNAVAILABLE', exc.message)\n"
    )
    # An argument after -c: soundcard names its client after sys.argv[1] and would fail
    # on its absence instead of on the missing server.
    done = subprocess.run(
        [sys.executable, "-c", code, "no-server"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "UNAVAILABLE" in done.stdout and "sound system" in done.stdout, done.stdout
    assert "AssertionError" in done.stderr  # the import really failed for want of a server


def test_after_the_call_was_lost_words_go_by_voice_not_by_channel() -> None:
    from app.models import Marker, Recording
    from app.speakers.call_lost import attribute_around_call_loss, call_lost_at

    recording = Recording(
        id=1, interview_id=1, path="x.wav", status="complete", source="recorded",
        sample_rate=RATE, channels=2, duration_s=30.0, created_at=None,  # type: ignore[arg-type]
        markers=[Marker(kind="call-lost", time_s=12.0)],
        channel_roles=["interviewer", "interviewee"],
    )  # fmt: skip
    segments = [Segment(start=t, end=t + 4, text=f"at {t}") for t in (0.0, 5.0, 11.0, 13.0, 20.0)]
    calls: list[tuple[list[float], bool]] = []

    def fake_speakers(part: Any, by_channel: bool) -> list[Segment]:
        calls.append(([s.start for s in part], by_channel))
        return [replace(s, speaker="by channel" if by_channel else "by voice") for s in part]

    out = attribute_around_call_loss(segments, call_lost_at(recording), fake_speakers)
    assert calls == [([0.0, 5.0, 11.0], True), ([13.0, 20.0], False)]
    assert [s.speaker for s in out] == ["by channel"] * 3 + ["by voice"] * 2
    assert [s.position for s in out] == [0, 1, 2, 3, 4]
    assert attribute_around_call_loss(segments, None, fake_speakers)[0].speaker == "by channel"
