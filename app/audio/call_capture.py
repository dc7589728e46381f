"""The call's side of a remote interview: what the computer plays, captured as a second stream.

``soundcard`` records the sound output through the platform's loopback: the sink's monitor on
PulseAudio/PipeWire, WASAPI loopback on Windows. macOS has no loopback of its own, and without
a running sound server there is nothing to record; both raise ``CallAudioUnavailable`` so the
take can go on with the microphone alone.

soundcard is imported only here, lazily: at import it asserts that a sound server answers.

The trap: when the output device disappears mid-take, PulseAudio moves a loopback stream to
another source (usually the microphone) and both streams keep delivering. The call channel
would silently become a second copy of the microphone. On PulseAudio the stream is therefore
opened with DONT_MOVE, so the server kills it instead and reading fails about a second later;
the capture thread reports that as the call being lost and stops.

A thread reads the stream (soundcard's reading blocks, so it cannot be a callback) and hands
each block, mixed to mono, to ``on_block`` together with the moment it arrived. That is all it
does: the recorder's queue takes it from there.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from app.audio.levels import Level, measure
from app.errors import CallAudioUnavailable

log = logging.getLogger(__name__)

#: Frames per read: 50 ms at 16 kHz, small enough that the writer rarely waits for the call.
BLOCK_S = 0.05
#: How long opening the loopback may take before we give up on it.
OPEN_TIMEOUT_S = 10.0
#: How long stop() waits for the reading thread (a vanished device can hang a read).
STOP_TIMEOUT_S = 3.0


class LoopbackReader(Protocol):
    def record(self, numframes: int) -> np.ndarray: ...


#: (samplerate, blocksize) -> a context manager yielding a reader of frames x channels.
LoopbackOpener = Callable[[int, int], contextlib.AbstractContextManager[LoopbackReader]]


@dataclass(frozen=True)
class Loopback:
    """The call's sound as the platform offers it."""

    name: str  # the output device it mirrors, for messages
    open: LoopbackOpener


def _soundcard() -> Any:
    try:
        import soundcard
    except ImportError as exc:
        raise CallAudioUnavailable(
            f"The call's sound cannot be recorded: a sound library is missing ({exc})."
        ) from exc
    except Exception as exc:  # AssertionError/RuntimeError: no sound server answered
        log.warning("No sound server for the call's sound: %r", exc)
        raise CallAudioUnavailable(
            "The call's sound cannot be recorded: the computer's sound system "
            "(PulseAudio or PipeWire) is not running."
        ) from exc
    return soundcard


def find_loopback() -> Loopback:
    """The loopback of the default sound output, or CallAudioUnavailable saying why not."""
    if sys.platform == "darwin":
        raise CallAudioUnavailable(
            "This Mac cannot record the call's sound by itself.",
            "To record both voices apart, install a virtual loopback sound device and send the "
            "call's sound to it; until then the call is heard only through the microphone.",
        )
    sc = _soundcard()
    try:
        speaker = sc.default_speaker()
    except Exception as exc:
        log.warning("No default sound output: %r", exc)
        raise CallAudioUnavailable(
            "The call's sound cannot be recorded: this computer has no sound output."
        ) from exc
    source = None
    # PulseAudio names the loopback "<sink>.monitor" (the bare sink id raises IndexError);
    # WASAPI takes the speaker's own id.
    for wanted in (f"{speaker.id}.monitor", speaker.id, speaker.name):
        try:
            source = sc.get_microphone(wanted, include_loopback=True)
        except Exception:
            continue
        if getattr(source, "isloopback", True):
            break
        source = None
    if source is None:
        raise CallAudioUnavailable(
            f"The call's sound cannot be recorded: '{speaker.name}' offers no loopback."
        )
    return Loopback(name=str(speaker.name), open=_opener(sc, source))


def _opener(sc: Any, source: Any) -> LoopbackOpener:
    backend = sys.modules.get(type(source).__module__)
    pulse = backend is not None and backend.__name__ == "soundcard.pulseaudio"
    if pulse and hasattr(backend, "_Recorder") and hasattr(backend, "_pa"):

        def open_pulse(rate: int, blocksize: int) -> contextlib.AbstractContextManager[Any]:
            return _dont_move_recorder(backend)(source._id, rate, source.channels, blocksize)

        return open_pulse

    def open_any(rate: int, blocksize: int) -> contextlib.AbstractContextManager[Any]:
        # Every channel, mixed down later: a one-channel WASAPI loopback returns garbage.
        return source.recorder(samplerate=rate, channels=source.channels, blocksize=blocksize)

    return open_any


