"""The microphone check: live levels from an input without recording anything."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

import numpy as np

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

    The callback only appends a copy of the block to a deque (atomic, never waits); the
    level, whose voice judgement costs a little numpy, is worked out when a reader asks for
    it (the meter polls at the rate it repaints), on the reader's thread. One reader at a time.
    """

    #: Blocks kept for the reader: about 4 s at small block sizes; older ones are dropped.
    PENDING_BLOCKS = 800

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
        self._level = Level()
        self._rate = 16000
        self._pending: deque[np.ndarray] = deque(maxlen=self.PENDING_BLOCKS)

    @property
    def level(self) -> Level:
        """The level of everything heard since the last call, judged with what came before."""
        blocks = []
        while self._pending:
            blocks.append(self._pending.popleft())
        if blocks:
            block = np.concatenate(blocks) if len(blocks) > 1 else blocks[0]
            self._level = measure(block, seconds=len(block) / self._rate, previous=self._level)
        return self._level

    @property
    def running(self) -> bool:
        return self._stream is not None

    def start(self) -> InputDevice:
        """Open the device (slow on some systems: call it off the UI thread)."""
        spec = self._device_spec
        device = spec if isinstance(spec, InputDevice) else find_input(spec or None)
        factory = self._stream_factory or sounddevice_module().InputStream
        rate = round(device.default_samplerate) or 16000
        self._pending.clear()
        self._level = Level()  # a new check judges what it hears, not the last one
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
        self._rate = rate

        def callback(indata: Any, frames: int, _time: Any, _status: Any) -> None:
            # PortAudio reuses its buffer: keep a copy of the first channel, nothing more.
            self._pending.append(np.array(indata[:, 0] if indata.ndim > 1 else indata))

        return callback

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            close_stream(stream, timeout_s=2.0)
