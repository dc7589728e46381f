"""Audio: imports, voice samples, the recorder, takes and playback (mixed into Services)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import takes
from app.audio import playback
from app.audio.decode import probe
from app.audio.importer import (
    MarkerFile,
    commit_import,
    import_audio,
    read_markers,
    stage_audio,
)
from app.consent import check_scopes, find_participant
from app.context import AppContext
from app.editing import TranscriptEdits
from app.errors import InvalidInput
from app.models import ROLES, Interview, Recording, Role, VoiceSample
from app.paths import Paths
from app.speakers import samples as voice_samples
from app.store import Store

if TYPE_CHECKING:
    from app.audio.recorder import Recorder


log = logging.getLogger(__name__)


class AudioServices:
    ctx: AppContext
    store: Store
    paths: Paths

    if TYPE_CHECKING:  # given by Services

        def _notify(self, kind: str, interview_id: int | None = None) -> None: ...

        edits: TranscriptEdits

        def new_interview(
            self, title: str, *, interviewer: str, interviewee: str, script_id: str | None = None
        ) -> Interview: ...

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
        # The take's playback mix (a call take's) is a copy of its voices: it goes too.
        for path in (self.paths.data / relative, playback.mix_path(self.paths, recording)):
            try:
                path.unlink(missing_ok=True)
            except OSError:
                log.warning("Could not remove audio file %s", path, exc_info=True)
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
