"""Live transcription behind the real recorder (the device is a fake stream, everything
else is real): block consumers, mixing down, and the job's use of the live results."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from app.audio.decode import load_audio
from app.audio.recorder import Recorder
from app.context import AppContext
from app.errors import TranscriptionFailed
from app.services import Services
from app.store import live_transcripts
from app.transcription.live import LiveTranscriber, _ToWhisper, lower_thread_priority
from app.wer import word_error_rate
from tests.app.audio_fixtures import FakeStreamFactory, fake_device

RATE = 16000


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.01)


def record(
    ctx: AppContext, interview_id: int, source: np.ndarray, *, rate: int, consumer, speed=20.0
):
    channels = 1 if source.ndim == 1 else source.shape[1]
    factory = FakeStreamFactory(source, options={"speed": speed})
    recorder = Recorder(
        ctx.store,
        ctx.paths,
        interview_id,
        device=fake_device(samplerate=rate, channels=channels),
        channels=channels,
        stream_factory=factory,
    )
    recorder.add_block_consumer(consumer)
    recorder.start()
    return recorder, factory


def test_consumers_get_exactly_what_is_written_and_nothing_while_paused(ctx: AppContext) -> None:
    interview = ctx.store.create_interview("Blocks", interviewer="A", interviewee="B")
    got: list[tuple[np.ndarray, int]] = []
    rng = np.random.default_rng(3)
    source = np.clip(0.1 * rng.standard_normal((RATE * 4, 2)), -0.9, 0.9).astype(np.float32)
    recorder, factory = record(
        ctx, interview.id, source, rate=RATE, consumer=lambda b, r: got.append((b.copy(), r))
    )
    wait_for(lambda: factory.streams[0].delivered > RATE)
    recorder.pause()
    time.sleep(0.1)
    recorder.resume()
    wait_for(lambda: factory.streams[0].delivered > 3 * RATE)
    result = recorder.stop()
    assert all(rate == RATE and block.shape[1] == 2 for block, rate in got)
    handed = np.concatenate([block for block, _ in got])
    written, _ = soundfile.read(result.path, dtype="float32", always_2d=True)
    assert handed.shape == written.shape  # paused blocks went to neither
    assert np.allclose(handed, written, atol=1 / 32768 + 1e-6)  # PCM_16 rounding only


def test_a_failing_consumer_never_stops_the_recording(ctx: AppContext) -> None:
    interview = ctx.store.create_interview("Blocks", interviewer="A", interviewee="B")

    def broken(block: np.ndarray, rate: int) -> None:
        raise RuntimeError("listener bug")

    recorder, factory = record(
        ctx, interview.id, np.zeros(RATE * 2, np.float32), rate=RATE, consumer=broken
    )
    wait_for(lambda: factory.streams[0].delivered > RATE)
    result = recorder.stop()
    assert result.status == "complete" and result.frames >= RATE


def test_two_channels_at_48k_become_16k_mono() -> None:
    t = np.arange(48000) / 48000
    left = 0.5 * np.sin(2 * np.pi * 440 * t)
    block = np.stack([left, left], axis=1).astype(np.float32)
    convert = _ToWhisper()
    out = np.concatenate(
        [convert.convert(block[i : i + 4800], 48000) for i in range(0, 48000, 4800)]
        + [convert.flush()]
    )
    assert abs(out.size - 16000) <= 64
    assert np.sqrt(np.mean(out[200:-200] ** 2)) == pytest.approx(0.5 / np.sqrt(2), rel=0.05)


def test_the_worker_thread_alone_runs_at_lower_priority() -> None:
    import os
    import threading

    before = os.getpriority(os.PRIO_PROCESS, 0)
    seen: dict[str, int] = {}

    def worker() -> None:
        seen["lowered"] = lower_thread_priority()
        seen["nice"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen["lowered"] and seen["nice"] > before
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before


def upsampled_stereo(path: Path) -> np.ndarray:
    import av

    audio = load_audio(path)
    resampler = av.AudioResampler(format="flt", layout="mono", rate=48000)
    frame = av.AudioFrame.from_ndarray(audio.reshape(1, -1), format="flt", layout="mono")
    frame.sample_rate = RATE
    frames = [*resampler.resample(frame), *resampler.resample(None)]
    mono = np.concatenate([f.to_ndarray().reshape(-1) for f in frames])
    return np.stack([mono, mono * 0.5], axis=1).astype(np.float32)


@pytest.mark.slow
def test_a_call_take_transcribed_live_is_used_by_the_job(
    services: Services, ctx: AppContext, testdata: Path
) -> None:
    interview = services.new_interview("Live", interviewer="Ada", interviewee="Grace")
    live = services.live_transcriber()
    assert live is not None
    recorder, factory = record(
        ctx, interview.id, upsampled_stereo(testdata / "buddy-interview.wav"),
        rate=48000, consumer=live, speed=4.0,
    )  # fmt: skip
    live.start(recorder.recording_id)
    wait_for(lambda: factory.streams[0].delivered >= 48000 * 64, timeout=120)
    recorder.stop()
    # The rest is handed over to the normal-priority engine, as 'record' and the window do.
    outcome = live.finish(timeout=300, engine=services.prepare_finishing_engine())
    assert outcome.state == live_transcripts.COMPLETE
    stored = live_transcripts.segments(ctx.store, recorder.recording_id)
    assert stored and stored[-1].end <= recorder.result.duration_s

    # Each chunk's voice windows were stored with its words, so the voices need no pass over
    # the whole take after Stop.
    state = live_transcripts.state(ctx.store, recorder.recording_id)
    assert state is not None and state.voices_ok
    windows = live_transcripts.voice_rows(ctx.store, recorder.recording_id)
    assert len(windows) > 40 and windows[-1][0] > 50.0

    # The job reads nothing of the take's file when live transcription covered it: with the
    # file moved away it still makes the attributed transcript (reading it would fail).
    take_file = services.audio_file(ctx.store.recording(recorder.recording_id))
    aside = take_file.with_name("aside.wav")
    take_file.rename(aside)
    try:
        transcript = services.transcribe(interview.id)
    finally:
        aside.rename(take_file)
    assert " ".join(s.text for s in transcript.segments) == " ".join(s.text for s in stored)
    truth = json.loads((testdata / "buddy-interview.truth.json").read_text())
    reference = " ".join(t["text"] for t in truth["turns"])
    live_wer = word_error_rate(reference, " ".join(s.text for s in transcript.segments))
    full = services.transcribe(interview.id, use_live=False, discard_edits=True)
    full_wer = word_error_rate(reference, " ".join(s.text for s in full.segments))
    print(f"live WER {live_wer:.1%}, from the file {full_wer:.1%}")
    assert live_wer <= full_wer + 0.02
    # Who said what: the same by the live windows as by the file's, and both people named.
    live_time, full_time = _speaker_time(transcript.segments), _speaker_time(full.segments)
    assert set(live_time) == set(full_time) == {"Ada", "Grace"}
    for name in live_time:
        assert abs(live_time[name] - full_time[name]) <= 0.1 * sum(full_time.values())


def _speaker_time(segments) -> dict[str, float]:  # type: ignore[no-untyped-def]
    out: dict[str, float] = {}
    for seg in segments:
        out[seg.speaker] = out.get(seg.speaker, 0.0) + seg.end - seg.start
    return out


@pytest.mark.slow
def test_a_live_take_without_voice_windows_gets_its_voices_from_the_file(
    services: Services, ctx: AppContext, testdata: Path
) -> None:
    """Live text without stored voice windows (made without the voice model, or a chunk's
    windows failed): the job keeps the live text and tells the voices apart from the file."""
    interview = services.new_interview("Live", interviewer="Ada", interviewee="Grace")
    language = services.ctx.settings.language or None
    live = LiveTranscriber(ctx.store, services.engine(), language=language)
    source = load_audio(testdata / "buddy-interview.wav")
    recorder, factory = record(ctx, interview.id, source, rate=RATE, consumer=live, speed=4.0)
    live.start(recorder.recording_id)
    wait_for(lambda: factory.streams[0].delivered >= source.size, timeout=120)
    recorder.stop()
    assert live.finish(timeout=300).state == live_transcripts.COMPLETE
    state = live_transcripts.state(ctx.store, recorder.recording_id)
    assert state is not None and not state.voices_ok
    assert live_transcripts.voice_rows(ctx.store, recorder.recording_id) == []
    stored = live_transcripts.segments(ctx.store, recorder.recording_id)
    transcript = services.transcribe(interview.id)
    assert " ".join(s.text for s in transcript.segments) == " ".join(s.text for s in stored)
    full = services.transcribe(interview.id, use_live=False, discard_edits=True)
    live_time, full_time = _speaker_time(transcript.segments), _speaker_time(full.segments)
    assert set(live_time) == set(full_time) == {"Ada", "Grace"}
    for name in live_time:
        assert abs(live_time[name] - full_time[name]) <= 0.1 * sum(full_time.values())


class FailsAfterOneChunk:
    """The real engine, failing on its second call: live transcription breaking mid-take."""

    def __init__(self, engine) -> None:
        self._engine = engine
        self.name, self.model_label = engine.name, engine.model_label
        self.calls = 0

    def transcribe(self, audio, **options):
        self.calls += 1
        if self.calls > 1:
            raise TranscriptionFailed("the engine crashed")
        return self._engine.transcribe(audio, **options)


@pytest.mark.slow
def test_when_live_fails_the_job_transcribes_the_whole_take(
    services: Services, ctx: AppContext, testdata: Path
) -> None:
    interview = services.new_interview("Live", interviewer="Ada", interviewee="Grace")
    live = LiveTranscriber(ctx.store, FailsAfterOneChunk(services.engine()), language="en")
    source = load_audio(testdata / "buddy-interview.wav")
    recorder, factory = record(ctx, interview.id, source, rate=RATE, consumer=live)
    live.start(recorder.recording_id)
    wait_for(lambda: factory.streams[0].delivered >= source.size, timeout=120)
    recorder.stop()
    outcome = live.finish(timeout=300)
    assert outcome.state == live_transcripts.FAILED and "engine crashed" in outcome.message
    transcript = services.transcribe(interview.id)
    truth = json.loads((testdata / "buddy-interview.truth.json").read_text())
    reference = " ".join(t["text"] for t in truth["turns"])
    assert word_error_rate(reference, " ".join(s.text for s in transcript.segments)) <= 0.12


def test_deleting_a_take_removes_its_live_transcript_and_playback_mix(
    services: Services, testdata: Path
) -> None:
    from app.audio import playback
    from app.models import Segment

    interview = services.new_interview("Live then deleted", interviewer="Ann", interviewee="Bo")
    for role in ("interviewer", "interviewee"):
        services.give_consent(interview.id, role, ["record"])
    take = services.import_audio(interview.id, testdata / "jfk.wav")
    store = services.store
    live_transcripts.begin(store, take.id, engine="faster-whisper", model="tiny.en", language=None)
    live_transcripts.add(store, take.id, [Segment(start=0.3, end=2.0, text="And so")], done_s=2.0)
    mix = playback.mix_path(services.paths, take)
    mix.parent.mkdir(parents=True, exist_ok=True)
    mix.write_bytes(b"a stale mix")

    services.delete_take(take.id)

    assert live_transcripts.state(store, take.id) is None
    assert live_transcripts.segments(store, take.id) == []
    assert not mix.exists() and not services.audio_file(take).exists()


@pytest.mark.slow
def test_the_open_chunk_is_drafted_ahead_so_little_is_left_at_stop(
    services: Services, ctx: AppContext, testdata: Path
) -> None:
    """While the worker has nothing else to do it transcribes the open chunk up to its last
    pause; at Stop that draft is used as it is and only the speech after it is transcribed."""
    interview = services.new_interview("Live", interviewer="Ada", interviewee="Grace")
    live = services.live_transcriber()
    assert live is not None
    speech = load_audio(testdata / "jfk.wav")
    pause = np.zeros(int(0.8 * RATE), np.float32)
    source = np.concatenate([speech, pause, speech])  # one chunk, still open at the end
    recorder, factory = record(ctx, interview.id, source, rate=RATE, consumer=live, speed=1.5)
    live.start(recorder.recording_id)
    wait_for(lambda: factory.streams[0].delivered >= source.size, timeout=120)
    recorder.stop()
    outcome = live.finish(timeout=300, engine=services.prepare_finishing_engine())
    assert outcome.state == live_transcripts.COMPLETE
    assert live.drafts.made >= 1 and live.drafts.used == 1
    reference = (testdata / "jfk.txt").read_text(encoding="utf-8").strip()
    stored = live_transcripts.segments(ctx.store, recorder.recording_id)
    heard = " ".join(s.text for s in stored)
    # Both speeches, each once: nothing lost or doubled where the draft ends.
    assert word_error_rate(f"{reference} {reference}", heard) <= 0.1
    windows = live_transcripts.voice_rows(ctx.store, recorder.recording_id)
    assert windows and windows[-1][0] > 12.0  # the draft's voice windows and the rest's
