"""The recorder and the microphone check, as Qt objects whose signals arrive on the main thread.

The core ``Recorder`` calls plain callables from its own threads (writer, watchdog); here
they become queued signals. Opening and closing a device can take a second or more (PortAudio,
PulseAudio), so start and stop run through ``ui.tasks``. Nothing here touches a widget.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from app.audio.call_capture import CallLevelMonitor
from app.audio.monitor import LevelMonitor
from app.errors import CallAudioUnavailable
from app.services import Services
from ui import tasks

log = logging.getLogger(__name__)

RecorderFactory = Callable[..., Any]
StreamFactory = Callable[..., Any]


class RecordingSession(QObject):
    """One take of one interview, driven from the UI."""

    level = Signal(object)  # app.audio.levels.Level
    call_level = Signal(object)  # the call's channel, on a call take
    event = Signal(str, str)  # kind ("device-stopped", "disk-full", ...), message
    #: The take goes on: "call-unavailable" (microphone only), "call-stopped" (call channel lost)
    notice = Signal(str, str)
    state_changed = Signal(str)  # starting, recording, paused, stopping, stopped, failed
    stopped = Signal(object)  # RecordingResult
    failed = Signal(object)  # the exception that stopped start() or stop()
    _ended = Signal(str, str)  # internal: the recorder ended the take itself
    live_segments = Signal(object)  # list[Segment], as live transcription stores them
    live_finished = Signal(object)  # app.transcription.live.LiveOutcome, after the take

    def __init__(
        self,
        services: Services,
        interview_id: int,
        *,
        device: str | int | None = None,
        recorder_factory: RecorderFactory | None = None,
        stream_factory: StreamFactory | None = None,
        loopback: Callable[[], Any] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.interview_id = interview_id
        make = recorder_factory or services.recorder
        self.recorder = make(
            interview_id,
            device=device or None,
            on_level=self.level.emit,  # emitted on the writer thread, queued to ours
            on_event=self._on_event,
            stream_factory=stream_factory,
            on_call_level=self.call_level.emit,  # writer thread, queued to ours
            on_notice=self.notice.emit,
            **({"loopback": loopback} if loopback is not None else {}),
        )
        self.state = "idle"
        self.result: Any = None
        self._ended.connect(self._handle_end)
        # Live transcription (when the setting is on): a block consumer of the recorder.
        self.live: Any = None
        self._finisher: Any = None  # the engine that finishes the take after Stop
        if hasattr(self.recorder, "add_block_consumer"):
            try:
                self.live = services.live_transcriber(
                    on_segments=self.live_segments.emit, interview_id=interview_id
                )
            except Exception:
                # No model, say: recording must still work; the take is transcribed later.
                log.exception("Live transcription is not available")
            if self.live is not None:
                self.recorder.add_block_consumer(self.live)

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
        self._finish_live()

    def _finish_live(self) -> None:
        """Transcribe what is still queued and the last chunk, in the background."""
        live, self.live = self.live, None
        if live is None or live.recording_id is None:
            return
        finisher = self._finisher
        tasks.run_task(
            "finish live transcript",
            lambda: live.finish(engine=finisher),
            heavy=True,
            on_success=self.live_finished.emit,
            on_failure=lambda e: log.warning("Finishing live transcription failed: %s", e),
        )

    # -- controls -------------------------------------------------------------------------

    def start(self) -> tasks.Task:
        self._set_state("starting")

        def failed(error: BaseException) -> None:
            self._set_state("failed")
            self.failed.emit(error)

        def begin() -> None:
            self.recorder.start()
            if self.live is not None:
                try:
                    self.live.start(self.recorder.recording_id)
                    self._finisher = self.services.prepare_finishing_engine()
                except Exception:
                    # The take matters more than its live text: record on, transcribe later.
                    log.exception("Live transcription did not start")
                    self.live = None

        return tasks.run_task(
            "start recording",
            begin,
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
    def on_call(self) -> bool:
        """True when the take records the call's sound as a second channel."""
        return bool(getattr(self.recorder, "on_call", False))

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
            self._finish_live()

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
    """Shows the input's level without recording: a Qt face on the core's LevelMonitor."""

    level = Signal(object)
    call_level = Signal(object)  # on a call: the call's sound, checked as well
    call_note = Signal(str)  # on a call: why the call's sound cannot be checked (or "")
    failed = Signal(object)
    running_changed = Signal(bool)

    #: Meter refresh rate; the audio callback never waits for the UI.
    POLL_MS = 50

    def __init__(
        self,
        *,
        device: Any = None,
        stream_factory: StreamFactory | None = None,
        call: bool = False,
        loopback: Callable[[], Any] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.monitor = LevelMonitor(device=device, stream_factory=stream_factory)
        self.call_monitor = CallLevelMonitor(find=loopback) if call else None
        self.device_name = ""
        self.running = False
        self._timer = QTimer(self)
        self._timer.setInterval(self.POLL_MS)
        self._timer.timeout.connect(self._poll)

    def _poll(self) -> None:
        self.level.emit(self.monitor.level)
        if self.call_monitor is not None and self.call_monitor.name:
            self.call_level.emit(self.call_monitor.level)

    def start(self) -> tasks.Task:
        def open_both() -> tuple[Any, str]:
            device = self.monitor.start()
            note = ""
            if self.call_monitor is not None:
                try:
                    self.call_monitor.start()
                except CallAudioUnavailable as exc:
                    note = f"{exc.message} {exc.hint}".strip()
            return device, note

        def opened(result: tuple[Any, str]) -> None:
            device, note = result
            self.device_name = device.name
            self.running = True
            self._timer.start()
            self.running_changed.emit(True)
            if self.call_monitor is not None:
                self.call_note.emit(note)

        return tasks.run_task(
            "microphone check", open_both, on_success=opened, on_failure=self.failed.emit
        )

    def stop(self) -> None:
        self._timer.stop()
        self.monitor.stop()
        if self.call_monitor is not None:
            self.call_monitor.stop()
        if self.running:
            self.running = False
            self.running_changed.emit(False)
