"""Live transcription: the take is transcribed in chunks while it is being recorded.

Recording always wins. The recorder's writer thread hands each written block to
:meth:`LiveTranscriber.__call__`, which only puts it in an unbounded queue (no wait, no
drop). One worker thread, at a lower priority than the recorder, mixes the blocks down to
mono, resamples them to 16 kHz, cuts them at pauses (speech detection) and transcribes each
chunk with an engine that uses one thread. Two passes share it: captions from short chunks
(shown, not kept), and the stored transcript from chunks as long as a file's (up to 30 s, cut
at pauses), whose segments and voice windows are stored as they arrive, so a crash keeps the
transcript made so far with the audio. When the worker falls behind, the queue grows (about
190 KB per second of 48 kHz audio behind) and it catches up after Stop.

After Stop the speech not yet in a closed chunk is left (up to a chunk, ~28 s). To keep that
small, a worker with nothing else to do drafts the open chunk up to its last pause
(:mod:`app.transcription.drafts`); when the chunk closes as drafted, or the take ends, the
draft is used as it is and only the speech after it remains.

Priority: on Linux a thread is a task with its own nice value, so ``os.setpriority`` on the
worker's native thread id lowers that thread alone (and threads it starts inherit it); the
recorder's callback and writer keep the process's priority. Elsewhere the call is skipped.
"""

from __future__ import annotations

import logging
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from app.errors import Cancelled
from app.models import Segment
from app.speakers.embed import Embedder
from app.store import Store, live_transcripts
from app.transcription.chunked import transcribe_chunk
from app.transcription.drafts import Draft, Drafts
from app.transcription.engine import Engine
from app.transcription.vad import SAMPLE_RATE, Chunk, Chunker

log = logging.getLogger(__name__)

#: How much lower than the recorder the worker runs (nice steps; 19 is the lowest).
NICE_STEPS = 10
#: Caption chunks close at the first pause once they hold this much speech, so captions
#: follow the talk. The stored transcript is made from longer chunks (up to whisper's 30 s
#: window, as from a file), which tiny.en gets a few words a minute more right.
CAPTION_AFTER_S = 4.0
#: Captions this late are no help to anyone: while the worker is this far behind it skips
#: them and spends the time on the stored transcript.
CAPTION_MAX_BACKLOG_S = 5.0

SegmentsCallback = Callable[[list[Segment]], None]


@dataclass(frozen=True)
class LiveOutcome:
    state: str  # live_transcripts.COMPLETE or FAILED
    done_s: float
    message: str
    max_behind_s: float
    max_backlog_s: float
    finish_s: float  # from finish() being called to the last chunk stored


