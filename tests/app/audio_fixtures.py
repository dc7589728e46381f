"""Audio test doubles and a real microphone without hardware (a PulseAudio null sink).

Import the fixture into a test module that uses ``pulse_sink``:
``from tests.app.audio_fixtures import pulse_sink_fixture  # noqa: F401``
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from app.audio.devices import InputDevice

SINK = "testsink"
#: A call without hardware: what micsink plays is "the microphone" (its monitor is the default
#: source); callsink is the default sink, so it is "what the call plays".
MIC_SINK, CALL_SINK = "micsink", "callsink"
PULSE_START_TIMEOUT_S = 15.0


# -- a fake InputStream for unit tests of the recorder logic --------------------------------


@dataclass
class FakeStatus:
    input_overflow: bool = False


class FakeInputStream:
    """The ``sounddevice.InputStream`` interface, fed from an array by a thread.

    ``speed`` paces delivery (1.0 = real time, 20.0 = twenty times faster); ``stall_after_frames``
    stops the callbacks for good (an unplugged device); ``overflow_blocks`` flags those block
    numbers as overflowed. After the source runs out, silence follows.
    """

    def __init__(
        self,
        source: np.ndarray,
        *,
        callback: Any,
        samplerate: int,
        channels: int = 1,
        blocksize: int = 1024,
        speed: float = 20.0,
        stall_after_frames: int | None = None,
        overflow_blocks: frozenset[int] = frozenset(),
        **_ignored: Any,
    ) -> None:
        self.source = source.reshape(len(source), -1).astype(np.float32)
        self.callback = callback
        self.samplerate = samplerate
        self.channels = channels
        self.blocksize = blocksize
        self.speed = speed
        self.stall_after_frames = stall_after_frames
        self.overflow_blocks = overflow_blocks
        self.delivered = 0
        self.blocks = 0
        self.last_callback_at: float | None = None  # time.monotonic() after the last callback
        self.closed = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def active(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="fake-stream", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def close(self) -> None:
        self.stop()
        self.closed = True

    def block_at(self, start: int, frames: int) -> np.ndarray:
        block = np.zeros((frames, self.channels), np.float32)
        part = self.source[start : start + frames, : self.channels]
        block[: len(part), : part.shape[1]] = part
        return block

    def _run(self) -> None:
        period = self.blocksize / self.samplerate / self.speed
        next_at = time.monotonic()
        while not self._stop.is_set():
            if self.stall_after_frames is not None and self.delivered >= self.stall_after_frames:
                self._stop.wait()  # the device went away: no more callbacks, ever
                return
            block = self.block_at(self.delivered, self.blocksize)
            status = FakeStatus(input_overflow=self.blocks in self.overflow_blocks)
            self.callback(block, self.blocksize, None, status)
            self.delivered += self.blocksize
            self.blocks += 1
            self.last_callback_at = time.monotonic()
            next_at += period
            delay = next_at - time.monotonic()
            if delay > 0:
                self._stop.wait(delay)


@dataclass
class FakeStreamFactory:
    """Stands in for ``sounddevice.InputStream``; keeps the streams it made for inspection."""

    source: np.ndarray
    options: dict[str, Any] = field(default_factory=dict)
    refuse: Exception | None = None
    streams: list[FakeInputStream] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, **kwargs: Any) -> FakeInputStream:
        self.calls.append(kwargs)
        if self.refuse is not None:
            raise self.refuse
        kwargs = {k: v for k, v in kwargs.items() if k not in ("device", "dtype", "latency")}
        stream = FakeInputStream(self.source, **kwargs, **self.options)
        self.streams.append(stream)
        return stream


def fake_device(*, samplerate: int = 16000, channels: int = 1) -> InputDevice:
    return InputDevice(
        index=7,
        name="Fake microphone",
        hostapi="Test",
        channels=channels,
        default_samplerate=float(samplerate),
        is_default=True,
    )


# -- a real input: PulseAudio with a null sink ------------------------------------------------


@dataclass
class PulseSink:
    """A private PulseAudio server whose default input records what is played into ``SINK``."""

    env: dict[str, str]  # give this to every subprocess that imports sounddevice
    root: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    modules: dict[str, str] = field(default_factory=dict)  # sink name -> PulseAudio module id

    def play(self, path: Path, *, sink: str = SINK) -> subprocess.Popen[bytes]:
        """Start playing ``path`` into ``sink``; the caller waits for or kills it."""
        return subprocess.Popen(
            ["paplay", "-d", sink, str(path)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def pactl(self, *args: str) -> str:
        done = subprocess.run(
            ["pactl", *args], env=self.env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"pactl {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout.strip()

    def unload(self, sink: str) -> None:
        """Make ``sink`` vanish, as an unplugged headset does."""
        self.pactl("unload-module", self.modules.pop(sink))

    def close(self) -> None:
        for proc in reversed(self.processes):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        self.processes.clear()


def start_pulse(root: Path, *, rate: int = 16000, sinks: tuple[str, ...] = (SINK,)) -> PulseSink:
    """Start PulseAudio (as root it only warns) with null sinks, and a low-latency reader on
    each. The first sink's monitor is the default source; the last sink the default sink.

    Raises RuntimeError with the server's own words when it cannot start: tests must fail
    loudly, not skip, when the machine cannot give them a real input.
    """
    tools = ("pulseaudio", "pactl", "parec", "paplay")
    missing = [tool for tool in tools if not shutil.which(tool)]
    if missing:
        raise RuntimeError(
            f"{', '.join(missing)} not found: install pulseaudio and pulseaudio-utils (apt)."
        )
    runtime, home = root / "runtime", root / "home"
    runtime.mkdir(parents=True, exist_ok=True)
    home.mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o700)  # PulseAudio refuses a runtime dir others can read
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")}
    env.update(XDG_RUNTIME_DIR=str(runtime), HOME=str(home))
    sink = PulseSink(env=env, root=root)
    log_path = root / "pulseaudio.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [
                "pulseaudio",
                "-n",
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--disable-shm=true",
                "--load=module-native-protocol-unix",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    sink.processes.append(server)
    deadline = time.monotonic() + PULSE_START_TIMEOUT_S
    while True:
        probe = subprocess.run(["pactl", "info"], env=env, capture_output=True, check=False)
        if probe.returncode == 0:
            break
        if server.poll() is not None or time.monotonic() > deadline:
            sink.close()
            raise RuntimeError(
                "PulseAudio did not start:\n" + log_path.read_text(errors="replace")[-2000:]
            )
        time.sleep(0.1)
    try:
        for name in sinks:
            sink.modules[name] = sink.pactl(
                "load-module", "module-null-sink", f"sink_name={name}", f"rate={rate}", "channels=1"
            )
        sink.pactl("set-default-source", f"{sinks[0]}.monitor")
        sink.pactl("set-default-sink", sinks[-1])
    except RuntimeError:
        sink.close()
        raise
    flows = []
    for name in sinks:
        # Without a low-latency reader a null sink renders 2 s blocks and delays the first
        # capture by as much.
        reader = subprocess.Popen(
            ["parec", "-d", f"{name}.monitor", "--latency-msec=10"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        sink.processes.append(reader)
        # A fresh null sink first renders in 2 s blocks: parec's first bytes come ~1.9 s late,
        # and after them 10 ms chunks flow (measured). A recording started before then begins
        # late, which a test would count as lost audio; so wait for the first bytes.
        flowing = threading.Event()
        threading.Thread(target=_drain, args=(reader, flowing), daemon=True).start()
        flows.append(flowing)
    if not all(flowing.wait(PULSE_START_TIMEOUT_S) for flowing in flows):
        sink.close()
        raise RuntimeError("PulseAudio started, but a null sink never delivered sound.")
    return sink


def _drain(reader: subprocess.Popen[bytes], flowing: threading.Event) -> None:
    assert reader.stdout is not None
    while reader.stdout.read1(65536):
        flowing.set()


# Registered as "pulse_sink" under another Python name, so that test parameters called
# pulse_sink do not shadow the import (ruff F811).
@pytest.fixture(name="pulse_sink")
def pulse_sink_fixture(tmp_path: Path) -> Iterator[PulseSink]:
    try:
        sink = start_pulse(tmp_path / "pulse")
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield sink
    finally:
        sink.close()


@pytest.fixture(name="pulse_call")
def pulse_call_fixture(tmp_path: Path) -> Iterator[PulseSink]:
    """Two null sinks: ``MIC_SINK`` is the microphone, ``CALL_SINK`` what the call plays."""
    try:
        sink = start_pulse(tmp_path / "pulse", sinks=(MIC_SINK, CALL_SINK))
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield sink
    finally:
        sink.close()


# -- how well a recorded channel holds a known source ---------------------------------------


def best_match(recorded: np.ndarray, source: np.ndarray) -> tuple[float, int]:
    """(correlation, lag in frames) of ``source`` found inside ``recorded`` at its best lag.

    The correlation is Pearson's over the stretch where the source sits: 1.0 means the channel
    holds exactly that sound there (any gain), ~0 means it holds none of it.
    """
    recorded = np.asarray(recorded, np.float64).reshape(-1)
    source = np.asarray(source, np.float64).reshape(-1)
    size = 1 << int(np.ceil(np.log2(len(recorded) + len(source))))
    spectrum = np.fft.rfft(recorded, size) * np.conj(np.fft.rfft(source, size))
    xcorr = np.fft.irfft(spectrum, size)[: len(recorded)]
    # The raw cross-correlation peaks where the source sits (a stretch normalised by its own
    # energy would let a few quiet samples at the end win).
    lag = int(np.argmax(np.abs(xcorr)))
    piece = recorded[lag : lag + len(source)]
    ref = source[: len(piece)]
    if len(piece) < 2 or piece.std() == 0 or ref.std() == 0:
        return 0.0, lag
    return float(np.corrcoef(piece, ref)[0, 1]), lag


def piece_matches(recorded: np.ndarray, source: np.ndarray, rate: int) -> np.ndarray:
    """``best_match`` of each whole second of ``source`` in ``recorded``: one glitch (a busy
    machine's 10 ms dropout in the sound server) then spoils one piece, not the whole."""
    return np.array(
        [best_match(recorded, source[k : k + rate])[0] for k in range(0, len(source) - rate, rate)]
    )
