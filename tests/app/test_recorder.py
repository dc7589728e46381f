"""The recorder's logic with a fake stream: markers, pauses, overflows, watchdog, full disks,
and the recovery of takes cut off by a crash.

The fake stream plays a "ramp": sample i holds (i mod 65536) as a 16-bit value, so reading the
take back tells exactly which input frame every file frame came from — any frame lost,
repeated or reordered shows up as a step that is not +1.
"""

from __future__ import annotations

import errno
import importlib.abc
import os
import shutil
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
import soundfile

from app.audio import levels, takes
from app.audio.devices import InputDevice, resolve, sounddevice_module
from app.audio.recorder import Recorder
from app.audio.recovery import recover_interrupted, repair_wav
from app.audio.wav_writer import WavWriter
from app.context import AppContext
from app.errors import DeviceFormatRefused, DiskFull, NoInputDevice
from app.models import Marker
from tests.app.audio_fixtures import FakeStreamFactory, fake_device

RATE = 16000
BLOCK = 1024
QUESTIONS = ["What do you do?", "What surprised you?", "What next?"]


def ramp(seconds: float) -> np.ndarray:
    index = np.arange(int(seconds * RATE))
    return (((index % 65536) - 32768) / 32768).astype(np.float32)


def ramp_steps(path: Path) -> np.ndarray:
    """Frame-to-frame steps of the ramp read back from a take: 1 wherever nothing was lost."""
    samples, rate = soundfile.read(path, dtype="int16")
    assert rate == RATE
    values = samples.astype(np.int64) + 32768
    return np.diff(values) % 65536


def wait_for(condition: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.005)


@pytest.fixture
def interview_id(ctx: AppContext) -> int:
    return ctx.store.create_interview(
        "Recorder test", interviewer="Ada", interviewee="Grace", questions=QUESTIONS
    ).id


def make_recorder(ctx: AppContext, interview_id: int, **options: Any) -> Recorder:
    options.setdefault("device", fake_device(samplerate=RATE))
    options.setdefault("stream_factory", FakeStreamFactory(ramp(120)))
    return Recorder(ctx.store, ctx.paths, interview_id, **options)


# -- starting -----------------------------------------------------------------------------------


def test_row_and_first_question_marker_exist_before_the_first_frame(
    ctx: AppContext, interview_id: int
) -> None:
    seen: dict[str, Any] = {}
    factory = FakeStreamFactory(ramp(10))

    def checking_factory(**kwargs: Any) -> Any:
        callback = kwargs["callback"]

        def first_frame_check(*args: Any) -> None:
            if not seen:
                # A second thread and connection, as a crash-time reader would be.
                rows = ctx.store.recordings_with_status("recording")
                seen["rows"] = rows
                seen["file"] = (ctx.paths.data / rows[0].path).exists() if rows else False
            callback(*args)

        return factory(**{**kwargs, "callback": first_frame_check})

    recorder = make_recorder(ctx, interview_id, stream_factory=checking_factory)
    recorder.start()
    wait_for(lambda: seen)
    result = recorder.stop()

    assert [r.id for r in seen["rows"]] == [result.recording_id]
    assert seen["file"]
    first = seen["rows"][0].markers
    assert [(m.kind, m.time_s, m.question_index) for m in first] == [("question", 0.0, 0)]
    stored = ctx.store.recording(result.recording_id)
    assert stored.status == "complete"
    assert stored.path == f"audio/interview-{interview_id}-take-1.wav"
    assert ctx.store.interview(interview_id).status == "recorded"


def test_refuses_to_start_without_room_for_thirty_minutes(
    ctx: AppContext, interview_id: int
) -> None:
    factory = FakeStreamFactory(ramp(1))
    # 30 min of 16 kHz mono PCM_16 is 57.6 MB; leave a little less than that.
    recorder = make_recorder(
        ctx,
        interview_id,
        stream_factory=factory,
        free_space=lambda folder: SimpleNamespace(free=57_000_000),
    )
    with pytest.raises(DiskFull) as caught:
        recorder.start()
    assert "30 minutes" in caught.value.message
    assert caught.value.hint
    assert factory.calls == []
    assert ctx.store.recordings(interview_id) == []
    assert list(ctx.paths.audio.iterdir()) == []


