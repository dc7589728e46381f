"""The microphone check tells silence from a quiet voice, on real recorded speech."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from app.audio import levels

TESTDATA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata"
SPEECH = ["jfk.wav", "librivox-0870.wav", "conversation.enrol.interviewee.wav"]
BLOCK = 320  # 20 ms at 16 kHz, a typical callback block


def listen(samples: np.ndarray, rate: int = 16000) -> list[levels.Level]:
    """Feed ``samples`` block by block, as the check's callback would."""
    level, heard = levels.SILENT, []
    for start in range(0, len(samples) - BLOCK, BLOCK):
        level = levels.measure(samples[start : start + BLOCK], seconds=BLOCK / rate, previous=level)
        heard.append(level)
    return heard


def room(n: int, dbfs: float = -70.0) -> np.ndarray:
    """A real microphone's self-noise: never digital zero."""
    return (np.random.default_rng(7).standard_normal(n) * 10 ** (dbfs / 20)).astype(np.float32)


def speech(name: str) -> np.ndarray:
    path = TESTDATA / name
    if not path.exists():
        pytest.skip(f"{path} is missing (the shared test data)")
    samples, rate = soundfile.read(path, dtype="float32")
    assert rate == 16000
    return samples[: 16000 * 8]


def judged(heard: list[levels.Level]) -> list[levels.Level]:
    return [lv for lv in heard if lv.judged][25:]  # past the first second and a half


@pytest.mark.parametrize("name", SPEECH)
def test_normal_speech_is_a_good_level(name: str) -> None:
    voice = speech(name)
    after = judged(listen(voice + room(len(voice))))
    assert np.mean([lv.speech for lv in after]) > 0.9
    assert not any(lv.too_quiet for lv in after)
    assert after[-1].speech_db > levels.QUIET_SPEECH_DBFS


@pytest.mark.parametrize("name", SPEECH)
def test_quiet_speech_is_too_quiet(name: str) -> None:
    voice = speech(name) * 0.01  # 40 dB down: someone far from the laptop, mic turned down
    after = judged(listen(voice + room(len(voice))))
    assert np.mean([lv.too_quiet for lv in after]) > 0.8
    assert after[-1].speech_db < levels.QUIET_SPEECH_DBFS


@pytest.mark.parametrize(
    "what",
    ["room noise", "digital silence", "mains hum", "louder room noise"],
)
def test_silence_is_never_too_quiet(what: str) -> None:
    n = 16000 * 8
    sound = {
        "room noise": room(n),
        "digital silence": np.zeros(n, np.float32),
        "mains hum": room(n) + 0.01 * np.sin(2 * np.pi * 50 * np.arange(n) / 16000).astype("f"),
        "louder room noise": room(n, -45.0),
    }[what]
    heard = listen(sound)
    assert not any(lv.too_quiet or lv.speech for lv in heard)
    assert heard[-1].judged and heard[-1].since_speech_s > 7


def test_silence_after_speech_stops_being_judged() -> None:
    voice = speech("jfk.wav")[: 16000 * 3]
    sound = np.concatenate([voice * 0.01, np.zeros(16000 * 8, np.float32)])
    heard = listen(sound + room(len(sound)))
    assert any(lv.too_quiet for lv in heard[:150])
    assert not heard[-1].too_quiet and not heard[-1].speech  # the quiet voice has gone