def lower_thread_priority(steps: int = NICE_STEPS) -> bool:
    """Lower the calling thread's priority only (Linux); True when it worked."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + steps))
    except (OSError, AttributeError):
        return False
    return True


class _ToWhisper:
    """Blocks of any rate and channel count to 16 kHz mono, keeping filter state."""

    def __init__(self) -> None:
        self._rate: int | None = None
        self._resampler = None

    def convert(self, block: np.ndarray, rate: int) -> np.ndarray:
        block = np.asarray(block, dtype=np.float32)
        # A call take has the microphone and the call on two channels: both are speech.
        mono = block.mean(axis=1, dtype=np.float32) if block.ndim == 2 else block
        if rate == SAMPLE_RATE:
            return np.ascontiguousarray(mono, dtype=np.float32)
        import av

        if self._resampler is None or self._rate != rate:
            self._rate = rate
            self._resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(mono).reshape(1, -1), format="flt", layout="mono"
        )
        frame.sample_rate = rate
        out = [f.to_ndarray().reshape(-1) for f in self._resampler.resample(frame)]
        return np.concatenate(out) if out else np.zeros(0, np.float32)

    def flush(self) -> np.ndarray:
        if self._resampler is None:
            return np.zeros(0, np.float32)
        out = [f.to_ndarray().reshape(-1) for f in self._resampler.resample(None)]
        return np.concatenate(out) if out else np.zeros(0, np.float32)


class LiveTranscriber:
    """A block consumer for one take: add it to the recorder, ``start`` once the take has a
    recording id, and ``finish`` after the recorder stopped."""

    def __init__(
        self,
        store: Store,
        engine: Engine,
        *,
        language: str | None = None,
        glossary: Sequence[str] = (),
        on_segments: SegmentsCallback | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        """``on_segments`` receives caption lines (a quick pass over short chunks) as they
        are made; without it only the stored transcript is made. With ``embedder`` each
        stored chunk's voice windows are stored too (:mod:`app.speakers.prints`), so the
        voices are told apart after Stop from the last chunk's alone."""
        self._store = store
        self._embedder = embedder
        self.voices_ok = embedder is not None
        self._engine = engine
        self._language = language
        self._glossary = list(glossary)
        self._on_segments = on_segments
        self._queue: queue.SimpleQueue[tuple[np.ndarray, int] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="live-transcriber", daemon=True)
        self.recording_id: int | None = None
        # Plain values other threads read.
        self.received_s = 0.0  # audio handed to us (take seconds)
        self.done_s = 0.0  # the take is transcribed up to here
        self.fed_s = 0.0  # audio the worker has taken from the queue
        self.max_behind_s = 0.0  # text behind the talk, at worst (includes waiting for a pause)
        self.max_backlog_s = 0.0  # audio waiting in the queue, at worst (the worker's delay)
        self.lowered_priority = False
        self.state = live_transcripts.RUNNING
        self.message = ""
        self._finish_called: float | None = None
        self._finished_at: float | None = None
        self._ended = threading.Event()
        self._handover = threading.Event()  # finish() will take over with a faster engine
        self._idle = threading.Event()  # the worker ended, or stopped and left the rest
        self._handed_over = False
        self._saw_end = False  # the end-of-take mark came out of the queue
        self._chunker = Chunker()
        self._todo: list[Chunk] = []  # cut, not yet stored
        self._flushed = False
        self.drafts = Drafts()
        self._rtf = 0.0  # the worker's engine, on the last stored chunk
        self._captioner = Chunker(eager_after_s=CAPTION_AFTER_S) if on_segments else None
        self.captions_skipped = 0
        self._caption_history: list[Segment] = []
        self._convert = _ToWhisper()

    # -- the recorder's side: never waits ---------------------------------------------------

    def __call__(self, block: np.ndarray, sample_rate: int) -> None:
        self._queue.put((block, sample_rate))
        self.received_s += len(block) / sample_rate

    @property
    def behind_s(self) -> float:
        return max(0.0, self.received_s - self.done_s)

    @property
    def undrafted_s(self) -> float:
        """Audio neither stored nor drafted: what finishing would still have to transcribe."""
        return max(0.0, self.received_s - max(self.done_s, self.drafts.ahead_to_s))

    @property
    def backlog_s(self) -> float:
        return max(0.0, self.received_s - self.fed_s)

    # -- control ----------------------------------------------------------------------------

    def start(self, recording_id: int) -> None:
        self.recording_id = recording_id
        live_transcripts.begin(
            self._store,
            recording_id,
            engine=self._engine.name,
            model=self._engine.model_label,
            language=self._language,
            voices=self.voices_ok,
        )
        self._thread.start()

    def finish(self, timeout: float | None = None, *, engine: Engine | None = None) -> LiveOutcome:
        """The take has ended: transcribe what is queued and the last chunk, then report.

        With ``engine`` (the same model, at normal priority with all its threads), the worker
        stops (its engine call is cancelled) and the calling thread does the rest: recording
        is over, so nothing needs protecting any more, and the transcript is ready sooner.
        (An unprivileged thread cannot raise its own priority back, so the worker cannot.)
        """
        if engine is not None and (engine.name, engine.model_label) != (
            self._engine.name,
            self._engine.model_label,
        ):
            engine = None  # another model would make a transcript of two halves
        if self._thread.ident is None and self._finish_called is None:
            # Never started (the take failed to begin): nothing was transcribed.
            self._finish_called = self._finished_at = time.monotonic()
            self.state, self.message = live_transcripts.FAILED, "Live transcription never started."
            self._ended.set()
        if self._finish_called is None:
            self._finish_called = time.monotonic()
            if engine is not None:
                self._handover.set()
            self._queue.put(None)
            if engine is not None and self._thread.is_alive():
                self._idle.wait(timeout)
                if self._handed_over and not self._ended.is_set():
                    self._engine = engine
                    self._work()
        if self._thread.is_alive() or not self._ended.is_set():
            self._ended.wait(timeout)
        finished = self._finished_at or time.monotonic()
        return LiveOutcome(
            state=self.state,
            done_s=self.done_s,
            message=self.message,
            max_behind_s=self.max_behind_s,
            max_backlog_s=self.max_backlog_s,
            finish_s=finished - self._finish_called,
        )

    # -- the worker thread ------------------------------------------------------------------

    def _run(self) -> None:
        self.lowered_priority = lower_thread_priority()
        try:
            if hasattr(self._engine, "load"):
                self._engine.load()  # here, so the engine's own threads share this priority
        except Exception as exc:
            self._failed(exc)
            return
        self._work()

    def _work(self) -> None:
        """Transcribe the queue; on the worker thread, then maybe on finish()'s thread."""
        assert self.recording_id is not None
        try:
            if not self._transcribe_queue():
                self._handed_over = True  # finish() goes on from here
                self._idle.set()
                return
            self.state = live_transcripts.COMPLETE
        except Exception as exc:
            self._failed(exc)
            return
        self._end()

    def _failed(self, exc: BaseException) -> None:
        log.exception("Live transcription failed", exc_info=exc)
        self.state = live_transcripts.FAILED
        self.message = f"Live transcription stopped ({exc or type(exc).__name__})."
        self._drain()  # keep taking blocks so the queue does not grow for nothing
        self._end()

    def _end(self) -> None:
        assert self.recording_id is not None
        try:
            live_transcripts.finish(
                self._store, self.recording_id, state=self.state, message=self.message
            )
        except Exception:
            log.exception("Storing the end of live transcription failed")
            self.state = live_transcripts.FAILED
        self._finished_at = time.monotonic()
        self._ended.set()
        self._idle.set()

    def _drain(self) -> None:
        if self._saw_end:
            return
        while self._queue.get() is not None:
            pass
        self._saw_end = True

    def _transcribe_queue(self) -> bool:
        """True when the take is done; False when handed over to finish()'s thread.

        Chunks are cut first and kept in ``_todo`` until stored, so a handover in the middle
        of one (the worker's engine call is cancelled) loses nothing: finish() redoes it.
        """
        worker = threading.current_thread() is self._thread
        chunker, convert = self._chunker, self._convert
        if not self._store_todo(worker):
            return False
        while not self._saw_end:
            if self._handover.is_set() and worker:
                return False
            item = self._queue.get()
            if item is None:
                self._saw_end = True
                break
            block, rate = item
            self.max_backlog_s = max(self.max_backlog_s, self.received_s - self.fed_s)
            self.fed_s += len(block) / rate
            samples = convert.convert(block, rate)
            self._todo.extend(chunker.feed(samples))
            if not self._store_todo(worker):
                return False
            self._settle(chunker.settled_s)
            self._caption(samples)
            if worker and self._queue.empty():
                self._make_draft()
        if not self._flushed:
            if self._handover.is_set() and worker:
                return False  # the tail too is for the faster engine
            self._todo.extend(chunker.feed(convert.flush()))
            self._todo.extend(chunker.finish())
            self._flushed = True
        if not self._store_todo(worker):
            return False
        self._settle(chunker.received_s)
        live_transcripts.add(self._store, self.recording_id, [], done_s=self.done_s)
        return True

    def _store_todo(self, worker: bool) -> bool:
        while self._todo:
            if self._finish_called is not None:
                # After Stop, a chunk that starts as drafted keeps the draft and leaves only
                # the speech after it to do.
                parts = self.drafts.split(self._todo[0])
                if parts is not None:
                    self._todo[0:1] = list(parts)
            if not self._store_chunk(self._todo[0], worker):
                return False
            self._todo.pop(0)
        return True

    def _store_chunk(self, chunk: Chunk, worker: bool) -> bool:
        """Transcribe and store one chunk; False when the worker was asked to hand over."""
        assert self.recording_id is not None
        self.max_behind_s = max(self.max_behind_s, self.received_s - chunk.own_start_s)
        drafted = self.drafts.take(chunk)
        if drafted is not None:
            segments, voices = drafted.segments, drafted.voices
        else:
            started = time.monotonic()
            try:
                segments = self._transcribe(chunk, cancellable=worker)
            except Cancelled:
                if worker and self._handover.is_set():
                    return False
                raise
            if worker:
                self._rtf = (time.monotonic() - started) / max(chunk.audio.size / SAMPLE_RATE, 1.0)
            voices = self._voice_rows(chunk)
        live_transcripts.add(
            self._store, self.recording_id, segments, done_s=chunk.own_end_s, voices=voices
        )
        self._settle(chunk.own_end_s)
        return True

    def _transcribe(self, chunk: Chunk, *, cancellable: bool) -> list[Segment]:
        """The chunk's segments; ``cancellable``: the handover to finish() cancels it."""
        return transcribe_chunk(
            self._engine,
            chunk,
            language=self._language,
            glossary=self._glossary,
            should_cancel=self._handover.is_set if cancellable else None,
        )

    def _make_draft(self) -> None:
        """Transcribe the open chunk up to its last pause, ahead of time (app.transcription
        .drafts). Only on the worker, with the queue empty; the handover cancels it."""
        draft = self._chunker.draft()
        if self._handover.is_set() or draft is None:
            return
        if not self.drafts.due(draft, backlog_s=self.backlog_s, rtf=self._rtf):
            return
        try:
            segments = self._transcribe(draft, cancellable=True)
        except Cancelled:
            return
        except Exception:
            log.exception("A draft of the open chunk failed; it is transcribed when it closes")
            return
        self.drafts.keep(Draft(draft, segments, self._voice_rows(draft)))

    def _voice_rows(self, chunk: Chunk) -> list[live_transcripts.VoiceRow] | None:
        """The chunk's voice windows, or None (and no more tries) once making them failed:
        the voices are then found from the file after Stop, as for an imported take."""
        if not self.voices_ok or self._embedder is None:
            return None
        from app.speakers.prints import prints_of_chunk, to_rows

        try:
            return list(to_rows(prints_of_chunk(chunk, self._embedder)))
        except Exception:
            log.exception("Voice windows of a live chunk failed; voices come from the file")
            self.voices_ok = False
            return None

    def _caption(self, samples: np.ndarray) -> None:
        """The quick pass: short chunks, shown and forgotten (never stored)."""
        if self._captioner is None or self._on_segments is None:
            return
        for chunk in self._captioner.feed(samples):
            if self._handover.is_set() or self.backlog_s > CAPTION_MAX_BACKLOG_S:
                self.captions_skipped += 1
                continue
            try:
                lines = self._transcribe(chunk, cancellable=True)
                if lines:
                    self._on_segments(self._with_speakers(lines))
            except Cancelled:
                return  # the take has ended: no more captions
            except Exception:
                # Captions are a help, not the record: the stored pass goes on regardless.
                log.exception("A live caption failed")

    def _with_speakers(self, lines: list[Segment]) -> list[Segment]:
        """Names on caption lines, from the question markers pressed so far and the echo of
        the script's question (the same attribution as the transcript's)."""
        from app.attribution import attribute

        history = self._caption_history = (self._caption_history + lines)[-30:]
        try:
            assert self.recording_id is not None
            recording = self._store.recording(self.recording_id)
            interview = self._store.interview(recording.interview_id)
            markers = [(m.time_s, m.question_index or 0) for m in recording.question_markers]
            named = attribute(
                history,
                markers=markers,
                questions=interview.questions,
                interviewer=interview.interviewer.name if interview.interviewer else "",
                interviewee=interview.interviewee.name if interview.interviewee else "",
            )
        except Exception:
            log.debug("No speakers for captions", exc_info=True)
            return lines
        first = lines[0].start
        return [seg for seg in named if seg.start >= first - 1e-6] or lines

    def _settle(self, position_s: float) -> None:
        self.done_s = max(self.done_s, position_s)
        self.max_behind_s = max(self.max_behind_s, self.received_s - self.done_s)