def _dont_move_recorder(pulseaudio: Any) -> type:
    """soundcard's PulseAudio recorder, connected with DONT_MOVE (see the module docstring)."""
    pa, pulse, ffi = pulseaudio._pa, pulseaudio._pulse, pulseaudio._ffi

    class DontMoveRecorder(pulseaudio._Recorder):  # type: ignore[misc, name-defined]
        def _connect_stream(self, bufattr: Any) -> None:
            flags = pa.PA_STREAM_ADJUST_LATENCY | pa.PA_STREAM_DONT_MOVE
            pulse._pa_stream_connect_record(self.stream, self._id.encode(), bufattr, flags)

            @ffi.callback("pa_stream_request_cb_t")
            def read_callback(stream: Any, nbytes: Any, userdata: Any) -> None:
                self._record_event.set()

            self._callback = read_callback  # kept alive as long as the stream
            pulse._pa_stream_set_read_callback(self.stream, read_callback, ffi.NULL)

    return DontMoveRecorder


BlockHandler = Callable[[np.ndarray, float], None]  # (mono float32 frames, arrival time)
LostHandler = Callable[[str], None]  # why the call's stream ended


class LoopbackCapture:
    """Reads the call's sound on its own thread until ``stop()`` or until the stream fails."""

    def __init__(
        self,
        loopback: Loopback,
        *,
        samplerate: int,
        on_block: BlockHandler,
        on_lost: LostHandler,
        clock: Callable[[], float] = time.monotonic,
        block_s: float = BLOCK_S,
    ) -> None:
        self.loopback = loopback
        self.samplerate = samplerate
        self._on_block = on_block
        self._on_lost = on_lost
        self._clock = clock
        self._blocksize = max(1, int(samplerate * block_s))
        self._stop = threading.Event()
        self._opened = threading.Event()
        self._open_error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="call-capture", daemon=True)
        self.frames = 0
        self.lost_reason: str | None = None

    def start(self) -> None:
        """Open the loopback (on the reading thread: soundcard streams belong to one thread)
        and start reading; raises CallAudioUnavailable when it will not open."""
        self._thread.start()
        if not self._opened.wait(OPEN_TIMEOUT_S):
            self._stop.set()
            raise CallAudioUnavailable(
                f"The call's sound ('{self.loopback.name}') did not start within "
                f"{OPEN_TIMEOUT_S:.0f} seconds."
            )
        if self._open_error is not None:
            raise CallAudioUnavailable(
                f"The call's sound ('{self.loopback.name}') cannot be recorded "
                f"({self._open_error})."
            ) from self._open_error

    def stop(self, *, wait: bool = True) -> None:
        """Stop reading; ``wait`` False (the writer thread) only asks, never waits."""
        self._stop.set()
        if not wait:
            return
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(STOP_TIMEOUT_S)
            if self._thread.is_alive():
                log.warning("The call's sound stream did not close within %s s", STOP_TIMEOUT_S)

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and not self._stop.is_set()

    def _run(self) -> None:
        try:
            with self._open() as reader:
                self._opened.set()
                while not self._stop.is_set():
                    block = np.asarray(reader.record(self._blocksize), dtype=np.float32)
                    stamp = self._clock()
                    if block.ndim == 2 and block.shape[1] > 1:
                        mono = block.mean(axis=1, dtype=np.float32)
                    else:
                        mono = block.reshape(-1)
                    self.frames += len(mono)
                    self._on_block(mono, stamp)
        except Exception as exc:
            if not self._opened.is_set():
                self._open_error = exc
                self._opened.set()
                return
            if self._stop.is_set():
                return  # it failed while we were closing it anyway
            self.lost_reason = f"{type(exc).__name__}: {exc}"
            log.warning("The call's sound stream ended: %s", self.lost_reason)
            try:
                self._on_lost(self.lost_reason)
            except Exception:
                log.exception("A call-lost listener failed")

    @contextlib.contextmanager
    def _open(self) -> Iterator[LoopbackReader]:
        with self.loopback.open(self.samplerate, self._blocksize) as reader:
            yield reader


class CallLevelMonitor:
    """The call's side of the microphone check: the level of what this computer plays, with
    nothing kept. Shows before recording that the call's sound can be heard at all."""

    def __init__(
        self, *, find: Callable[[], Loopback] | None = None, samplerate: int = 16000
    ) -> None:
        self._find = find or find_loopback
        self._rate = samplerate
        self._capture: LoopbackCapture | None = None
        self.level = Level()
        self.name = ""

    def start(self) -> str:
        """Open the loopback (slow: off the UI thread); returns the output's name, or raises
        CallAudioUnavailable."""
        loopback = self._find()
        capture = LoopbackCapture(
            loopback,
            samplerate=self._rate,
            on_block=self._measure,
            on_lost=lambda _reason: setattr(self, "level", Level()),
        )
        capture.start()
        self._capture, self.name = capture, loopback.name
        return loopback.name

    def _measure(self, mono: np.ndarray, _stamp: float) -> None:
        # Our own reading thread, not a device callback: measuring here delays nothing.
        self.level = measure(mono, seconds=len(mono) / self._rate, previous=self.level)

    def stop(self) -> None:
        capture, self._capture = self._capture, None
        if capture is not None:
            capture.stop()
