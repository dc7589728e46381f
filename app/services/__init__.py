"""What a user can do with interviews, in one place. The CLI and the desktop app both call this.

Services validate, call the store and the core modules, and keep nothing of their own beyond a
cache of loaded engines (loading a model costs seconds; it is done once and reused).
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import threading
from collections.abc import Iterable
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import export, takes
from app.audio import playback
from app.audio.importer import clean_interrupted_imports
from app.audio.recovery import RecoveryReport, recover_interrupted
from app.audio.takes import is_live
from app.consent import changed_scopes, check_scopes, find_participant
from app.context import AppContext
from app.editing import TranscriptEdits
from app.errors import InvalidInput, NotFound
from app.models import Interview, Script
from app.notices import Change, Notices
from app.scripts import ScriptLibrary
from app.services.audio import AudioServices
from app.services.post import PostServices
from app.services.publishing import PublishingServices
from app.services.transcription import TranscriptionServices
from app.settings import Settings
from app.speakers.embed import Embedder
from app.store.errors import translate_os
from app.transcription.engine import Engine
from app.typed_names import MAX_TITLE, clean_name, clean_title

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)


class Services(AudioServices, TranscriptionServices, PublishingServices, PostServices):
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
        # The playback mixes of call takes are copies of the voices: they go too.
        files.update(playback.mixes_of(self.paths, interview_id))
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


def _is_jekyll_site(folder: Path) -> bool:
    return (folder / "_config.yml").is_file() or (folder / "_drafts").is_dir()
