"""The recorder and the microphone check, as Qt objects whose signals arrive on the main thread.

The core ``Recorder`` calls plain callables from its own threads (writer, watchdog); here
they become queued signals. Opening and closing a device can take a second or more (PortAudio,
PulseAudio), so start and stop run through ``ui.tasks``. Nothing here touches a widget.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.audio.levels import Level, measure
from app.errors import NoInputDevice
from app.services import Services
from ui import tasks

log = logging.getLogger(__name__)

RecorderFactory = Callable[..., Any]
StreamFactory = Callable[..., Any]


def default_recorder_factory(*args: Any, **kwargs: Any) -> Any:
    # Imported here: the recorder pulls in numpy and the sound stack, not needed at start-up.
    from app.audio.recorder import Recorder

    return Recorder(*args, **kwargs)


class RecordingSession(QObject):
    """One take of one interview, driven from the UI."""

    level = Signal(object)  # app.audio.levels.Level
    event = Signal(str, str)  # kind ("device-stopped", "disk-full", ...), message
    state_changed = Signal(str)  # starting, recording, paused, stopping, stopped, failed
    stopped = Signal(object)  # RecordingResult
    failed = Signal(object)  # the exception that stopped start() or stop()
    _ended = Signal(str, str)  # internal: the recorder ended the take itself

    def __init__(
        self,
        services: Services,
        interview_id: int,
        *,
        device: str | int | None = None,
        recorder_factory: RecorderFactory | None = None,
        stream_factory: StreamFactory | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.interview_id = interview_id
        extra: dict[str, Any] = {}
        if stream_factory is not None:
            extra["stream_factory"] = stream_factory
        self.recorder = (recorder_factory or default_recorder_factory)(
            services.store,
            services.paths,
            interview_id,
            device=device or None,
            on_level=self.level.emit,  # emitted on the writer thread, queued to ours
            on_event=self._on_event,
            **extra,
        )
        self.state = "idle"
        self.result: Any = None
        self._ended.connect(self._handle_end)

    def _set_state(self, state: str) -> None:
        self.state = state
        self.state_changed.emit(state)

    def _on_event(self, kind: str, message: str) -> None:
        # Writer or watchdog thread: hand over to the main thread, where state lives.
        self._ended.emit(kind, message)

    def _handle_end(self, kind: str, message: str) -> None:
        # The recorder has already closed the take and stored what it kept.
        self.result = self.recorder.result
        self._set_state("stopped")
        self.event.emit(kind, message)
        self.stopped.emit(self.result)

    # -- controls -------------------------------------------------------------------------

    def start(self) -> tasks.Task:
        self._set_state("starting")

        def failed(error: BaseException) -> None:
            self._set_state("failed")
            self.failed.emit(error)

        return tasks.run_task(
            "start recording",
            self.recorder.start,
            on_success=lambda _r: self._set_state(self.recorder.state),
            on_failure=failed,
        )

    def pause(self) -> None:
        self.recorder.pause()
        self._set_state(self.recorder.state)

    def resume(self) -> None:
        self.recorder.resume()
        self._set_state(self.recorder.state)

    def next_question(self) -> int:
        return self.recorder.next_question()

    def previous_question(self) -> int:
        return self.recorder.previous_question()

    @property
    def question_index(self) -> int:
        return self.recorder.question_index

    @property
    def elapsed_s(self) -> float:
        return self.recorder.elapsed_s

    @property
    def active(self) -> bool:
        return self.state in ("starting", "recording", "paused", "stopping")

    def stop(self) -> tasks.Task | None:
        if self.state in ("stopped", "failed", "idle", "stopping"):
            return None
        self._set_state("stopping")

        def done(result: Any) -> None:
            self.result = result
            self._set_state("stopped")
            self.stopped.emit(result)

        def failed(error: BaseException) -> None:
            self._set_state("failed")
            self.failed.emit(error)

        return tasks.run_task(
            "stop recording", self.recorder.stop, on_success=done, on_failure=failed
        )

    def stop_now(self) -> None:
        """At shutdown: finish the take on this thread (the event loop is ending)."""
        if self.recorder.state in ("recording", "paused"):
            try:
                self.recorder.stop()
            except Exception:
                log.exception("Stopping the recorder at shutdown failed")


class MicCheck(QObject):
    """Listens to the input and reports its level; nothing is written anywhere."""

    level = Signal(object)
    failed = Signal(object)
    running_changed = Signal(bool)

    def __init__(
        self,
        *,
        device: Any = None,
        stream_factory: StreamFactory | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.device = device
        self.stream_factory = stream_factory
        self.device_name = ""
        self._stream: Any = None
        self._level = Level()
        self._lock = threading.Lock()
        self.running = False

    def start(self) -> tasks.Task:
        def open_stream() -> Any:
            from app.audio.devices import InputDevice, find_input, sounddevice_module

            if isinstance(self.device, InputDevice):
                device = self.device
            else:
                device = find_input(self.device or None)
            factory = self.stream_factory or sounddevice_module().InputStream
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
                    f"The input '{device.name}' could not be opened for the check ({exc}).",
                    "Choose another input in Settings, or check it is not in use elsewhere.",
                ) from exc
            return device.name, stream

        def opened(result: tuple[str, Any]) -> None:
            self.device_name, self._stream = result
            self.running = True
            self.running_changed.emit(True)

        return tasks.run_task(
            "microphone check", open_stream, on_success=opened, on_failure=self.failed.emit
        )

    def _callback(self, rate: int) -> Callable[..., None]:
        def callback(indata: Any, frames: int, _time: Any, _status: Any) -> None:
            # A check keeps nothing, so measuring here (a few µs of numpy) loses nothing.
            self._level = measure(indata, seconds=frames / rate, previous=self._level)
            self.level.emit(self._level)

        return callback

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except Exception as exc:
                log.debug("Closing the check stream: %s", exc)
        if self.running:
            self.running = False
            self.running_changed.emit(False)
