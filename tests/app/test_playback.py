"""A two-channel (call) take plays as one mono mix; a mono take plays as it is."""

from __future__ import annotations

import os

import numpy as np
import soundfile

from app.services import Services

RATE = 16000


def add_take(services: Services, interview_id: int, samples: np.ndarray) -> object:
    relative = f"audio/interview-{interview_id}-take-1.wav"
    path = services.paths.data / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(path, samples, RATE, subtype="PCM_16")
    channels = 1 if samples.ndim == 1 else samples.shape[1]
    return services.store.add_recording(
        interview_id,
        path=relative,
        source="recorded",
        status="complete",
        sample_rate=RATE,
        channels=channels,
        channel_roles=["interviewer", "interviewee"] if channels == 2 else None,
    )


def test_a_call_take_plays_both_voices_in_one_channel(services: Services) -> None:
    interview = services.new_interview("Call", interviewer="A", interviewee="B", on_call=True)
    t = np.arange(RATE * 2) / RATE
    here = np.where(t < 1, 0.4 * np.sin(2 * np.pi * 220 * t), 0.0)
    call = np.where(t >= 1, 0.4 * np.sin(2 * np.pi * 330 * t), 0.0)
    take = add_take(services, interview.id, np.column_stack([here, call]))
    assert not services.playback_ready(take)
    path = services.playback_file(take)
    mix, rate = soundfile.read(path, dtype="float32")
    assert rate == RATE and mix.ndim == 1 and len(mix) == 2 * RATE
    # Both voices are there, each at its own level again (the mix is brought back up).
    first, second = mix[: RATE - 100], mix[RATE + 100 :]
    assert np.sqrt(np.mean(first**2)) > 0.25 and np.sqrt(np.mean(second**2)) > 0.25
    assert np.abs(mix).max() <= 0.91
    assert services.playback_ready(take)
    # A changed take gets a new mix.
    source = services.audio_file(take)
    stamp = path.stat().st_mtime_ns + 10**9
    os.utime(source, ns=(stamp, stamp))
    assert not services.playback_ready(take)
    services.playback_file(take)
    # And the mix, a copy of the voices, goes with the interview.
    services.delete_interview(interview.id)
    assert not path.exists()


def test_a_mono_take_plays_as_it_is(services: Services) -> None:
    interview = services.new_interview("Here", interviewer="A", interviewee="B")
    take = add_take(services, interview.id, np.zeros(RATE, np.float32))
    assert services.playback_ready(take)
    assert services.playback_file(take) == services.audio_file(take)
