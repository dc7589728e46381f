"""A remote interview in the window: the form by keyboard, two meters while recording, and
what the window says when the call's sound cannot be recorded or stops. The real Recorder;
the microphone is a fake stream and the call's sound a stand-in (the real two-sink recording
is tests/app/test_call_recording_real.py)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from app.errors import CallAudioUnavailable
from tests.app.test_call_channels import fake_loopback
from tests.ui.conftest import shown_errors
from tests.ui.keyboard import Ctrl, activate, focused, press, tab_to, type_text
from ui import announce

Key = Qt.Key
RATE = 16000


def call_interview(services, *, here: str = "interviewer"):
    interview = services.new_interview(
        "Over a call",
        interviewer="Sam Okafor",
        interviewee="Priya Shah",
        script_id="monthly-share",
        on_call=True,
        here_role=here,
    )
    for role in ("interviewer", "interviewee"):
        services.give_consent(interview.id, role, ("record", "publish-text"))
    return interview


def use_loopback(window, services, loopback) -> None:
    window.interview.loopback = loopback


def test_the_form_marks_an_interview_as_a_call_by_keyboard(qtbot, window, services) -> None:
    activate(qtbot, window)
    press(Key.Key_N, Ctrl)
    form = window.new_interview
    # Names first, then consent, then the interview's details (where the call is said).
    assert focused() is form.interviewer
    type_text("Sam Okafor")
    tab_to(form.interviewee)
    type_text("Priya Shah")
    for group in form.consent.participants.values():
        tab_to(group.boxes["record"])
        press(Key.Key_Space)
    tab_to(form.title)
    type_text("Over a call")
    assert not form.here.isEnabled()
    tab_to(form.on_call)
    press(Key.Key_Space)
    assert form.on_call.isChecked() and form.here.isEnabled()
    tab_to(form.here)
    press(Key.Key_Down)
    assert form.here.currentData() == "interviewee"
    assert form.here.currentText() == "The interviewee (Priya Shah)"
    for widget in (form.on_call, form.here):
        assert widget.accessibleName() and widget.accessibleDescription()
    tab_to(form.create_button)
    press(Key.Key_Space)
    stored = services.interview(window.current_id)
    assert stored.on_call and stored.here_role == "interviewee"

    screen = window.interview
    assert screen.call_row.isVisible() and screen.call_status.isVisible()
    assert screen.meter.accessibleName() == "Priya Shah's microphone level"
    assert screen.call_meter.accessibleName() == "The call's level (Sam Okafor)"
    assert "--" not in screen.call_status.text()


def test_a_call_take_shows_both_levels_and_says_when_the_call_stops(
    qtbot, window, services
) -> None:
    interview = call_interview(services)
    call_sound = (0.3 * np.sin(2 * np.pi * 330 * np.arange(RATE * 60) / RATE)).astype("float32")
    use_loopback(window, services, lambda: fake_loopback(call_sound, speed=1.0, fail_after=RATE))
    window.show_interview(interview.id)
    screen = window.interview
    announce.history.clear()
    screen.record_button.click()
    qtbot.waitUntil(lambda: screen.session.state == "recording", timeout=10_000)
    assert screen.session.on_call
    qtbot.waitUntil(lambda: screen.call_meter.level is not None, timeout=10_000)
    qtbot.waitUntil(lambda: screen.meter.level is not None, timeout=10_000)
    assert "dB" in screen.call_meter.text.text()
    # The stand-in call fails after a second, as a vanished headset does: the take goes on.
    qtbot.waitUntil(lambda: "call's sound stopped" in screen.banner.text(), timeout=15_000)
    assert screen.session.state == "recording"
    assert "call's sound stopped" in screen.call_status.text()
    assert any("call's sound stopped" in text for text in announce.texts())
    assert "--" not in screen.banner.text()
    screen.stop_button.click()
    qtbot.waitUntil(lambda: screen.session.state == "stopped", timeout=10_000)
    assert screen.call_meter.level is None
    (take,) = services.recordings(interview.id)
    assert take.channels == 2 and take.channel_roles == ["interviewer", "interviewee"]
    assert "call's sound stopped" in take.message
    assert not shown_errors()


def test_without_the_calls_sound_the_window_says_the_take_is_the_microphone_only(
    qtbot, window, services
) -> None:
    def unavailable():
        raise CallAudioUnavailable(
            "This Mac cannot record the call's sound by itself.",
            "Install a virtual loopback sound device, send the call's sound to it, and try "
            "again; until then the take records your microphone only.",
        )

    interview = call_interview(services)
    use_loopback(window, services, unavailable)
    window.show_interview(interview.id)
    screen = window.interview
    screen.record_button.click()
    qtbot.waitUntil(lambda: screen.session.state == "recording", timeout=10_000)
    qtbot.waitUntil(lambda: "microphone only" in screen.banner.text(), timeout=10_000)
    assert not screen.session.on_call
    assert "--" not in screen.banner.text()
    screen.stop_button.click()
    qtbot.waitUntil(lambda: screen.session.state == "stopped", timeout=10_000)
    (take,) = services.recordings(interview.id)
    assert take.channels == 1 and take.channel_roles == []
    assert not shown_errors()


def test_the_return_interview_stays_on_the_call_with_the_roles_swapped(
    qtbot, window, services
) -> None:
    interview = call_interview(services, here="interviewer")
    window.show_interview(interview.id)
    new_id = window.interview.swap_roles()
    new = services.interview(new_id)
    assert new.on_call and new.here_role == "interviewee"
    # The same person is still at this computer: the one who asked now answers.
    assert new.participant(new.here_role).name == "Sam Okafor"


def test_the_microphone_check_on_a_call_checks_the_calls_sound_too(qtbot, window, services) -> None:
    interview = call_interview(services)
    call_sound = (0.3 * np.sin(2 * np.pi * 330 * np.arange(RATE * 60) / RATE)).astype("float32")
    use_loopback(window, services, lambda: fake_loopback(call_sound, speed=1.0))
    window.show_interview(interview.id)
    screen = window.interview
    screen.mic_button.click()
    qtbot.waitUntil(lambda: screen.call_meter.level is not None, timeout=10_000)
    qtbot.waitUntil(lambda: screen.meter.level is not None, timeout=10_000)
    assert "checked too" in screen.call_status.text()
    screen.mic_button.click()  # stop the check
    assert screen.call_meter.level is None and screen.mic_check is None
    assert not services.recordings(interview.id)  # a check keeps nothing


def test_the_check_says_when_the_calls_sound_cannot_be_heard(qtbot, window, services) -> None:
    def unavailable():
        raise CallAudioUnavailable("The call's sound cannot be recorded: no output.")

    interview = call_interview(services)
    use_loopback(window, services, unavailable)
    window.show_interview(interview.id)
    screen = window.interview
    screen.mic_button.click()
    qtbot.waitUntil(lambda: "Problem" in screen.call_status.text(), timeout=10_000)
    assert screen.meter.isVisible() and screen.mic_check is not None  # the microphone still checks
    assert "--" not in screen.call_status.text()
    screen.mic_button.click()


@pytest.mark.parametrize("scale", [1.0, 2.0], ids=["100%", "200%"])
def test_the_call_screen_fits_at_large_text(qtbot, window, services, scale: float) -> None:
    from tests.ui.test_text_scaling import SCREEN, check

    interview = call_interview(services)
    window.theme.apply("light", scale)
    try:
        window.resize(*SCREEN)
        window.show_interview(interview.id)
        screen = window.interview
        assert screen.call_row.isVisible()
        check(qtbot, window)
    finally:
        window.theme.apply("light", 1.0)
