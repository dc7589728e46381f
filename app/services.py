"""What a user can do with interviews, in one place. The CLI and the desktop app both call this.

Services validate, call the store and the core modules, and keep nothing of their own beyond a
cache of loaded engines (loading a model costs seconds; it is done once and reused).
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import export, takes
from app.audio import playback
from app.audio.decode import probe
from app.audio.importer import (
    MarkerFile,
    clean_interrupted_imports,
    commit_import,
    import_audio,
    read_markers,
    stage_audio,
)
from app.audio.recovery import RecoveryReport, recover_interrupted
from app.audio.takes import is_live
from app.consent import changed_scopes, check_scopes, find_participant
from app.context import AppContext
from app.editing import TranscriptEdits
from app.errors import BuddyError, Cancelled, InvalidInput, NotFound, NoTranscript
from app.models import ROLES, Interview, Recording, Role, Script, Transcript, VoiceSample
from app.names import steering_terms
from app.notices import Change, Notices
from app.post_services import PostServices
from app.scripts import ScriptLibrary
from app.settings import Settings
from app.speakers import samples as voice_samples
from app.speakers.embed import Embedder
from app.store.errors import translate_os
from app.transcription import load_engine
from app.transcription.engine import Engine
from app.transcription.job import transcribe_interview
from app.typed_names import MAX_TITLE, clean_name, clean_title

if TYPE_CHECKING:
    from app.audio.recorder import Recorder
    from app.publish.draft import PublishResult
    from app.store.wordpress_drafts import WordPressDraft
    from app.transcription.live import LiveTranscriber, SegmentsCallback

log = logging.getLogger(__name__)


class Services(PostServices):
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
        #: One voice model for every transcription; its session loads on first use.
        self._embedder = Embedder()

    def _notify(self, kind: str, interview_id: int | None = None) -> None:
        self.notices.publish(Change(kind, interview_id))

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
        title = clean_title(title)
        interviewer = clean_name(interviewer, what="interviewer's name")
        interviewee = clean_name(interviewee, what="interviewee's name")
        script: Script | None = self.scripts.get(script_id) if script_id else None
        self.store.require_writable()
        interview = self.store.create_interview(
            title,
            interviewer=interviewer,
            interviewee=interviewee,
            script_id=script_id,
            questions=[q.text for q in script.questions] if script else (),
            on_call=on_call,
            here_role=here_role,
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

    def interview_exists(self, interview_id: int) -> bool:
        return self.store.interview_exists(interview_id)

    def delete_interview(self, interview_id: int) -> None:
        """Delete an interview, its rows and every file of it; refused while it records."""
        self.store.interview(interview_id)  # NotFound first
        for recording in self.store.recordings(interview_id):
            if recording.status == "recording" and is_live(self.paths.data / recording.path):
                raise InvalidInput(
                    f"Interview {interview_id} is being recorded right now.",
                    "Stop the recording first, then delete the interview.",
                )
        self.store.require_writable()
        # The playback mixes are copies of the audio: they go with it.
        mixes = [playback.mix_path(self.paths, r) for r in self.store.recordings(interview_id)]
        relatives = self.store.delete_interview(interview_id)
        # Ids are never reused, so every file named for this interview is its own: takes
        # whose rows were removed earlier, copies left by an interrupted import.
        files = {self.paths.data / r for r in relatives} | set(mixes)
        if self.paths.audio.is_dir():
            files.update(self.paths.audio.glob(f"interview-{interview_id}-*"))
        for path in files:
            try:
                path.unlink(missing_ok=True)
            except OSError:
                log.warning("Could not remove audio file %s", path, exc_info=True)
        self._notify("deleted", interview_id)

    def recover(self) -> list[RecoveryReport]:
        """Repair takes a crash interrupted (nothing to do on a read-only disk)."""
        if self.store.read_only:
            return []
        return recover_interrupted(self.store, self.paths)

    def clean_leftovers(self) -> list[Path]:
        """Remove what a killed import or an interrupted delete left behind."""
        if self.store.read_only:
            return []
        return clean_interrupted_imports(self.store, self.paths)

    def update_notes(self, interview_id: int, notes: str) -> Interview:
        interview = self.store.update_interview(interview_id, notes=notes)
        self._notify("interview", interview_id)
        return interview

    def known_names(self) -> list[str]:
        return self.store.known_names()

    # -- settings ---------------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        """The settings in use (a copy: change them with ``update_settings``)."""
        return copy.deepcopy(self.ctx.settings)

    def update_settings(self, settings: Settings | None = None, **changes: Any) -> Settings:
        """The one way settings change: checked, saved atomically, then announced.

        Pass a whole ``Settings`` (the settings dialog) and/or single fields by name (the
        export screen remembering its folder). On any failure nothing changes.
        """
        new = copy.deepcopy(dataclasses.replace(settings or self.ctx.settings, **changes)).check()
        path = self.paths.settings_file
        try:
            new.save(path)
        except OSError as exc:
            raise translate_os(exc, path) from exc
        self.ctx.settings = new
        self._notify("settings")
        return copy.deepcopy(new)

    # -- consent ----------------------------------------------------------------------------

    def give_consent(
        self, interview_id: int, participant: str | int, scopes: Iterable[str]
    ) -> Interview:
        """Record exactly what a participant (by role, id or name) agrees to now."""
        interview = self.store.interview(interview_id)
        found = find_participant(interview, participant)
        scopes = check_scopes(scopes)
        self.store.require_writable()
        interview = self.store.record_consent(interview_id, found.id, scopes)
        self._notify("interview", interview_id)
        return interview

    def change_consent(
        self,
        interview_id: int,
        participant: str | int,
        *,
        add: Iterable[str] = (),
        withdraw: Iterable[str] = (),
    ) -> Interview:
        """Add and withdraw scopes, keeping the rest of what the participant agreed to.

        ``withdraw`` may hold "all". Every change is a new record, so the history stays.
        """
        add, withdraw = list(add), list(withdraw)
        interview = self.store.interview(interview_id)
        found = find_participant(interview, participant)
        changed_scopes((), add=add, withdraw=withdraw)  # unknown scopes refused first
        self.store.require_writable()
        with self.store.write_transaction():
            # The write lock is taken before the latest record is read: another window's
            # change lands before or after this one, never lost in between.
            interview = self.store.interview(interview_id)
            current = interview.consent_for(found.id)
            scopes = changed_scopes(current.scopes if current else (), add=add, withdraw=withdraw)
            interview = self.store.record_consent(interview_id, found.id, scopes)
        self._notify("interview", interview_id)
        return interview

    def return_interview(self, interview_id: int) -> tuple[Interview, dict[str, list[str]]]:
        """Create the return interview (same script, roles swapped), asking consent again.

        Consent belongs to one interview and one person, so nothing is carried over. Returns
        the new interview and, by its roles, what each person agreed to in this one: the
        window offers it prefilled, and each person confirms it with one click.
        """
        old = self.store.interview(interview_id)
        who = old.interviewee.name if old.interviewee else ""
        whom = old.interviewer.name if old.interviewer else ""
        title = f"{old.title} (return)"
        if len(title) > MAX_TITLE:
            title = old.title  # the title was already as long as a title may be
        new = self.new_interview(
            title,
            interviewer=who,
            interviewee=whom,
            script_id=old.script_id,
            # Still on the call, each at the same computer: the roles change hands.
            on_call=old.on_call,
            here_role=old.call_role,
        )
        swapped = {"interviewer": "interviewee", "interviewee": "interviewer"}
        earlier: dict[str, list[str]] = {}
        for p in old.participants:
            consent = old.consent_for(p.id)
            earlier[swapped[p.role]] = sorted(consent.scopes) if consent else []
        return new, earlier

    def check_can_record(self, interview_id: int) -> None:
        """Refuse (``ConsentMissing``) unless both people agreed to be recorded."""
        export.check_publish_consent(self.store.interview(interview_id), scope="record")

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
        roles = self._channel_roles(source, channel_roles)
        with self.store.transaction():
            recording = import_audio(self.store, self.paths, interview_id, source, markers=markers)
            if roles:
                recording = self.store.set_channel_roles(recording.id, roles)
        self._notify("recordings", interview_id)
        return recording

    @staticmethod
    def _channel_roles(source: Path, channel_roles: Sequence[Role] | None) -> list[Role]:
        """Whose voice each channel of a file carries: checked when given; for a two-channel
        file taken as a call (interviewer first) unless said otherwise; else none."""
        roles = list(channel_roles) if channel_roles is not None else None
        if roles and (len(roles) != 2 or set(roles) != set(ROLES)):
            raise InvalidInput(
                "Say which channel is the interviewer and which the interviewee.",
                "Give two roles, one of each: interviewer,interviewee or interviewee,interviewer.",
            )
        channels = probe(Path(source).expanduser()).channels
        if roles and channels != 2:
            raise InvalidInput(
                f"The file has {channels} channel(s), so no channel can be one person's.",
                "Leave out the channel roles for a recording that is not two-channel.",
            )
        if roles is None and channels == 2:
            roles = list(ROLES)
        return roles or []

    def check_audio(self, source: Path) -> None:
        """Refuse (``AudioUnreadable``) a file that is not audio, before anything else."""
        probe(source)

    def import_new_interview(
        self,
        source: Path,
        *,
        title: str,
        interviewer: str,
        interviewee: str,
        script_id: str | None = None,
        consent: Iterable[str] = (),
        markers: MarkerFile | Path | None = None,
        channel_roles: Sequence[Role] | None = None,
    ) -> Recording:
        """Create an interview for an audio file: the interview, both people's consent and the
        take appear together, or (refused, failed, killed) none of them."""
        if isinstance(markers, Path):
            markers = read_markers(markers)
        consent = check_scopes(consent)
        roles = self._channel_roles(
            source, channel_roles
        )  # also refuses bad audio before any write
        self.store.require_writable()
        staged = stage_audio(self.paths, source)
        try:
            with self.store.transaction():
                interview = self.new_interview(
                    title, interviewer=interviewer, interviewee=interviewee, script_id=script_id
                )
                for p in interview.participants:
                    if consent:
                        self.store.record_consent(interview.id, p.id, consent)
                recording = commit_import(
                    self.store, self.paths, interview.id, staged, markers=markers
                )
                if roles:
                    recording = self.store.set_channel_roles(recording.id, roles)
        finally:
            staged.discard()
        self._notify("recordings", recording.interview_id)
        return recording

    # -- voice samples ----------------------------------------------------------------------

    def voice_samples(self, interview_id: int) -> list[VoiceSample]:
        return self.store.voice_samples(interview_id)

    def add_voice_sample(
        self, interview_id: int, participant: str | int, source: Path
    ) -> VoiceSample:
        """Keep a clip of that person alone (a file) as their voice sample."""
        self.store.require_writable()
        sample = voice_samples.import_sample(
            self.store, self.paths, interview_id, participant, source
        )
        self._notify("interview", interview_id)
        return sample

    def save_voice_sample(
        self, interview_id: int, participant: str | int, audio: Any
    ) -> VoiceSample:
        """Keep recorded 16 kHz mono audio as that person's voice sample (replacing any)."""
        self.store.require_writable()
        sample = voice_samples.save_sample(self.store, self.paths, interview_id, participant, audio)
        self._notify("interview", interview_id)
        return sample

    def delete_voice_sample(self, interview_id: int, participant: str | int) -> None:
        found = find_participant(self.store.interview(interview_id), participant)
        removed = self.store.delete_voice_sample(interview_id, found.id)  # type: ignore[arg-type]
        voice_samples.remove_files(self.paths, removed)
        self._notify("interview", interview_id)

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
            on_call_level=on_call_level,
            on_notice=on_notice,
            # On a call: how to find the call's sound (tests pass a stand-in).
            **({"loopback": loopback} if loopback is not None else {}),
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
        if fmt == "markdown":
            return self.render_post_markdown(interview_id, flavour=flavour, on_date=on_date)
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
        """Consent first, then every participant's approval of exactly this text."""
        export.check_publish_consent(self.store.interview(interview_id))
        self.check_approved(interview_id)

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
        """Write an export file; refused unless both participants agreed to publish text, and
        for the blog post unless both approved the text as it is now."""
        self.check_can_export(interview_id, fmt)
        self.store.require_writable()  # the status change must not fail after the file is out
        day = on_date or Date.today()
        text = self.render(interview_id, fmt, flavour=flavour, on_date=day)
        name = self.export_filename(interview_id, fmt, flavour=flavour)
        folder = None
        if out is None:
            folder = Path(self.ctx.settings.export_folder or Path.cwd())
        elif out.is_dir():
            folder = out
        if folder is None:
            target = out
        elif fmt == "markdown" and flavour == "jekyll" and _is_jekyll_site(folder):
            # A Jekyll draft lives in _drafts/ and is named without a date.
            (folder / "_drafts").mkdir(exist_ok=True)
            target = folder / "_drafts" / name
        else:
            target = folder / name
        assert target is not None
        written = export.write_atomic(target, text, force=force)
        self.store.update_interview(interview_id, status="exported")
        self._notify("interview", interview_id)
        return written

    def export_filename(self, interview_id: int, fmt: str, *, flavour: str = "plain") -> str:
        interview = self.store.interview(interview_id)
        title = self.post_title(interview_id) if fmt == "markdown" else None
        return export.default_filename(fmt, interview, flavour=flavour, title=title)

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
            try:
                self.update_settings(wordpress_site=result.site, wordpress_user=user.strip())
            except BuddyError:  # the draft is on the site; forgetting the address is no failure
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


def _is_jekyll_site(folder: Path) -> bool:
    return (folder / "_config.yml").is_file() or (folder / "_drafts").is_dir()