def test_a_refused_format_names_the_device_and_stores_nothing(
    ctx: AppContext, interview_id: int
) -> None:
    factory = FakeStreamFactory(ramp(1), refuse=ValueError("Invalid sample rate"))
    with pytest.raises(DeviceFormatRefused) as caught:
        make_recorder(ctx, interview_id, stream_factory=factory).start()
    assert "Fake microphone" in caught.value.message
    # The device's own words and the format go to the details (the CLI prints them; the
    # window offers them under "Copy details"), not into the sentence.
    assert "16000 Hz" in caught.value.details and "Invalid sample rate" in caught.value.details
    assert "Invalid" not in caught.value.message
    assert ctx.store.recordings(interview_id) == []


def test_a_second_take_gets_its_own_file(ctx: AppContext, interview_id: int) -> None:
    paths = []
    for _ in range(2):
        recorder = make_recorder(ctx, interview_id)
        recorder.start()
        wait_for(lambda r=recorder: r.stats.frames_written > 0)
        paths.append(recorder.stop().path.name)
    assert paths == [f"interview-{interview_id}-take-1.wav", f"interview-{interview_id}-take-2.wav"]


def test_the_header_follows_the_take_so_a_crash_needs_no_repair(
    ctx: AppContext, interview_id: int
) -> None:
    recorder = make_recorder(ctx, interview_id, sync_interval_s=0.1)
    recorder.start()
    assert recorder.path is not None
    # Another reader sees a valid WAV with the synced frames while recording goes on.
    wait_for(lambda: soundfile.info(str(recorder.path)).frames > RATE // 2)
    assert soundfile.info(str(recorder.path)).frames <= recorder.stats.frames_written
    assert ctx.store.recording(recorder.recording_id or 0).status == "recording"
    recorder.stop()


def test_stereo_devices_can_record_two_channels(ctx: AppContext, interview_id: int) -> None:
    stereo = np.stack([ramp(5), -ramp(5)], axis=1)
    recorder = make_recorder(
        ctx,
        interview_id,
        device=fake_device(samplerate=RATE, channels=2),
        stream_factory=FakeStreamFactory(stereo),
        channels=2,
    )
    recorder.start()
    wait_for(lambda: recorder.stats.frames_written >= RATE)
    result = recorder.stop()
    samples, _ = soundfile.read(result.path, dtype="int16")
    assert result.channels == 2 and samples.shape[1] == 2
    assert ctx.store.recording(result.recording_id).channels == 2


# -- during the take --------------------------------------------------------------------------


def test_pauses_and_questions_land_where_they_happened(ctx: AppContext, interview_id: int) -> None:
    factory = FakeStreamFactory(ramp(120), options={"speed": 5.0})
    recorder = make_recorder(ctx, interview_id, stream_factory=factory)
    recorder.start()
    stream = factory.streams[0]
    wait_for(lambda: stream.delivered >= RATE // 2)

    before = stream.delivered
    assert recorder.next_question() == 1
    after = stream.delivered
    wait_for(lambda: stream.delivered >= after + RATE // 4)

    paused_from = time.monotonic()
    recorder.pause()
    time.sleep(0.3)
    recorder.resume()
    paused_to = time.monotonic()
    wait_for(lambda: recorder.stats.frames_written >= after + RATE)

    assert recorder.next_question() == 2
    assert recorder.next_question() == 2  # there is no fourth question
    assert recorder.previous_question() == 1
    result = recorder.stop()

    markers = ctx.store.markers(result.recording_id)
    questions = [m for m in markers if m.kind == "question"]
    assert [m.question_index for m in questions] == [0, 1, 2, 1]
    assert [m.time_s for m in questions] == sorted(m.time_s for m in questions)
    # Before the pause, file frames are input frames: the marker sits where the key was pressed.
    assert before - BLOCK <= questions[1].time_s * RATE <= after + BLOCK

    (pause,) = [m for m in markers if m.kind == "pause"]
    assert 0.3 <= pause.duration_s <= paused_to - paused_from
    # Exactly one jump in the ramp, where the pause marker says, and nothing else lost.
    steps = ramp_steps(result.path)
    jumps = np.flatnonzero(steps != 1)
    assert len(jumps) == 1
    assert jumps[0] + 1 == round(pause.time_s * RATE)
    skipped = int(steps[jumps[0]]) - 1
    assert skipped > 0
    assert result.frames + skipped == stream.delivered
    assert result.duration_s == pytest.approx(result.frames / RATE)
    assert soundfile.info(str(result.path)).frames == result.frames


class StallingWriter(WavWriter):
    """A disk that now and then takes a long time: the writer thread falls behind."""

    stall_on = (5, 40)
    stall_s = 0.3

    def __init__(self, path: Path, **kwargs: Any) -> None:
        super().__init__(path, **kwargs)
        self.writes = 0

    def write(self, block: np.ndarray) -> None:
        self.writes += 1
        if self.writes in self.stall_on:
            time.sleep(self.stall_s)
        super().write(block)


def test_overflows_are_counted_and_marked_and_a_stalled_writer_loses_nothing(
    ctx: AppContext, interview_id: int
) -> None:
    overflow_blocks = frozenset({3, 20, 60})
    factory = FakeStreamFactory(
        ramp(120), options={"speed": 10.0, "overflow_blocks": overflow_blocks}
    )
    recorder = make_recorder(
        ctx, interview_id, stream_factory=factory, writer_factory=StallingWriter
    )
    recorder.start()
    stream = factory.streams[0]
    wait_for(lambda: stream.blocks > 80)
    result = recorder.stop()

    assert result.status == "complete"
    assert result.overflows == recorder.stats.overflows == len(overflow_blocks)
    marks = [m for m in ctx.store.markers(result.recording_id) if m.kind == "overflow"]
    # Positions were stored after the fact by the writer, at the overflowed block's start.
    assert sorted(round(m.time_s * RATE) for m in marks) == [b * BLOCK for b in overflow_blocks]
    assert result.max_writer_lag_s >= StallingWriter.stall_s
    # Every delivered frame is in the file, in order.
    assert result.frames == stream.delivered
    assert np.all(ramp_steps(result.path) == 1)


@pytest.mark.slow
def test_watchdog_stops_the_take_when_callbacks_stop(ctx: AppContext, interview_id: int) -> None:
    factory = FakeStreamFactory(ramp(10), options={"speed": 1.0, "stall_after_frames": RATE // 2})
    events: list[tuple[str, str, float]] = []
    got_event = threading.Event()

    def on_event(kind: str, message: str) -> None:
        events.append((kind, message, time.monotonic()))
        got_event.set()

    recorder = make_recorder(ctx, interview_id, stream_factory=factory, on_event=on_event)
    recorder.start()
    assert got_event.wait(15), "the watchdog never noticed the silent device"
    stream = factory.streams[0]
    kind, message, noticed_at = events[0]
    assert stream.last_callback_at is not None
    detection_s = noticed_at - stream.last_callback_at
    print(f"watchdog noticed the stall after {detection_s:.2f} s")
    assert detection_s < 2.5  # the requirement is "within 2 s"; slack for a busy machine
    assert kind == "device-stopped"
    assert "microphone stopped" in message

    result = recorder.stop()  # after the watchdog: returns the same result
    assert result.status == "stopped-early"
    assert result.message == message
    assert result.frames == stream.delivered
    row = ctx.store.recording(result.recording_id)
    assert (row.status, row.message) == ("stopped-early", message)
    assert soundfile.info(str(result.path)).frames == stream.delivered
    assert len(events) == 1


class FullDiskWriter(WavWriter):
    """Writes for a while, then the disk is full."""

    limit_frames = RATE // 2

    def write(self, block: np.ndarray) -> None:
        if self.frames + len(block) > self.limit_frames:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        super().write(block)


def test_a_full_disk_mid_take_keeps_what_was_written(ctx: AppContext, interview_id: int) -> None:
    events: list[tuple[str, str]] = []
    got_event = threading.Event()

    def on_event(kind: str, message: str) -> None:
        events.append((kind, message))
        got_event.set()

    recorder = make_recorder(ctx, interview_id, writer_factory=FullDiskWriter, on_event=on_event)
    recorder.start()
    assert got_event.wait(10)
    result = recorder.stop()

    assert events[0][0] == "disk-full"
    assert result.status == "stopped-early"
    assert "disk filled up" in result.message
    assert "kept" in result.message
    expected = (FullDiskWriter.limit_frames // BLOCK) * BLOCK
    assert result.frames == expected
    # Closed properly: the header is right and every frame reads back, in order.
    info = soundfile.info(str(result.path))
    assert info.frames == expected
    assert np.all(ramp_steps(result.path) == 1)
    row = ctx.store.recording(result.recording_id)
    assert row.status == "stopped-early"
    assert row.duration_s == pytest.approx(expected / RATE)


def test_levels_reach_the_listener(ctx: AppContext, interview_id: int) -> None:
    heard: list[levels.Level] = []
    tone = (0.5 * np.sin(np.arange(RATE * 4) * 2 * np.pi * 440 / RATE)).astype(np.float32)
    recorder = make_recorder(
        ctx, interview_id, stream_factory=FakeStreamFactory(tone), on_level=heard.append
    )
    recorder.start()
    wait_for(lambda: len(heard) > 3)
    recorder.stop()
    assert heard[-1].peak_db == pytest.approx(-6.0, abs=0.2)
    assert heard[-1].rms_db == pytest.approx(-9.0, abs=0.2)
    assert not heard[-1].clipping and not heard[-1].too_quiet
    assert recorder.level == heard[-1] or recorder.level.rms_db < -8


# -- levels and devices (pure) ----------------------------------------------------------------


def test_levels_flag_clipping_and_count_quiet_time() -> None:
    assert levels.peak_dbfs(np.zeros(100, np.float32)) == levels.FLOOR_DBFS
    assert levels.measure(np.ones(100, np.float32), seconds=0.1).clipping
    quiet = np.full(1600, 0.001, np.float32)  # -60 dBFS
    level = levels.SILENT
    for _ in range(30):
        level = levels.measure(quiet, seconds=0.1, previous=level)
    # Quiet for 3 s, but nobody spoke: that is silence, not a quiet voice (see
    # tests/app/test_voice_level.py for speech).
    assert level.quiet_s >= levels.QUIET_SECONDS and not level.too_quiet and not level.speech
    loud = levels.measure(np.full(1600, 0.1, np.float32), seconds=0.1, previous=level)
    assert not loud.too_quiet and loud.quiet_s == 0


def test_device_resolution_by_index_or_name() -> None:
    devices = [
        InputDevice(0, "HDA Intel PCH: ALC257 Analog", "ALSA", 2, 44100.0),
        InputDevice(1, "USB Audio: Blue Yeti", "ALSA", 2, 48000.0),
        InputDevice(4, "default", "ALSA", 32, 44100.0, is_default=True),
        InputDevice(9, "USB Audio: Blue Yeti", "OSS", 2, 48000.0),
    ]
    assert resolve(None, devices).index == 4
    assert resolve("", devices).index == 4
    assert resolve("1", devices).index == 1
    assert resolve(0, devices).index == 0
    assert resolve("yeti", devices).index == 1  # the default input's host API wins
    assert resolve("DEFAULT", devices).index == 4
    with pytest.raises(NoInputDevice) as caught:
        resolve("usb audio: nope", devices)
    assert "Blue Yeti" in caught.value.details  # lists what exists (printed by the CLI)
    with pytest.raises(NoInputDevice):
        resolve("7", devices)
    with pytest.raises(NoInputDevice, match="several"):
        resolve("a", devices)
    with pytest.raises(NoInputDevice):
        resolve(None, [])


# -- recovery -----------------------------------------------------------------------------------


def crashed_take(ctx: AppContext, interview_id: int, *, seconds: float, header: str) -> Path:
    """A take as a killed recorder leaves it: row "recording", samples on disk, header stale."""
    relative = takes.relative_take_path(interview_id, 1)
    path = ctx.paths.data / relative
    writer = WavWriter(path, samplerate=RATE, channels=1)
    writer.write(ramp(seconds).reshape(-1, 1))
    if header == "half":
        writer.sync()  # header points at what was synced ...
        writer.write(ramp(seconds).reshape(-1, 1)[: RATE // 2])  # ... more came after
    writer.close()
    raw = bytearray(path.read_bytes())
    if header == "zero":
        raw[4:8] = raw[40:44] = b"\0\0\0\0"  # libsndfile's header before its first close
    elif header == "half":
        synced = int(seconds * RATE) * 2
        raw[4:8] = (36 + synced).to_bytes(4, "little")
        raw[40:44] = synced.to_bytes(4, "little")
    path.write_bytes(bytes(raw) + b"\x01")  # and half a frame that never finished
    rec = ctx.store.add_recording(
        interview_id,
        path=relative,
        source="recorded",
        status="recording",
        sample_rate=RATE,
        channels=1,
    )
    ctx.store.add_marker(rec.id, Marker(kind="question", time_s=0.0, question_index=0))
    ctx.store.add_marker(rec.id, Marker(kind="question", time_s=1.25, question_index=1))
    return path


@pytest.mark.parametrize(("header", "frames"), [("zero", 2 * RATE), ("half", 2 * RATE + RATE // 2)])
def test_recovery_repairs_an_interrupted_take(
    ctx: AppContext, interview_id: int, header: str, frames: int
) -> None:
    path = crashed_take(ctx, interview_id, seconds=2.0, header=header)

    reports = recover_interrupted(ctx.store, ctx.paths)

    assert len(reports) == 1
    report = reports[0]
    assert report.status == "recovered"
    assert report.duration_s == pytest.approx(frames / RATE)
    assert report.markers == 2
    row = ctx.store.recording(report.recording_id)
    assert row.status == "recovered"
    assert row.duration_s == pytest.approx(frames / RATE)
    assert "Recovered" in row.message
    assert [m.time_s for m in row.markers] == [0.0, 1.25]
    samples, rate = soundfile.read(path, dtype="int16")
    assert len(samples) == frames and rate == RATE
    assert ctx.store.interview(interview_id).status == "recovered"
    # Idempotent: nothing is left to do, and the file stays as it is.
    before = path.read_bytes()
    assert recover_interrupted(ctx.store, ctx.paths) == []
    assert path.read_bytes() == before
    assert repair_wav(path).how == "intact"


def test_recovery_leaves_a_take_that_is_still_being_recorded(
    ctx: AppContext, interview_id: int
) -> None:
    path = crashed_take(ctx, interview_id, seconds=1.0, header="zero")
    lock = takes.hold_lock(path)
    try:
        assert recover_interrupted(ctx.store, ctx.paths) == []
    finally:
        takes.release_lock(lock)
    assert [r.status for r in recover_interrupted(ctx.store, ctx.paths)] == ["recovered"]


def test_recovery_marks_missing_and_empty_files(ctx: AppContext, interview_id: int) -> None:
    (ctx.paths.audio / "empty.wav").write_bytes(b"")
    for name in ("gone.wav", "empty.wav"):
        ctx.store.add_recording(
            interview_id, path=f"audio/{name}", source="recorded", status="recording"
        )
    reports = recover_interrupted(ctx.store, ctx.paths)
    assert [(r.path.name, r.status) for r in reports] == [
        ("gone.wav", "stopped-early"),
        ("empty.wav", "stopped-early"),
    ]
    assert "file" in reports[0].message
    assert "before any sound" in reports[1].message
    assert ctx.store.recordings_with_status("recording") == []
    assert recover_interrupted(ctx.store, ctx.paths) == []


def test_recovery_leaves_complete_files_alone_and_reports_damaged_ones(
    ctx: AppContext, interview_id: int
) -> None:
    listed = ctx.paths.audio / "listed.wav"
    soundfile.write(listed, ramp(1.0), RATE, subtype="PCM_16")
    raw = bytearray(listed.read_bytes())
    raw[4:8] = (len(raw) - 8 + 12).to_bytes(4, "little")
    listed.write_bytes(bytes(raw) + b"LIST" + (4).to_bytes(4, "little") + b"INFO")
    (ctx.paths.audio / "cut.wav").write_bytes(listed.read_bytes()[:20])  # header cut short
    for name in ("listed.wav", "cut.wav"):
        ctx.store.add_recording(
            interview_id, path=f"audio/{name}", source="recorded", status="recording"
        )
    before = listed.read_bytes()
    reports = recover_interrupted(ctx.store, ctx.paths)
    assert [(r.path.name, r.status) for r in reports] == [
        ("listed.wav", "recovered"),
        ("cut.wav", "stopped-early"),
    ]
    assert listed.read_bytes() == before  # the chunk after the samples was not taken for sound
    assert reports[0].duration_s == pytest.approx(1.0)
    assert "cannot be read" in reports[1].message


def test_missing_portaudio_is_reported_as_no_input_device(monkeypatch: pytest.MonkeyPatch) -> None:
    class NoPortAudio(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, path: Any, target: Any = None) -> None:
            if name == "sounddevice":
                raise OSError("PortAudio library not found")  # what sounddevice raises

    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    monkeypatch.setattr(sys, "meta_path", [NoPortAudio(), *sys.meta_path])
    with pytest.raises(NoInputDevice) as caught:
        sounddevice_module()
    assert "PortAudio" in caught.value.message
    assert "libportaudio2" in caught.value.hint


def test_opening_the_app_recovers(ctx: AppContext, interview_id: int) -> None:
    crashed_take(ctx, interview_id, seconds=1.0, header="zero")
    reopened = AppContext.open(ctx.paths)
    try:
        assert [r.status for r in reopened.recovered] == ["recovered"]
    finally:
        reopened.close()
    shutil.rmtree(ctx.paths.audio)  # later starts are quiet even with the file gone
    again = AppContext.open(ctx.paths)
    try:
        assert again.recovered == []
    finally:
        again.close()
