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

from app import export
from app.audio.importer import MarkerFile, import_audio, read_markers
from app.context import AppContext
from app.errors import InvalidInput, NotFound, NoTranscript
from app.models import SCOPES, Interview, Recording, Script, Segment, Transcript
from app.scripts import ScriptLibrary
from app.transcription import load_engine
from app.transcription.engine import Engine
from app.transcription.job import transcribe_interview

if TYPE_CHECKING:
    from app.audio.recorder import Recorder
    from app.publish.draft import PublishResult
    from app.store.wordpress_drafts import WordPressDraft

log = logging.getLogger(__name__)


class Services:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self.paths = ctx.paths
        self.scripts = ScriptLibrary(ctx.paths.scripts)
        self._engines: dict[tuple[str, str], Engine] = {}
        self._engine_lock = threading.Lock()

    # -- interviews -------------------------------------------------------------------------

    def new_interview(
        self, title: str, *, interviewer: str, interviewee: str, script_id: str | None = None
    ) -> Interview:
        script: Script | None = self.scripts.get(script_id) if script_id else None
        return self.store.create_interview(
            title,
            interviewer=interviewer,
            interviewee=interviewee,
            script_id=script_id,
            questions=[q.text for q in script.questions] if script else (),
        )

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

    def update_notes(self, interview_id: int, notes: str) -> Interview:
        return self.store.update_interview(interview_id, notes=notes)

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
        return self.store.record_consent(interview_id, found.id, scopes)

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
        return import_audio(self.store, self.paths, interview_id, source, markers=markers)

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
        return Recorder(
            self.store,
            self.paths,
            interview_id,
            device=device,
            stream_factory=stream_factory,
            on_level=on_level,
            on_event=on_event,
        )

    def recordings(self, interview_id: int) -> list[Recording]:
        return self.store.recordings(interview_id)

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
        return transcribe_interview(
            self.store,
            self.paths,
            interview_id,
            self.engine(engine, model),
            language=language if language is not None else (settings.language or None),
            glossary=list(glossary) if glossary is not None else list(settings.glossary),
            discard_edits=discard_edits,
            on_progress=on_progress,
            should_cancel=should_cancel,
        )

    def transcript(self, interview_id: int) -> Transcript | None:
        return self.store.transcript(interview_id)

    def require_transcript(self, interview_id: int) -> Transcript:
        transcript = self.store.transcript(interview_id)
        if transcript is None:
            raise NoTranscript(f"Interview {interview_id} has not been transcribed yet.")
        return transcript

    # -- editing: every change is stored at once --------------------------------------------

    def _transcript_id(self, interview_id: int) -> int:
        transcript_id = self.store.transcript_id(interview_id)
        if transcript_id is None:
            raise NoTranscript(f"Interview {interview_id} has not been transcribed yet.")
        return transcript_id

    def save_segment(self, interview_id: int, segment: Segment) -> None:
        transcript_id = self._transcript_id(interview_id)
        with self.store.transaction():
            self.store.update_segment(transcript_id, segment)
            self.store.set_status(interview_id, "edited")

    def save_segments(self, interview_id: int, segments: Sequence[Segment]) -> None:
        transcript_id = self._transcript_id(interview_id)
        with self.store.transaction():
            self.store.replace_segments(transcript_id, segments)
            self.store.set_status(interview_id, "edited")

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
        return export.render(
            fmt, interview, transcript.segments, flavour=flavour, date=on_date or Date.today()
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
        return written

    # -- publishing: a WordPress draft --------------------------------------------------------

    def publish_wordpress(
        self,
        interview_id: int,
        *,
        site: str,
        user: str,
        password: str | None = None,
        new_draft: bool = False,
        timeout: float | None = None,
    ) -> PublishResult:
        """Create the post as a draft on the site, or update the draft made before.

        ``password`` None uses the one kept in the system keyring; a new one is stored there
        once the site accepted it. ``new_draft`` makes a new draft even if one was made before.
        The site and user name (never the password) are remembered in the settings.
        """
        from app.publish import draft, wordpress

        result = draft.publish(
            self,
            interview_id,
            site=site,
            user=user,
            password=password,
            new_draft=new_draft,
            timeout=timeout or wordpress.TIMEOUT_S,
        )
        settings = self.ctx.settings
        if (settings.wordpress_site, settings.wordpress_user) != (result.site, user.strip()):
            settings.wordpress_site, settings.wordpress_user = result.site, user.strip()
            try:
                settings.save(self.paths.settings_file)
            except OSError:  # the draft is on the site; forgetting the address is no failure
                log.warning("Could not remember the WordPress site in the settings")
        return result

    def wordpress_draft(self, interview_id: int, site: str) -> WordPressDraft | None:
        """The draft this interview has on ``site``, if it was published there."""
        from app.publish.wordpress import normalise_site
        from app.store import wordpress_drafts

        return wordpress_drafts.find(self.store, interview_id, normalise_site(site))

    def wordpress_password_stored(self, site: str, user: str) -> bool:
        from app.publish import secrets
        from app.publish.wordpress import normalise_site

        return secrets.get_password(normalise_site(site), user.strip()) is not None

    def forget_wordpress_password(self, site: str, user: str) -> bool:
        """Remove the password from the keyring; False when none was stored."""
        from app.publish import secrets
        from app.publish.wordpress import normalise_site

        return secrets.delete_password(normalise_site(site), user.strip())
