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
from app.audio import playback
from app.audio.importer import MarkerFile, import_audio, read_markers
from app.context import AppContext
from app.errors import InvalidInput, NotFound, NoTranscript
from app.models import (
    ROLES,
    SCOPES,
    Interview,
    Recording,
    Role,
    Script,
    Segment,
    Transcript,
    VoiceSample,
)
from app.scripts import ScriptLibrary
from app.speakers import samples as voice_samples
from app.speakers.embed import Embedder
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
        #: One voice model for every transcription; its session loads on first use.
        self._embedder = Embedder()

    # -- interviews -------------------------------------------------------------------------

    def new_interview(
        self,
        title: str,
        *,
        interviewer: str,
        interviewee: str,
        script_id: str | None = None,
        on_call: bool = False,
        here_role: str = "interviewer",
    ) -> Interview:
        script: Script | None = self.scripts.get(script_id) if script_id else None
        return self.store.create_interview(
            title,
            interviewer=interviewer,
            interviewee=interviewee,
            script_id=script_id,
            questions=[q.text for q in script.questions] if script else (),
            on_call=on_call,
            here_role=here_role,
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
        # The playback mixes are copies of the audio: they go with it.
        mixes = [playback.mix_path(self.paths, r) for r in self.store.recordings(interview_id)]
        for relative in self.store.delete_interview(interview_id):
            try:
                (self.paths.data / relative).unlink(missing_ok=True)
            except OSError:
                log.warning("Could not remove audio file %s", relative, exc_info=True)
        for mix in mixes:
            try:
                mix.unlink(missing_ok=True)
            except OSError:
                log.warning("Could not remove the playback mix %s", mix, exc_info=True)

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
        channel_roles: Sequence[Role] | None = None,
    ) -> Recording:
        """Import a file; a two-channel file is taken as a call (see ``channel_roles``).

        ``channel_roles`` says whose voice each channel carries; for a two-channel file it
        defaults to the interviewer on the first and the interviewee on the second, and an
        empty list means the channels are one room's sound (the voices tell people apart).
        """
        if isinstance(markers, Path):
            markers = read_markers(markers)
        roles = list(channel_roles) if channel_roles is not None else None
        if roles and (len(roles) != 2 or set(roles) != set(ROLES)):
            raise InvalidInput(
                "Say which channel is the interviewer and which the interviewee.",
                "Give two roles, one of each: interviewer,interviewee or interviewee,interviewer.",
            )
        from app.audio.decode import probe

        channels = probe(Path(source).expanduser()).channels
        if roles and channels != 2:
            raise InvalidInput(
                f"The file has {channels} channel(s), so no channel can be one person's.",
                "Leave out the channel roles for a recording that is not two-channel.",
            )
        if roles is None and channels == 2:
            roles = list(ROLES)
        with self.store.transaction():
            recording = import_audio(self.store, self.paths, interview_id, source, markers=markers)
            if roles:
                recording = self.store.set_channel_roles(recording.id, roles)
        return recording

    # -- voice samples ----------------------------------------------------------------------

    def voice_samples(self, interview_id: int) -> list[VoiceSample]:
        return self.store.voice_samples(interview_id)

    def add_voice_sample(
        self, interview_id: int, participant: str | int, source: Path
    ) -> VoiceSample:
        """Keep a clip of that person alone (a file) as their voice sample."""
        return voice_samples.import_sample(
            self.store, self.paths, interview_id, participant, source
        )

    def save_voice_sample(
        self, interview_id: int, participant: str | int, audio: Any
    ) -> VoiceSample:
        """Keep recorded 16 kHz mono audio as that person's voice sample (replacing any)."""
        return voice_samples.save_sample(self.store, self.paths, interview_id, participant, audio)

    def delete_voice_sample(self, interview_id: int, participant: str | int) -> None:
        found = voice_samples.find_participant(self.store.interview(interview_id), participant)
        removed = self.store.delete_voice_sample(interview_id, found.id)  # type: ignore[arg-type]
        voice_samples.remove_files(self.paths, removed)

    def voice_clip(self, *, device: Any = None, stream_factory: Any = None) -> Any:
        """A microphone clip recorder for a voice sample (not started yet)."""
        from app.audio.clip import ClipRecorder

        return ClipRecorder(
            device=device if device is not None else (self.ctx.settings.input_device or None),
            stream_factory=stream_factory,
        )

    def recorder(
        self,
        interview_id: int,
        *,
        device: str | int | None = None,
        on_level: Callable[[Any], None] | None = None,
        on_event: Callable[[str, str], None] | None = None,
        stream_factory: Callable[..., Any] | None = None,
        on_call_level: Callable[[Any], None] | None = None,
        on_notice: Callable[[str, str], None] | None = None,
        loopback: Callable[[], Any] | None = None,
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
            on_call_level=on_call_level,
            on_notice=on_notice,
            # On a call: how to find the call's sound (tests pass a stand-in).
            **({"loopback": loopback} if loopback is not None else {}),
        )

    def recordings(self, interview_id: int) -> list[Recording]:
        return self.store.recordings(interview_id)

    def audio_file(self, recording: Recording) -> Path:
        return self.paths.data / recording.path

    def playback_file(self, recording: Recording) -> Path:
        """What the player plays: the take itself, or the mono mix of a two-channel take
        (made if needed, which takes a moment for a long take: run it in the background)."""
        return playback.playback_file(self.paths, recording)

    def playback_ready(self, recording: Recording) -> bool:
        """True when ``playback_file`` returns at once (nothing to mix)."""
        return not playback.needs_mix(self.paths, recording)

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
            embedder=self._embedder,
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
