"""The interview screen with the real Recorder; only the microphone is a fake stream."""

from __future__ import annotations

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
    assert "1 take." in screen.takes_label.text()

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
    assert (
        window.stack.currentWidget() is screen and "Priya Shah interviews" in screen.heading.text()
    )
    screen.consent_dialog.reject()


def test_the_return_interview_asks_both_people_for_consent_again(qtbot, window, services) -> None:
    screen, interview = open_interview(window, services, scopes=("record", "publish-text"))
    sam = interview.interviewer
    services.change_consent(interview.id, "interviewer", add=["publish-audio"])  # Sam only
    first = services.interview(interview.id).consents
    new_id = screen.swap_roles()
    assert new_id is not None
    # Nothing was carried over without asking: recording is blocked until they confirm.
    new = services.interview(new_id)
    assert new.consents == [] and len(new.missing_consent("record")) == 2
    assert "asked again" in window.statusBar().currentMessage()
    dialog = screen.consent_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    assert "asked for consent again" in dialog.note.text()
    # Prefilled with each person's own earlier choices, now under their new role.
    assert set(dialog.form.scopes("interviewee")) == {"record", "publish-text", "publish-audio"}
    assert set(dialog.form.scopes("interviewer")) == {"record", "publish-text"}
    assert sam is not None and sam.name in dialog.confirms["interviewee"].text()
    assert not dialog.save_button.isEnabled()
    dialog.accept()  # Enter before anyone confirmed: nothing is stored
    assert services.interview(new_id).consents == [] and dialog.isVisible()
    dialog.confirms["interviewer"].click()  # one click each
    assert not dialog.save_button.isEnabled()
    dialog.confirms["interviewee"].click()
    assert dialog.save_button.isEnabled()
    dialog.save_button.click()
    new = services.interview(new_id)
    assert not new.missing_consent("record")
    assert new.consent_for(new.interviewee.id).scopes == {"record", "publish-text", "publish-audio"}
    assert new.consent_for(new.interviewer.id).scopes == {"record", "publish-text"}
    assert not screen.banner.isVisible()
    # The first interview's consent is its own and unchanged.
    assert services.interview(interview.id).consents == first


def test_the_return_interview_without_confirmation_cannot_record(qtbot, window, services) -> None:
    screen, _ = open_interview(window, services)
    new_id = screen.swap_roles()
    screen.consent_dialog.reject()
    assert new_id is not None and screen.interview.id == new_id
    screen.record_button.click()
    assert screen.session is None and not services.recordings(new_id)
    assert "not agreed to be recorded" in screen.banner.text()


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
    services.update_settings(single_key_controls=True, key_next="J")  # the window is told
    qtbot.waitUntil(lambda: bool(window.interview.keys.describe()), timeout=3000)
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


def test_voice_samples_each_in_turn_then_record(qtbot, window, services) -> None:
    from ui import announce

    screen, interview = open_interview(window, services)
    step = screen.voices
    first, second = (step.buttons[p.role] for p in interview.participants)
    assert first.accessibleName() == f"Record {interview.participants[0].name}'s voice sample"
    announce.history.clear()
    screen.mic_button.click()
    qtbot.waitUntil(lambda: screen.mic_check is not None and screen.mic_check.running, timeout=5000)
    first.setFocus()
    first.click()
    assert screen.mic_check is None  # the check let go of the microphone
    qtbot.waitUntil(lambda: step.meter.level is not None, timeout=5000)
    # Kept, and the focus moved on to the second person's button.
    qtbot.waitUntil(lambda: second.hasFocus(), timeout=20_000)
    assert "Kept" in step.states[interview.participants[0].role].text()
    assert first.text().startswith("Redo")
    second.click()
    qtbot.waitUntil(lambda: screen.record_button.hasFocus(), timeout=20_000)
    samples = services.voice_samples(interview.id)
    assert sorted(s.participant_id for s in samples) == sorted(p.id for p in interview.participants)
    assert all(5.5 < s.duration_s < 7 for s in samples)
    said = "\n".join(announce.texts())
    name = interview.participants[0].name
    assert f"Voice sample for {name}. {name}, say your name and what you do." in said, said
    assert "Both done: you can record now." in said, said

    # Redo replaces the sample (one per person); Skip moves straight on to recording.
    old = {s.path for s in samples}
    first.click()
    qtbot.waitUntil(
        lambda: bool({s.path for s in services.voice_samples(interview.id)} - old),
        timeout=20_000,
    )
    assert len(services.voice_samples(interview.id)) == 2
    step.skip_button.setFocus()
    step.skip_button.click()
    assert screen.record_button.hasFocus()
    assert "Voice samples skipped" in announce.texts()[-1]
    assert not shown_errors()


def test_no_voice_sample_before_that_person_agreed(qtbot, window, services) -> None:
    screen, interview = open_interview(window, services, scopes=("publish-text",))
    step = screen.voices
    first = step.buttons[interview.participants[0].role]
    first.click()
    assert step.recording is None and "has not agreed to be recorded" in step.prompt.text()
    assert services.voice_samples(interview.id) == []
