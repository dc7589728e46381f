"""Recording a take so that no failure costs more than about a second of audio.

Only plain assignments and a ``queue.SimpleQueue`` connect the threads, so nothing can make
the audio callback wait:

- the audio callback (PortAudio's thread) copies each block into the queue and notes the time;
- ``TakeWriter``'s threads drain the queue into the WAV, fsync it and store markers;
- the watchdog notices when callbacks stop (an unplugged microphone: PortAudio does not say so)
  and finishes the take.

The database row exists, with status "recording", before the first frame, and the file is
locked while it is written: ``app.audio.recovery`` repairs any unlocked take left in that state.

On a call (``interview.on_call``) a second stream, the computer's sound output, is read by
``app.audio.call_capture`` on its own thread into the same queue; the take is then two channels
(0: the microphone, the person at this laptop; 1: the call, the other person), paired by
``app.audio.channel_align``. Where the output cannot be recorded the take is the microphone
alone and ``call.note`` says why; when the output vanishes mid-take the call channel turns to
silence (never the microphone) and ``on_notice("call-stopped", ...)`` says so.
"""

from __future__ import annotations

import errno
import logging
import queue
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from app.audio import levels, takes
from app.audio.call_capture import Loopback, find_loopback
from app.audio.call_channel import CallChannel, NoticeHandler
from app.audio.devices import (
    InputDevice,
    InputStreamLike,
    StreamFactory,
    close_stream,
    describe_inputs,
    list_inputs,
    resolve,
    sounddevice_module,
)
from app.audio.take_writer import BlockConsumer, LevelHandler, TakeWriter
from app.audio.wav_writer import WavWriter, WriterFactory
from app.clock import format_clock
from app.errors import BuddyError, DeviceFormatRefused
from app.models import Marker
from app.paths import Paths
from app.store import Store
from app.wording import plural

log = logging.getLogger(__name__)

#: Callbacks normally arrive every few tens of milliseconds; this long without one means the
#: device has gone. Kept under 2 s so the user hears about it quickly.
WATCHDOG_TIMEOUT_S = 1.5
#: Opening some devices (or a PulseAudio sink without a reader) delays the first block.
FIRST_BLOCK_GRACE_S = 3.0
#: fsync period: a power cut loses at most this plus what is still queued (kill -9: the queue).
SYNC_INTERVAL_S = 0.5
#: A stream that will not stop (a vanished device) must not hang the app.
STREAM_CLOSE_TIMEOUT_S = 3.0

State = Literal["idle", "recording", "paused", "stopping", "stopped"]
#: (kind, message), kind one of "device-stopped", "disk-full", "write-failed": the take ended.
EventHandler = Callable[[str, str], None]


@dataclass(frozen=True)
class RecordingResult:
    recording_id: int
    path: Path
    status: str  # "complete" or "stopped-early"
    duration_s: float
    frames: int
    sample_rate: int
    channels: int
    overflows: int
    max_writer_lag_s: float
    message: str = ""


@dataclass(frozen=True)
class RecorderStats:
    frames_written: int
    overflows: int
    max_writer_lag_s: float  # longest time from a block's callback to its write
    blocks: int  # callbacks received
    backlog_blocks: int  # blocks waiting for the writer now


