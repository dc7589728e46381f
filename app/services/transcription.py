"""Transcription: engines (loaded once, reused), live transcription, the job, revisions
(mixed into Services)."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from app.context import AppContext
from app.editing import TranscriptEdits
from app.errors import BuddyError, Cancelled, NotFound, NoTranscript
from app.models import Transcript
from app.names import steering_terms
from app.paths import Paths
from app.speakers.embed import Embedder
from app.store import Store
from app.transcription import load_engine
from app.transcription.engine import Engine
from app.transcription.job import transcribe_interview

if TYPE_CHECKING:
    from app.transcription.live import LiveTranscriber, SegmentsCallback


log = logging.getLogger(__name__)


class TranscriptionServices:
    ctx: AppContext
    store: Store
    paths: Paths

    if TYPE_CHECKING:  # given by Services

        def _notify(self, kind: str, interview_id: int | None = None) -> None: ...

        edits: TranscriptEdits
        _engines: dict[tuple[str, str], Engine]
        _engine_lock: threading.Lock
        _embedder: Embedder

    # -- transcription ----------------------------------------------------------------------

    def engine(self, name: str | None = None, model: str | None = None) -> Engine:
        name = name or self.ctx.settings.engine
        model = model if model is not None else (self.ctx.settings.model or None)
        key = (name, model or "")
        with self._engine_lock:
            if key not in self._engines:
                self._engines[key] = load_engine(name, model=model, paths=self.paths)
            return self._engines[key]

    def live_transcriber(
        self,
        *,
        on_segments: SegmentsCallback | None = None,
        interview_id: int | None = None,
    ) -> LiveTranscriber | None:
        """A live transcriber for the next take, or None when the setting turns it off.

        It uses the chosen engine and model with one thread of its own (a separate instance,
        so a transcription running meanwhile keeps its threads), which on a two-core laptop
        leaves the other core to the recorder and the window.
        """
        settings = self.ctx.settings
        if not settings.live_transcription:
            return None
        from app.transcription.live import LiveTranscriber

        name, model = settings.engine, settings.model or None
        key = (name, f"{model or ''}#live")
        with self._engine_lock:
            if key not in self._engines:
                self._engines[key] = load_engine(name, model=model, paths=self.paths, cpu_threads=1)
            engine = self._engines[key]
        glossary = list(settings.glossary)
        if interview_id is not None:
            # The same steering as the offline run: the live text may become the transcript.
            glossary = steering_terms(self.store.interview(interview_id), glossary)
        return LiveTranscriber(
            self.store,
            engine,
            language=settings.language or None,
            glossary=glossary,
            on_segments=on_segments,
            embedder=self._embedder,
        )

    def prepare_finishing_engine(self) -> Engine:
        """The engine that finishes a live take after Stop (the chosen one, all threads,
        normal priority), loaded now in the background so Stop does not wait for it."""
        engine = self.engine()

        def load() -> None:
            try:
                if hasattr(engine, "load"):
                    engine.load()
            except Exception:  # reported when it is used
                log.info("Preloading the speech model failed", exc_info=True)

        threading.Thread(target=load, name="engine-preload", daemon=True).start()
        return engine

    def transcribe(
        self,
        interview_id: int,
        *,
        engine: str | None = None,
        model: str | None = None,
        language: str | None = None,
        glossary: Sequence[str] | None = None,
        discard_edits: bool = False,
        on_progress: Callable[[float], None] | None = None,
        should_cancel: Callable[[], bool] | None = None,
        on_note: Callable[[Any], None] | None = None,
        use_live: bool = True,
    ) -> Transcript:
        """Transcribe the interview's take; a take whose live transcription completed with
        the same engine and model is attributed from it instead of being run again."""
        settings = self.ctx.settings
        # The names typed in before recording (and the title's proper nouns) always steer
        # recognition, on top of the glossary: that is what makes "Kieran" not "Karen".
        terms = steering_terms(
            self.store.interview(interview_id),
            list(glossary) if glossary is not None else list(settings.glossary),
        )
        self.store.require_writable()  # before minutes of work, not after
        loaded = self.engine(engine, model)
        # While the job runs, edits are refused with a message rather than replaced at its end.
        try:
            with self.edits.remaking(interview_id):
                self._notify("transcript", interview_id)  # screens show it is being re-made
                transcript = transcribe_interview(
                    self.store,
                    self.paths,
                    interview_id,
                    loaded,
                    language=language if language is not None else (settings.language or None),
                    glossary=terms,
                    discard_edits=discard_edits,
                    on_progress=on_progress,
                    should_cancel=should_cancel,
                    embedder=self._embedder,
                    on_note=on_note,
                    use_live=use_live,
                )
        except (sqlite3.IntegrityError, BuddyError) as exc:
            # Deleted meanwhile (another window or command): its audio or rows went away
            # under the job; say that, not "the file does not exist" or a constraint.
            if isinstance(exc, Cancelled) or self.store.interview_exists(interview_id):
                raise
            raise NotFound(
                f"Interview {interview_id} was deleted while it was being transcribed, so the "
                "transcript was not saved.",
                "Nothing else was changed.",
            ) from exc
        finally:
            # Also after a failure or Cancel: screens stop showing "being made again".
            self._notify("transcript", interview_id)
        self._notify("interview", interview_id)
        return transcript

    def transcript(self, interview_id: int) -> Transcript | None:
        return self.store.transcript(interview_id)

    def require_transcript(self, interview_id: int) -> Transcript:
        transcript = self.store.transcript(interview_id)
        if transcript is None:
            raise NoTranscript(f"Interview {interview_id} has not been transcribed yet.")
        return transcript

    # -- editing: app/editing.py owns every edit, its transaction, revision and undo -------

    def transcript_revision(self, interview_id: int) -> int | None:
        return self.store.revision(interview_id)
