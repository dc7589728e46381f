"""The interview screen with the real Recorder; only the microphone is a fake stream."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from tests.ui.conftest import shown_errors
from tests.ui.test_screens import make


def open_interview(window, services, **kwargs):
    interview = make(services, **kwargs)
    window.show_interview(interview.id)
    return window.interview, interview


def start(qtbot, screen) -> None:
    screen.record_button.click()
    qtbot.waitUntil(lambda: screen.session.state == "recording", timeout=5000)


def test_record_pause_questions_and_stop(qtbot, window, services) -> None:
    screen, interview = open_interview(window, services)
    assert screen.position_label.text() == f"Question 1 of {len(interview.questions)}"
    assert screen.question_label.text() == interview.questions[0]
    assert not screen.stop_button.isEnabled()
    start(qtbot, screen)
    assert "Recording" in screen.state_label.text()
    qtbot.waitUntil(lambda: screen.session.elapsed_s > 0.5, timeout=5000)
    qtbot.waitUntil(lambda: screen.meter.level is not None, timeout=5000)
    assert "dB" in screen.meter.text.text()  # the level in words as well as the bar

    screen.next_button.click()
    assert screen.position_label.text().startswith("Question 2 of")
    assert screen.question_label.text() == interview.questions[1]
    screen.pause_button.click()
    assert "Paused" in screen.state_label.text()
    # One Resume only: Pause's own button; Record stays Record (and off) while paused.
    assert screen.pause_button.text().replace("&", "") == "Resume"
    assert screen.record_button.text() == "&Record" and not screen.record_button.isEnabled()
    screen.pause_button.click()
    qtbot.waitUntil(lambda: screen.session.elapsed_s > 1.0, timeout=5000)
    screen.previous_button.click()
    assert screen.position_label.text().startswith("Question 1 of")
    screen.stop_button.click()
    qtbot.waitUntil(lambda: screen.session.state == "stopped", timeout=10_000)
    assert screen.transcribe_button.isEnabled()
    assert screen.takes_label.text().startswith("1 take.")

    take = services.recordings(interview.id)[0]
    assert take.status == "complete" and take.duration_s > 1.0
    questions = [(m.question_index, m.kind) for m in take.markers if m.kind == "question"]
    assert questions == [(0, "question"), (1, "question"), (0, "question")]
    assert any(m.kind == "pause" for m in take.markers)
    assert services.interview(interview.id).status == "recorded"
    assert not shown_errors()


def test_recording_needs_consent_from_both(qtbot, window, services) -> None:
    screen, interview = open_interview(window, services, scopes=("publish-text",))
    assert screen.banner.isVisible() and "agreed to be recorded" in screen.banner.text()
    screen.record_button.click()
    assert screen.session is None
    assert not services.recordings(interview.id)

    dialog = screen.edit_consent()
    for group in dialog.form.participants.values():
        group.boxes["record"].setChecked(True)
    dialog.accept()
    assert not screen.banner.isVisible()
    start(qtbot, screen)
    screen.stop_button.click()
    qtbot.waitUntil(lambda: screen.session.state == "stopped", timeout=10_000)


def test_unplugged_microphone_is_reported_and_the_take_kept(
    qtbot, window, services, microphone
) -> None:
    screen, interview = open_interview(window, services)
    start(qtbot, screen)
    qtbot.waitUntil(lambda: screen.session.elapsed_s > 0.5, timeout=5000)
    microphone.streams[-1].vanish()
    qtbot.waitUntil(lambda: screen.banner.isVisible(), timeout=10_000)
    assert "unplugged" in screen.banner.text()
    assert screen.session.state == "stopped"
    take = services.recordings(interview.id)[0]
    assert take.status == "stopped-early" and take.duration_s > 0.5
    assert screen.transcribe_button.isEnabled()


def test_notes_are_saved_as_typed(qtbot, window, services) -> None:
    screen, interview = open_interview(window, services)
    screen.notes.setFocus()
    qtbot.keyClicks(screen.notes, "Ask about the concert")
    qtbot.waitUntil(
        lambda: services.interview(interview.id).notes == "Ask about the concert", timeout=5000
    )
    assert screen.notes_state.text() == "Notes saved."


def test_swap_roles_creates_the_return_interview(qtbot, window, services) -> None:
    screen, interview = open_interview(window, services)
    new_id = screen.swap_roles()
    assert new_id is not None and window.current_id == new_id
    new = services.interview(new_id)
    assert new.interviewer.name == "Priya Shah" and new.interviewee.name == "Sam Okafor"
    assert new.script_id == interview.script_id and new.questions == interview.questions
    assert not new.missing_consent("record")
    assert (
        window.stack.currentWidget() is screen and "Priya Shah interviews" in screen.heading.text()
    )


def test_microphone_check_shows_level_in_words(qtbot, window, services) -> None:
    screen, _ = open_interview(window, services)
    screen.mic_button.click()
    qtbot.waitUntil(lambda: screen.meter.level is not None, timeout=5000)
    qtbot.waitUntil(
        lambda: "Listening to Test microphone" in screen.mic_status.text(), timeout=5000
    )
    screen.mic_button.click()
    assert screen.mic_check is None and screen.meter.level is None


def test_single_key_controls_for_switch_users(qtbot, window, services) -> None:
    window._settings_applied(replace(window.settings, single_key_controls=True, key_next="J"))
    screen, _ = open_interview(window, services)
    start(qtbot, screen)
    screen.next_button.setFocus()
    qtbot.keyClick(screen.next_button, Qt.Key.Key_J)
    assert screen.position_label.text().startswith("Question 2 of")
    # Typing in the notes field types, it does not move on.
    screen.notes.setFocus()
    qtbot.keyClick(screen.notes, Qt.Key.Key_J)
    assert screen.position_label.text().startswith("Question 2 of")
    assert screen.notes.toPlainText() == "j"
    screen.stop_button.click()
    qtbot.waitUntil(lambda: screen.session.state == "stopped", timeout=10_000)


def test_menu_shortcuts_drive_the_recording(qtbot, window, services) -> None:
    screen, _ = open_interview(window, services)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: screen.session and screen.session.state == "recording", timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert screen.position_label.text().startswith("Question 2 of")
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: screen.session.state == "stopped", timeout=10_000)


def test_another_interview_cannot_replace_a_running_take(qtbot, window, services) -> None:
    screen, interview = open_interview(window, services)
    other = make(services, "Second interview")
    start(qtbot, screen)
    window.open_interview(other.id)
    assert window.current_id == interview.id and screen.interview.id == interview.id
    assert "recording is running" in shown_errors()[-1].text()
    shown_errors()[-1].done(0)
    screen.stop_button.click()
    qtbot.waitUntil(lambda: screen.session.state == "stopped", timeout=10_000)
