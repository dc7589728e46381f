"""Plain words: plurals, durations, and error texts whose window face never speaks CLI."""

from __future__ import annotations

import pytest

import app.errors as errors_module
from app.audio.devices import InputDevice, resolve
from app.errors import Action, BuddyError, ConsentMissing, NoInputDevice, mentions_command_line
from app.wording import duration, join_names, plural


def test_plural_and_duration() -> None:
    assert plural(1, "take") == "1 take" and plural(2, "take") == "2 takes"
    assert plural(0, "line") == "0 lines" and plural(3, "person") == "3 people"
    assert duration(1.2) == "1 second" and duration(45) == "45 seconds"
    assert duration(61) == "1 minute 1 second" and duration(3600) == "1 hour"
    assert join_names(["Sam", "Priya", "Jo"]) == "Sam, Priya and Jo"


def all_error_classes() -> list[type[BuddyError]]:
    found, todo = [], [BuddyError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_the_command_line_detector_catches_what_it_must() -> None:
    for cli in (
        "Choose another input with --device (see 'buddy-interviews devices').",
        "Install it with: pip install 'buddy-interviews[openai]'",
        "Run 'scripts list' to see them.",
        "Use `make run`.",
    ):
        assert mentions_command_line(cli), cli
    for plain in ("Choose another microphone in Settings.", "Record their consent first."):
        assert not mentions_command_line(plain), plain


@pytest.mark.parametrize("cls", all_error_classes(), ids=lambda c: c.__name__)
def test_no_error_class_speaks_cli_in_the_window(cls: type[BuddyError]) -> None:
    error = cls("Something happened.")
    assert not mentions_command_line(error.ui_hint), f"{cls.__name__}: {error.ui_hint!r}"
    assert isinstance(error.action, Action)


def test_errors_raised_with_cli_hints_still_read_well_in_the_window() -> None:
    # The hint a raise site gives for the CLI is kept for the CLI, and left out of the window.
    devices = [
        InputDevice(1, "USB mic A", "ALSA", 1, 16000.0, True),
        InputDevice(2, "USB mic B", "ALSA", 1, 16000.0),
    ]
    with pytest.raises(NoInputDevice) as caught:
        resolve("usb", devices)
    error = caught.value
    assert "buddy-interviews" in error.hint
    assert not mentions_command_line(error.ui_hint)
    assert "USB mic A" in error.details and "Inputs found" not in error.message
    assert error.action is Action.OPEN_MICROPHONE_SETTINGS
    consent = ConsentMissing("Sam has not agreed.", "e.g. buddy-interviews consent 1 --scope x")
    assert consent.action is Action.RECORD_CONSENT and "Record consent" in consent.ui_hint


def test_every_class_in_the_module_is_covered() -> None:
    names = {c.__name__ for c in all_error_classes()}
    in_module = {
        n
        for n, v in vars(errors_module).items()
        if isinstance(v, type) and issubclass(v, BuddyError)
    }
    assert in_module <= names
