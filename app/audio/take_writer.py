"""The disk side of a take: two threads behind the recorder's queue.

- The writer thread drains the queue in order and appends each block to the file. Pause,
  resume, question and overflow notes travel through the same queue, so their positions on
  the take's timeline are exact. It does nothing else that can wait.
- The syncer thread fsyncs the file about twice a second and stores markers. fsync can take
  most of a second while other programs write (measured: ~0.9 s behind a 20 MB write), and a
  marker insert can wait on a database checkpoint; kept apart, neither delays the writing, so a
  kill -9 (which keeps everything already written) loses only what is still queued.
"""

from __future__ import annotations

import errno
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from app.audio import levels
from app.audio.channel_align import ChannelAligner, CopyGuard
from app.audio.wav_writer import AudioWriter
from app.models import Marker

log = logging.getLogger(__name__)

#: How often listeners hear about levels: a meter needs no more than ~20 updates a second.
LEVEL_INTERVAL_S = 0.05
#: How long the writer waits for a block before checking for a failure again.
POLL_S = 0.1

LevelHandler = Callable[[levels.Level], None]
#: Handed every block as it is written: (block[frames, channels] float32, sample_rate). It runs
#: on the writer thread, so it must only hand the block on (e.g. put it in a queue).
BlockConsumer = Callable[[np.ndarray, int], None]


