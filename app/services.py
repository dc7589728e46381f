"""What a user can do with interviews, in one place. The CLI and the desktop app both call this.

Services validate, call the store and the core modules, and keep nothing of their own beyond a
cache of loaded engines (loading a model costs seconds; it is done once and reused).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import export, takes
from app.audio.importer import MarkerFile, import_audio, read_markers
from app.context import AppContext
from app.editing import TranscriptEdits
from app.errors import InvalidInput, NotFound, NoTranscript
from app.models import SCOPES, Interview, Recording, Script, Transcript
from app.notices import Change, Notices
from app.scripts import ScriptLibrary
from app.transcription import load_engine
from app.transcription.engine import Engine
from app.transcription.job import transcribe_interview

if TYPE_CHECKING:
    from app.audio.recorder import Recorder

log = logging.getLogger(__name__)


class Services:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self.paths = ctx.paths
        self.scripts = ScriptLibrary(ctx.paths.scripts)
        self._engines: dict[tuple[str, str], Engine] = {}
        self._engine_lock = threading.Lock()
        #: Told after every change has committed; screens subscribe and reload.
        self.notices = Notices()
        #: Every transcript edit, one call per user action (see app/editing.py).
        self.edits = TranscriptEdits(self.store, self._notify)

    def _notify(self, kind: str, interview_id: int | None = None) -> None:
        self.notices.publish(Change(kind, interview_id))

    # -- interviews -------------------------------------------------------------------------

    def new_interview(
        self, title: str, *, interviewer: str, interviewee: str, script_id: str | None = None
    ) -> Interview:
        script: Script | None = self.scripts.get(script_id) if script_id else None
        interview = self.store.create_interview(
            title,
            interviewer=interviewer,
            interviewee=interviewee,
            script_id=script_id,
            questions=[q.text for q in script.questions] if script else (),
        )
        self._notify("interview", interview.id)
        return interview

    def interviews(self, *, search: str | None = None) -> list[Interview]:
        return self.store.interviews(search=search)

    def interview(self, interview_id: int) -> Interview:
        return self.store.interview(interview_id)

    def script_for(self, interview: Interview) -> Script | None:
        if not interview.script_id:
            return None
        try:
            return self.scripts.get(interview.script_id)
        except NotFound:
            return None  # a deleted user script must not make the interview unusable

    def delete_interview(self, interview_id: int) -> None:
        for relative in self.store.delete_interview(interview_id):
            try:
                (self.paths.data / relative).unlink(missing_ok=True)
            except OSError:
                log.warning("Could not remove audio file %s", relative, exc_info=True)
        self._notify("deleted", interview_id)

    def update_notes(self, interview_id: int, notes: str) -> Interview:
        interview = self.store.update_interview(interview_id, notes=notes)
        self._notify("interview", interview_id)
        return interview

    def known_names(self) -> list[str]:
        return self.store.known_names()

    # -- consent ----------------------------------------------------------------------------

    def give_consent(
        self, interview_id: int, participant: str | int, scopes: Iterable[str]
    ) -> Interview:
        """Record consent for a participant named, numbered or given by role."""
        interview = self.store.interview(interview_id)
        found = None
        for p in interview.participants:
            if participant in (p.id, p.role) or (
                isinstance(participant, str) and p.name.casefold() == participant.casefold()
            ):
                found = p
        if found is None:
            names = " and ".join(f"'{p.name}'" for p in interview.participants)
            raise InvalidInput(
                f"'{participant}' is not a participant of interview {interview_id}.",
                f"Use one of {names}.",
            )
        scopes = list(scopes)
        bad = [s for s in scopes if s not in SCOPES]
        if bad:
            raise InvalidInput(f"Unknown consent scope '{bad[0]}'.", f"Use {', '.join(SCOPES)}.")
        interview = self.store.record_consent(interview_id, found.id, scopes)
        self._notify("interview", interview_id)
        return interview

    # -- audio ------------------------------------------------------------------------------

    def import_audio(
        self,
        interview_id: int,
        source: Path,
        *,
        markers: MarkerFile | Path | None = None,
    ) -> Recording:
        if isinstance(markers, Path):
            markers = read_markers(markers)
        recording = import_audio(self.store, self.paths, interview_id, source, markers=markers)
        self._notify("recordings", interview_id)
        return recording

    def recorder(
        self,
        interview_id: int,
        *,
        device: str | int | None = None,
        on_level: Callable[[Any], None] | None = None,
        on_event: Callable[[str, str], None] | None = None,
        stream_factory: Callable[..., Any] | None = None,
    ) -> Recorder:
        """A recorder for a new take of this interview (not started yet)."""
        # Imported here: the recorder pulls in the sound stack, not needed to open the window.
        from app.audio.recorder import Recorder

        self.store.interview(interview_id)

        def ended(kind: str, message: str) -> None:
            # The recorder has stored the take by now (a lost device, a full disk).
            self._notify("recordings", interview_id)
            if on_event is not None:
                on_event(kind, message)

        recorder = Recorder(
            self.store,
            self.paths,
            interview_id,
            device=device,
            stream_factory=stream_factory,
            on_level=on_level,
            on_event=ended,
        )
        stop = recorder.stop

        def stop_and_tell() -> Any:
            result = stop()
            self._notify("recordings", interview_id)  # a new take: screens show it
            return result

        recorder.stop = stop_and_tell  # type: ignore[method-assign]
        return recorder

    def recordings(self, interview_id: int) -> list[Recording]:
        return self.store.recordings(interview_id)

    def takes(self, interview_id: int) -> list[Recording]:
        """The interview's usable takes in conversation order, included or left out."""
        return takes.usable_takes(self.store.recordings(interview_id))

    def untranscribed_takes(self, interview_id: int) -> list[Recording]:
        """Included takes the current transcript was not made from (added since), so the
        user is told to transcribe again instead of exporting without them."""
        done = self.store.transcript_take_ids(interview_id)
        if done is None:
            return []
        return [
            t for t in takes.included_takes(self.store.recordings(interview_id)) if t.id not in done
        ]

    def set_take_included(self, recording_id: int, included: bool) -> Recording:
        """Leave a take out of transcription and exports, or bring it back."""
        with self.store.transaction():
            recording = self.store.set_included(recording_id, included)
            transcript_id = self.store.transcript_id(recording.interview_id)
            if transcript_id is not None:
                self.store.bump_revision(transcript_id)  # what the exports hold has changed
        self._notify("recordings", recording.interview_id)
        self._notify("transcript", recording.interview_id)
        return recording

    def delete_take(self, recording_id: int) -> None:
        """Delete one take: its row, markers and transcript lines, then its audio file."""
        recording = self.store.recording(recording_id)
        if recording.status == "recording":
            raise InvalidInput(
                "This take is still being recorded, so it cannot be deleted.",
                "Stop recording first.",
            )
        if self.edits.is_remaking(recording.interview_id):
            raise InvalidInput(
                "This interview is being transcribed, so its takes cannot be deleted now.",
                "Wait until transcribing has finished.",
            )
        relative = self.store.delete_recording(recording_id)
        try:
            (self.paths.data / relative).unlink(missing_ok=True)
        except OSError:
            log.warning("Could not remove audio file %s", relative, exc_info=True)
        self._notify("recordings", recording.interview_id)
        self._notify("transcript", recording.interview_id)

    def audio_file(self, recording: Recording) -> Path:
        return self.paths.data / recording.path

    # -- transcription ----------------------------------------------------------------------

    def engine(self, name: str | None = None, model: str | None = None) -> Engine:
        name = name or self.ctx.settings.engine
        model = model if model is not None else (self.ctx.settings.model or None)
        key = (name, model or "")
        with self._engine_lock:
            if key not in self._engines:
                self._engines[key] = load_engine(name, model=model, paths=self.paths)
            return self._engines[key]

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
    ) -> Transcript:
        settings = self.ctx.settings
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
                    glossary=list(glossary) if glossary is not None else list(settings.glossary),
                    discard_edits=discard_edits,
                    on_progress=on_progress,
                    should_cancel=should_cancel,
                )
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

    # -- export -----------------------------------------------------------------------------

    def render(
        self,
        interview_id: int,
        fmt: str,
        *,
        flavour: str = "plain",
        on_date: Date | None = None,
    ) -> str:
        """The export as text, for previews; does not check consent (nothing leaves the app)."""
        if fmt not in export.FORMATS:
            raise InvalidInput(f"Unknown format '{fmt}'.", f"Use {', '.join(export.FORMATS)}.")
        if flavour not in export.FLAVOURS:
            raise InvalidInput(
                f"Unknown flavour '{flavour}'.", f"Use {', '.join(export.FLAVOURS)}."
            )
        interview = self.store.interview(interview_id)
        transcript = self.require_transcript(interview_id)
        # Every included take, in order; captions run on one timeline across them.
        segments = takes.on_one_timeline(
            transcript.segments, takes.included_takes(self.store.recordings(interview_id))
        )
        return export.render(
            fmt, interview, segments, flavour=flavour, date=on_date or Date.today()
        )

    def check_can_publish(self, interview_id: int) -> None:
        export.check_publish_consent(self.store.interview(interview_id))

    def export(
        self,
        interview_id: int,
        fmt: str,
        *,
        flavour: str = "plain",
        out: Path | None = None,
        force: bool = False,
        on_date: Date | None = None,
    ) -> Path:
        """Write an export file; refused unless both participants agreed to publish text."""
        interview = self.store.interview(interview_id)
        export.check_publish_consent(interview)
        day = on_date or Date.today()
        text = self.render(interview_id, fmt, flavour=flavour, on_date=day)
        name = export.default_filename(fmt, interview, flavour=flavour, date=day)
        if out is None:
            folder = Path(self.ctx.settings.export_folder or Path.cwd())
            target = folder / name
        elif out.is_dir():
            target = out / name
        else:
            target = out
        written = export.write_atomic(target, text, force=force)
        self.store.update_interview(interview_id, status="exported")
        self._notify("interview", interview_id)
        return written