class Recorder:
    """One take of one interview: ``start()``, markers and pauses, then ``stop()``."""

    def __init__(
        self,
        store: Store,
        paths: Paths,
        interview_id: int,
        *,
        device: InputDevice | int | str | None = None,
        stream_factory: StreamFactory | None = None,
        writer_factory: WriterFactory | None = None,
        clock: Callable[[], float] = time.monotonic,
        free_space: Callable[[Path], Any] = shutil.disk_usage,
        on_level: LevelHandler | None = None,
        on_event: EventHandler | None = None,
        channels: int = 1,
        samplerate: int | None = None,
        latency: float | str = "high",
        watchdog_timeout_s: float = WATCHDOG_TIMEOUT_S,
        sync_interval_s: float = SYNC_INTERVAL_S,
        call: bool | None = None,
        loopback: Callable[[], Loopback] = find_loopback,
        on_call_level: LevelHandler | None = None,
        on_notice: NoticeHandler | None = None,
    ) -> None:
        self._store = store
        self._paths = paths
        self.interview_id = interview_id
        self._device_spec = device
        self._stream_factory = stream_factory
        self._writer_factory: WriterFactory = writer_factory or WavWriter
        self._clock = clock
        self._free_space = free_space
        self._on_level = on_level
        self._on_event = on_event
        self._channels = channels
        self._samplerate = samplerate
        self._latency = latency
        self._watchdog_s = watchdog_timeout_s
        self._sync_s = sync_interval_s
        interview = store.interview(interview_id)
        # Question count bounds next_question(); 0 means the interview has no script.
        self._question_count = len(interview.questions)
        self._on_call_level = on_call_level

        self._queue: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        wanted = interview.on_call if call is None else call
        #: The call's side of a call take (None: not a call).
        self.call: CallChannel | None = None
        if wanted:
            self.call = CallChannel(
                self._queue,
                find=loopback,
                roles=[interview.here_role, interview.call_role],
                clock=clock,
                on_notice=on_notice,
            )
        self._state: State = "idle"
        self._state_lock = threading.Lock()  # never taken by the audio callback
        self._finished = threading.Event()
        self._question_index = 0
        # Written by the audio callback only (plain assignments).
        self._last_callback = 0.0
        self._started_at = 0.0
        self._blocks = 0
        self._overflows = 0

        self.device: InputDevice | None = None
        self.samplerate = 0
        self.channels = 0
        self.recording_id: int | None = None
        self.path: Path | None = None
        self.result: RecordingResult | None = None
        self.stall_detected_after_s: float | None = None
        self._stream: InputStreamLike | None = None
        self._take: TakeWriter | None = None
        self._lock_fd: int | None = None
        self._devices: list[InputDevice] = []
        self._consumers: list[BlockConsumer] = []

    # -- what the UI reads -------------------------------------------------------------------

    @property
    def state(self) -> State:
        return self._state

    @property
    def level(self) -> levels.Level:
        return self._take.level if self._take else levels.SILENT

    @property
    def call_level(self) -> levels.Level:
        return self._take.call_level if self._take else levels.SILENT

    @property
    def on_call(self) -> bool:
        """True when this take records the call's sound as its second channel."""
        return self.call is not None and self.call.recording

    @property
    def question_index(self) -> int:
        return self._question_index

    @property
    def elapsed_s(self) -> float:
        """Seconds of audio in the file so far (pauses excluded)."""
        return self._take.position_s if self._take else 0.0

    @property
    def stats(self) -> RecorderStats:
        take = self._take
        return RecorderStats(
            frames_written=take.frames if take else 0,
            overflows=self._overflows,
            max_writer_lag_s=take.max_lag_s if take else 0.0,
            blocks=self._blocks,
            backlog_blocks=self._queue.qsize(),
        )

    def add_block_consumer(self, consumer: BlockConsumer) -> None:
        """Hear every block written to the take, on the writer thread (before ``start``)."""
        if self._state != "idle":
            raise RuntimeError("Add block consumers before the take starts.")
        self._consumers.append(consumer)

    # -- starting ----------------------------------------------------------------------------

    def start(self) -> None:
        """Open the device and the file, then record. Raises before anything is stored when
        the disk is too full or the device is missing or refuses the format."""
        if self._state != "idle":
            raise RuntimeError("A Recorder records one take; make a new one for the next.")
        device = self._resolve_device()
        # On a call the microphone is one channel and the call the other.
        mic_channels = 1 if self.call else max(1, min(self._channels, 2, device.channels))
        channels = 2 if self.call else mic_channels
        rate = int(self._samplerate or round(device.default_samplerate))
        takes.check_free_space(
            self._paths.audio,
            bytes_per_second=rate * channels * 2,  # PCM_16: 2 bytes a sample
            rate=rate,
            free_space=self._free_space,
        )
        stream = self._open_stream(device, rate, mic_channels)
        try:
            if self.call is not None and not self.call.open(rate):
                channels = 1  # the take goes on with the microphone alone; call.note says why
            writer, path, relative = takes.create_take_file(
                self._store,
                self._paths,
                self.interview_id,
                writer_factory=self._writer_factory,
                samplerate=rate,
                channels=channels,
            )
        except BaseException:
            stream.close()
            self._close_call()
            raise
        self.device, self.samplerate, self.channels = device, rate, channels
        self._stream, self.path = stream, path
        try:
            self._lock_fd = takes.hold_lock(path)
            # The row exists before the first frame: if we die from here on, recovery finds it.
            record = self._store.add_recording(
                self.interview_id,
                path=relative,
                source="recorded",
                status="recording",
                sample_rate=rate,
                channels=channels,
                device=self.call.describe(device.name) if self.call else device.name,
                channel_roles=self.call.roles if self.on_call and self.call else None,
            )
            self.recording_id = record.id
            self._store.add_marker(record.id, Marker(kind="question", time_s=0.0, question_index=0))
        except BaseException:
            stream.close()
            self._close_call()
            writer.close()
            takes.release_lock(self._lock_fd)
            path.unlink(missing_ok=True)  # no row points at it (or the row says "recording")
            raise

        recording_id = record.id
        self._take = TakeWriter(
            writer,
            self._queue,
            samplerate=rate,
            clock=self._clock,
            sync_interval_s=self._sync_s,
            save_marker=lambda marker: self._store.add_marker(recording_id, marker),
            on_level=self._on_level,
            on_failure=self._writer_failed,
            aligner=self.call.aligner if self.call else None,
            on_call_level=self._on_call_level,
            on_call_lost=self.call.stopped if self.call else None,
            consumers=self._consumers,
        )
        self._last_callback = self._started_at = self._clock()
        self._state = "recording"
        self._take.start()
        threading.Thread(target=self._watch, name="recorder-watchdog", daemon=True).start()
        try:
            stream.start()
        except Exception as exc:
            message = f"The microphone '{device.name}' would not start."
            self._end(status="stopped-early", message=message, event=None)
            raise DeviceFormatRefused(message, details=self._details(exc)) from exc

    def _close_call(self) -> None:
        if self.call is not None:
            self.call.close()

    def _resolve_device(self) -> InputDevice:
        if isinstance(self._device_spec, InputDevice):
            return self._device_spec
        self._devices = list_inputs()
        return resolve(self._device_spec, self._devices)

    def _device_list(self) -> str:
        return describe_inputs(self._devices) if self._devices else ""

    def _details(self, exc: BaseException) -> str:
        """The device's own words and what exists: for "Copy details" and the CLI."""
        return f"{type(exc).__name__}: {exc}\n{self._device_list()}".rstrip()

    def _open_stream(self, device: InputDevice, rate: int, channels: int) -> InputStreamLike:
        factory = self._stream_factory or sounddevice_module().InputStream
        try:
            return factory(
                device=device.index,
                samplerate=rate,
                channels=channels,
                dtype="float32",
                latency=self._latency,
                callback=self._callback,
            )
        except BuddyError:
            raise
        except Exception as exc:  # PortAudioError, ValueError: the device said no
            raise DeviceFormatRefused(
                f"The microphone '{device.name}' could not be opened for recording.",
                details=f"{plural(channels, 'channel')} at {rate} Hz: {self._details(exc)}",
            ) from exc

    # -- during the take ---------------------------------------------------------------------

    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        # PortAudio's thread: copy and hand over, nothing that can wait.
        now = self._clock()
        overflow = bool(status.input_overflow)
        if overflow:
            self._overflows += 1
        self._queue.put(("audio", indata.copy(), overflow, now))
        self._blocks += 1
        self._last_callback = now

    def pause(self) -> None:
        with self._state_lock:
            if self._state != "recording":
                return
            self._state = "paused"
        self._queue.put(("pause", self._clock()))

    def resume(self) -> None:
        with self._state_lock:
            if self._state != "paused":
                return
            self._state = "recording"
        self._queue.put(("resume", self._clock()))

    def next_question(self) -> int:
        """Mark the start of the next scripted question here; returns its index."""
        return self._move_question(+1)

    def previous_question(self) -> int:
        return self._move_question(-1)

    def _move_question(self, step: int) -> int:
        with self._state_lock:
            if self._state not in ("recording", "paused"):
                return self._question_index
            wanted = self._question_index + step
            last = self._question_count - 1 if self._question_count else wanted
            if wanted < 0 or wanted > last:
                return self._question_index
            self._question_index = wanted
        self._queue.put(("question", wanted))
        return wanted

    # -- the watchdog ------------------------------------------------------------------------

    def _watch(self) -> None:
        while not self._finished.wait(0.05):
            if self._state not in ("recording", "paused"):
                continue
            limit = self._watchdog_s if self._blocks else max(self._watchdog_s, FIRST_BLOCK_GRACE_S)
            silent_for = self._clock() - self._last_callback
            if silent_for > limit:
                self.stall_detected_after_s = silent_for
                message = (
                    f"The microphone stopped sending sound {format_clock(self.elapsed_s)} into "
                    f"the take (was it unplugged?), so recording stopped. Everything recorded "
                    f"up to then is kept."
                )
                self._end(status="stopped-early", message=message, event="device-stopped")
                return

    # -- stopping ----------------------------------------------------------------------------

    def stop(self) -> RecordingResult:
        """Finish the take (idempotent); returns what was recorded, however it ended."""
        if self._state == "idle":
            raise RuntimeError("The recorder was never started.")
        self._end(status="complete", message="", event=None)
        assert self.result is not None
        return self.result

    def _writer_failed(self, failure: OSError) -> None:
        # Called on the writer thread, after it closed the file.
        full = failure.errno in (errno.ENOSPC, errno.EDQUOT)
        self._end(
            status="stopped-early",
            message=self._failure_message(failure),
            event="disk-full" if full else "write-failed",
        )

    def _failure_message(self, failure: OSError) -> str:
        at = format_clock(self.elapsed_s)
        if failure.errno in (errno.ENOSPC, errno.EDQUOT):
            return (
                f"The disk filled up {at} into the take, so recording stopped. "
                f"Everything recorded up to then is kept."
            )
        reason = failure.strerror or str(failure)
        return (
            f"Writing the recording failed {at} into the take ({reason}), so recording "
            f"stopped. Everything recorded up to then is kept."
        )

    def _end(self, *, status: str, message: str, event: str | None) -> None:
        take = self._take
        writer_thread = take.thread if take else None
        with self._state_lock:
            first = self._state not in ("stopping", "stopped")
            if first:
                self._state = "stopping"
        if not first:
            # The writer thread must not wait for a stop that is waiting for it.
            if threading.current_thread() is not writer_thread:
                self._finished.wait()
            return
        try:
            if self._stream is not None:
                close_stream(self._stream, timeout_s=STREAM_CLOSE_TIMEOUT_S)
            self._close_call()  # its last blocks are queued before "stop"
            self._queue.put(("stop", self._clock()))
            if take is not None and writer_thread is not threading.current_thread():
                take.join()
            if take is not None and take.failure is not None and status == "complete":
                # The disk failed while the user was stopping: say so, not "complete".
                status, message = "stopped-early", self._failure_message(take.failure)
            self._finalise(status, message)
        finally:
            self._state = "stopped"
            self._finished.set()
        if event and self._on_event is not None:
            try:
                self._on_event(event, message)
            except Exception:
                log.exception("An event listener failed")

    def _finalise(self, status: str, message: str) -> None:
        assert self.recording_id is not None and self.path is not None
        take = self._take
        frames = take.frames if take else 0
        duration = frames / self.samplerate
        # A call take that lost (or never had) the call's sound says so wherever it is shown.
        if self.call is not None:
            message = " ".join(
                part for part in (message, self.call.note, self.call.message) if part
            )
        try:
            self._store.update_recording(
                self.recording_id, status=status, duration_s=duration, message=message
            )
            if frames:
                self._store.update_interview(self.interview_id, status="recorded")
        except Exception as exc:
            # The file is safe; the row stays "recording" and start-up recovery completes it.
            log.warning("Storing the end of the take failed: %s", exc)
            message = (
                f"{message} The take's details could not be saved ({exc}); they will be "
                f"repaired the next time the app starts."
            ).strip()
        if take is not None and take.unsaved_markers:
            log.warning("%d markers could not be stored", take.unsaved_markers)
        if take is not None and take.first_block_at is not None:
            log.debug(
                "The first block came %.3f s after start", take.first_block_at - self._started_at
            )
        takes.release_lock(self._lock_fd)
        self._lock_fd = None
        self.result = RecordingResult(
            recording_id=self.recording_id,
            path=self.path,
            status=status,
            duration_s=duration,
            frames=frames,
            sample_rate=self.samplerate,
            channels=self.channels,
            overflows=self._overflows,
            max_writer_lag_s=take.max_lag_s if take else 0.0,
            message=message,
        )