class TakeWriter:
    """Consumes ``feed`` items: ("audio", block, overflowed, stamp), ("question", index),
    ("pause", stamp), ("resume", stamp), ("stop", stamp); on a call also ("call", mono frames,
    stamp) and ("call-lost", stamp), paired with the microphone by ``aligner``."""

    def __init__(
        self,
        writer: AudioWriter,
        feed: queue.SimpleQueue[tuple[Any, ...]],
        *,
        samplerate: int,
        clock: Callable[[], float],
        sync_interval_s: float,
        save_marker: Callable[[Marker], object],
        on_level: LevelHandler | None = None,
        on_failure: Callable[[OSError], None] | None = None,
        aligner: ChannelAligner | None = None,
        on_call_level: LevelHandler | None = None,
        on_call_lost: Callable[[float], None] | None = None,
        consumers: Sequence[BlockConsumer] = (),
    ) -> None:
        self._writer = writer
        self._aligner = aligner
        self._guard = CopyGuard(samplerate) if aligner is not None else None
        self._on_call_level = on_call_level
        self._on_call_lost = on_call_lost
        self.call_level = levels.SILENT
        self._call_marked = False
        self._consumers = tuple(consumers)
        self._feed = feed
        self.samplerate = samplerate
        self._clock = clock
        self._sync_s = sync_interval_s
        self._save_marker = save_marker
        self._on_level = on_level
        self._on_failure = on_failure
        # Plain values other threads read.
        self.frames = 0
        self.max_lag_s = 0.0
        self.level = levels.SILENT
        self.failure: OSError | None = None
        self.first_block_at: float | None = None
        self._unsaved: list[Marker] = []
        self._markers_lock = threading.Lock()  # syncer vs. the final save; never the callback
        self._done = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._drain, name="take-writer", daemon=True)
        self._syncer = threading.Thread(target=self._sync_loop, name="take-syncer", daemon=True)

    @property
    def thread(self) -> threading.Thread:
        return self._thread

    @property
    def position_s(self) -> float:
        return self.frames / self.samplerate

    @property
    def unsaved_markers(self) -> int:
        return len(self._unsaved)

    def start(self) -> None:
        self._thread.start()
        self._syncer.start()

    def join(self) -> None:
        self._thread.join()

    # -- the writer thread -------------------------------------------------------------------

    def _drain(self) -> None:
        try:
            self._drain_until_stop()
        except OSError as exc:
            self.failure = self.failure or exc
        except Exception as exc:  # a bug must still leave a closed, playable file
            log.exception("The take writer failed")
            self.failure = self.failure or OSError(errno.EIO, str(exc))
        finally:
            self._done.set()
            self._wake.set()
            self._syncer.join()  # never close the file under a running fsync
            try:
                self._writer.close()
                self.frames = self._writer.frames  # the file's own count is the truth
            except Exception as exc:
                log.warning("Closing the take failed: %s", exc)
            self.save_markers()
        if self.failure is not None:
            log.warning("Writing the take failed: %s", self.failure)
            if self._on_failure is not None:
                self._on_failure(self.failure)

    def _drain_until_stop(self) -> None:
        paused_at: tuple[float, int] | None = None  # (clock, frame) where a pause began
        seen = 0  # frames received, paused or not: the meter keeps moving during a pause
        level_due = 0
        while self.failure is None:  # the syncer sets it when fsync fails
            try:
                item = self._feed.get(timeout=POLL_S)
            except queue.Empty:
                continue
            kind = item[0]
            if kind == "audio":
                _, block, overflowed, stamp = item
                if self.first_block_at is None:
                    self.first_block_at = stamp
                self.level = levels.measure(
                    block, seconds=len(block) / self.samplerate, previous=self.level
                )
                if paused_at is None and overflowed:
                    self._remember(Marker(kind="overflow", time_s=self.position_s))
                if self._aligner is not None:
                    # The file's frames follow once the call's matching frames are in.
                    paired = self._aligner.push_mic(block, stamp=stamp, keep=paused_at is None)
                    self._write_all(paired)
                elif paused_at is None:
                    self._write(block)
                if paused_at is None:
                    self.frames += len(block)  # the take's timeline, held frames included
                    self.max_lag_s = max(self.max_lag_s, self._clock() - stamp)
                seen += len(block)
                if seen >= level_due:
                    self._tell_level()
                    level_due = seen + int(LEVEL_INTERVAL_S * self.samplerate)
            elif kind == "question":
                self._remember(
                    Marker(kind="question", time_s=self.position_s, question_index=item[1])
                )
                self._wake.set()  # the user just pressed a key: store it now
            elif kind == "pause" and paused_at is None:
                paused_at = (item[1], self.frames)
            elif kind == "resume" and paused_at is not None:
                self._remember_pause(paused_at, item[1])
                paused_at = None
            elif kind == "call":
                self._take_call(item[1], item[2])
            elif kind == "call-lost":
                self._call_lost()
            elif kind == "stop":
                if paused_at is not None:
                    self._remember_pause(paused_at, item[1])
                if self._aligner is not None:
                    self._write_all(self._aligner.flush())
                    if not self._aligner.call_alive and not self._call_marked:
                        # The call's last frames reached the end of the take.
                        self._mark_call_lost(self._writer.frames)
                return

    def _write(self, block: np.ndarray) -> None:
        """Every block that goes into the file passes here (frames x channels, float32)."""
        self._writer.write(block)
        self._hand_on(block)

    def _write_all(self, blocks: list[np.ndarray]) -> None:
        for block in blocks:
            self._write(block)
        if self._aligner is None or not blocks:
            return
        if self._guard is not None and self._guard.check(blocks):
            log.warning(
                "The call channel became a copy of the microphone (correlation %.3f)",
                self._guard.last_correlation,
            )
            # The call channel is not the call from where the copying began: mark it there,
            # though the file holds the copy up to now (it cannot be unwritten).
            self._mark_call_lost(self._guard.copy_from or 0)
            self._guard = None  # once is enough: from here the call channel is silence
            self._call_lost(copy=True)
        silent_from = self._aligner.silent_from
        if silent_from is not None and not self._call_marked:
            self._mark_call_lost(silent_from)

    def _mark_call_lost(self, frame: int) -> None:
        """The call channel is silence from ``frame`` of the file on (aligned output and file
        frames are the same count on a call take)."""
        self._call_marked = True
        self._remember(Marker(kind="call-lost", time_s=frame / self.samplerate))

    def _take_call(self, samples: np.ndarray, stamp: float) -> None:
        assert self._aligner is not None, "call audio on a take without a call channel"
        self.call_level = levels.measure(
            samples, seconds=len(samples) / self.samplerate, previous=self.call_level
        )
        if self._on_call_level is not None:
            try:
                self._on_call_level(self.call_level)
            except Exception:
                log.exception("A call level listener failed")
        self._write_all(self._aligner.push_call(samples, stamp=stamp))

    def _call_lost(self, *, copy: bool = False) -> None:
        """The call's stream ended (``copy``: it was found copying the microphone, so what it
        still holds is not the call either)."""
        if self._aligner is None or not self._aligner.call_alive:
            return  # told once, however it was noticed
        at = self.position_s
        self._write_all(self._aligner.call_lost(keep_buffered=not copy))
        self.call_level = levels.SILENT
        if self._on_call_lost is not None:
            try:
                self._on_call_lost(at)
            except Exception:
                log.exception("A call-lost listener failed")

    def _hand_on(self, block: np.ndarray) -> None:
        # Only what reached the file goes on, so listeners share the file's timeline.
        for consumer in self._consumers:
            try:
                consumer(block, self.samplerate)
            except Exception:
                log.exception("A block consumer failed")

    def _tell_level(self) -> None:
        if self._on_level is None:
            return
        try:
            self._on_level(self.level)
        except Exception:
            log.exception("A level listener failed")

    def _remember_pause(self, paused_at: tuple[float, int], until: float) -> None:
        started, frame = paused_at
        pause = Marker(
            kind="pause", time_s=frame / self.samplerate, duration_s=max(0.0, until - started)
        )
        self._remember(pause)

    def _remember(self, marker: Marker) -> None:
        self._unsaved.append(marker)  # list.append is atomic: no lock on the writing path

    # -- the syncer thread -------------------------------------------------------------------

    def _sync_loop(self) -> None:
        while not self._done.is_set():
            self._wake.wait(self._sync_s)
            self._wake.clear()
            self.save_markers()
            try:
                self._writer.sync()
            except Exception as exc:
                log.warning("Syncing the take failed: %s", exc)
                if self.failure is None:
                    self.failure = exc if isinstance(exc, OSError) else OSError(errno.EIO, str(exc))
                return

    def save_markers(self) -> None:
        """Store the markers noted so far; a full disk can refuse database writes too, so
        what fails stays queued for the next try."""
        with self._markers_lock:
            while self._unsaved:
                try:
                    self._save_marker(self._unsaved[0])
                except Exception as exc:
                    log.warning("Storing a marker failed (will retry): %s", exc)
                    return
                self._unsaved.pop(0)
