"""The microphone check measures levels and keeps nothing."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from app.audio.monitor import LevelMonitor
from app.errors import NoInputDevice
from tests.app.audio_fixtures import FakeStreamFactory, fake_device


def _wait(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def test_levels_follow_the_input_and_nothing_is_written(tmp_path: Path) -> None:
    tone = (0.5 * np.sin(np.arange(16000 * 3) / 16000 * 2 * np.pi * 440)).astype(np.float32)
    factory = FakeStreamFactory(tone)
    monitor = LevelMonitor(device=fake_device(), stream_factory=factory)
    assert monitor.start().name == "Fake microphone" and monitor.running
    _wait(lambda: monitor.level.peak_db > -10)
    assert -7.0 < monitor.level.peak_db < -5.0  # 0.5 full scale is -6 dBFS
    assert not monitor.level.clipping and not monitor.level.too_quiet
    monitor.stop()
    assert not monitor.running and factory.streams[0].closed
    assert list(tmp_path.iterdir()) == []


def test_a_refusing_device_is_explained() -> None:
    factory = FakeStreamFactory(np.zeros(16000, np.float32), refuse=RuntimeError("busy"))
    monitor = LevelMonitor(device=fake_device(), stream_factory=factory)
    with pytest.raises(NoInputDevice) as info:
        monitor.start()
    assert "Fake microphone" in info.value.message and info.value.hint
