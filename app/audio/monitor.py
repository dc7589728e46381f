"""The microphone check: live levels from an input without recording anything."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.audio.devices import (
    InputDevice,
    InputStreamLike,
    close_stream,
    find_input,
    sounddevice_module,
)
from app.audio.levels import Level, measure
from app.errors import NoInputDevice

StreamFactory = Callable[..., InputStreamLike]


class LevelMonitor:
    """Opens an input stream and keeps its latest level; nothing is written anywhere.

    The callback only replaces ``level`` (one assignment), so readers on other threads poll it
    at the rate they repaint, and nothing ever waits inside the audio callback.
    """

    def __init__(
        self,
        *,
        device: InputDevice | str | int | None = None,
        stream_factory: StreamFactory | None = None,
    ) -> None:
        self._device_spec = device
        self._stream_factory = stream_factory
        self._stream: InputStreamLike | None = None
        self.device: InputDevice | None = None
        self.level = Level()

    @property
    def running(self) -> bool:
        return self._stream is not None

    def start(self) -> InputDevice:
        """Open the device (slow on some systems: call it off the UI thread)."""
        spec = self._device_spec
        device = spec if isinstance(spec, InputDevice) else find_input(spec or None)
        factory = self._stream_factory or sounddevice_module().InputStream
        rate = round(device.default_samplerate) or 16000
        try:
            stream = factory(
                device=device.index,
                samplerate=rate,
                channels=1,
                dtype="float32",
                callback=self._callback(rate),
            )
            stream.start()
        except NoInputDevice:
            raise
        except Exception as exc:
            raise NoInputDevice(
                f"The microphone '{device.name}' could not be opened for the check.",
                "Choose another input with --device, or check it is not in use elsewhere.",
                ui_hint="Choose another microphone in Settings, or close other programs that "
                "may be using it.",
                details=f"{type(exc).__name__}: {exc}",
            ) from exc
        self.device, self._stream = device, stream
        return device

    def _callback(self, rate: int) -> Callable[..., None]:
        def callback(indata: Any, frames: int, _time: Any, _status: Any) -> None:
            # A check keeps nothing, so measuring here (a few µs of numpy) loses nothing.
            self.level = measure(indata, seconds=frames / rate, previous=self.level)

        return callback

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            close_stream(stream, timeout_s=2.0)
