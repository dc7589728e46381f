"""A short clip from the microphone (a voice sample), with live levels while it records."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from app.audio.decode import WHISPER_RATE, _resample
from app.audio.devices import InputDevice, close_stream, find_input, sounddevice_module
from app.audio.levels import Level, measure
from app.errors import NoInputDevice

StreamFactory = Callable[..., Any]


class ClipRecorder:
    """Keeps every block in memory (seconds, not minutes) and shows its level.

    The callback appends a copy of the block and replaces ``level``: no lock, no waiting.
    """

    def __init__(
        self,
        *,
        device: InputDevice | str | int | None = None,
        stream_factory: StreamFactory | None = None,
    ) -> None:
        self._device_spec = device
        self._stream_factory = stream_factory
        self._stream: Any = None
        self._blocks: list[np.ndarray] = []
        self.rate = WHISPER_RATE
        self.device: InputDevice | None = None
        self.level = Level()

    def start(self) -> InputDevice:
        spec = self._device_spec
        device = spec if isinstance(spec, InputDevice) else find_input(spec or None)
        factory = self._stream_factory or sounddevice_module().InputStream
        self.rate = round(device.default_samplerate) or WHISPER_RATE
        self._blocks = []

        def callback(indata: Any, frames: int, _time: Any, _status: Any) -> None:
            self._blocks.append(np.array(indata[:, 0], dtype=np.float32))
            self.level = measure(indata, seconds=frames / self.rate, previous=self.level)

        try:
            stream = factory(
                device=device.index,
                samplerate=self.rate,
                channels=1,
                dtype="float32",
                callback=callback,
            )
            stream.start()
        except Exception as exc:
            raise NoInputDevice(
                f"The input '{device.name}' could not be opened for the voice sample ({exc}).",
                "Choose another input in Settings, or check it is not in use elsewhere.",
            ) from exc
        self.device, self._stream = device, stream
        return device

    @property
    def seconds(self) -> float:
        return sum(len(b) for b in list(self._blocks)) / self.rate

    def stop(self) -> np.ndarray:
        """Close the input; the clip so far as 16 kHz mono float32."""
        stream, self._stream = self._stream, None
        if stream is not None:
            close_stream(stream, timeout_s=2.0)
        blocks = list(self._blocks)
        audio = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)
        if self.rate != WHISPER_RATE and audio.size:
            audio = np.concatenate(list(_resample(iter([audio[:, None]]), self.rate, WHISPER_RATE)))
        return audio.astype(np.float32)


def record_clip(
    seconds: float,
    *,
    device: InputDevice | str | int | None = None,
    should_stop: threading.Event | None = None,
    on_level: Callable[[Level], None] | None = None,
) -> np.ndarray:
    """Record ``seconds`` of 16 kHz mono audio (or until ``should_stop`` is set)."""
    clip = ClipRecorder(device=device)
    clip.start()
    stop = should_stop or threading.Event()
    try:
        while clip.seconds < seconds and not stop.wait(0.05):
            if on_level is not None:
                on_level(clip.level)
    finally:
        audio = clip.stop()
    return audio
