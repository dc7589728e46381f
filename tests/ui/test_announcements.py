"""What screen-reader users are told when something changes away from their focus.

Announcements go through ui.announce, which keeps a log; these tests read that log. The
recording runs the real Recorder on the fake microphone of conftest.py.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QLabel

from app.models import Segment, Transcript
from tests.ui.conftest import shown_errors
from tests.ui.keyboard import Alt, Ctrl, activate, press
from tests.ui.test_screens import make
from ui import announce, tasks


@pytest.fixture(autouse=True)
def _fresh_log() -> None:
    announce.history.clear()


def said() -> str:
    return "\n".join(announce.texts())


def test_the_question_and_the_recording_state_are_announced(qtbot, window, services) -> None:
    interview = make(services)
    window.show_interview(interview.id)
    screen = window.interview
    activate(qtbot, window)
    press(Qt.Key.Key_R, Ctrl)
    qtbot.waitUntil(lambda: screen.session.state == "recording", timeout=5000)
    assert f"Recording started. Question 1 of 5: {interview.questions[0]}" in said()
    press(Qt.Key.Key_Right, Alt)
    assert announce.texts()[-1] == f"Question 2 of 5: {interview.questions[1]}"
    assert not announce.history[-1].assertive  # the user asked for it: no need to interrupt
    press(Qt.Key.Key_P, Ctrl)
    assert announce.texts()[-1] == "Recording paused. Choose Resume to go on."
    press(Qt.Key.Key_P, Ctrl)
    assert announce.texts()[-1] == "Recording resumed."
    press(Qt.Key.Key_E, Ctrl)
    qtbot.waitUntil(lambda: screen.session.state == "stopped", timeout=10_000)
    assert announce.texts()[-1].startswith("Recording stopped. Take saved (")
    # The status bar said the same sentences: each was announced once, not twice.
    assert len(announce.texts()) == len(set(announce.texts()))


def test_problems_interrupt(qtbot, window, services, microphone) -> None:
    refused = make(services, "No consent yet", scopes=("publish-text",))
    window.show_interview(refused.id)
    screen = window.interview
    screen.record_button.click()
    last = announce.history[-1]
    assert last.assertive and "have not agreed to be recorded" in last.text

    agreed = make(services, "Agreed")
    window.show_interview(agreed.id)
    screen.record_button.click()
    qtbot.waitUntil(lambda: screen.session.state == "recording", timeout=5000)
    qtbot.waitUntil(lambda: screen.session.elapsed_s > 0.3, timeout=5000)
    microphone.streams[-1].vanish()  # unplugged
    qtbot.waitUntil(lambda: screen.session.state == "stopped", timeout=10_000)
    last = next(a for a in reversed(announce.history) if a.assertive)
    assert last.text.startswith("Recording stopped.") and "unplugged" in last.text


def test_an_error_box_is_announced(qtbot, window) -> None:
    window.show_transcript(10_000)  # no such interview
    assert shown_errors()
    assert announce.history[-1].assertive
    assert announce.texts()[-1].startswith("Problem: ")


def _fake_transcribe(services, interview_id: int):
    recording = services.import_audio(interview_id, _jfk())

    def transcribe(interview_id: int, *, on_progress, should_cancel, **_kw) -> Transcript:
        for step in range(11):  # the engine reports progress in tenths
            on_progress(step / 10)
        segments = [Segment(0.0, 2.0, "Hello.", speaker="Sam Okafor", question_index=0)]
        transcript = Transcript(
            interview_id, recording_id=recording.id, engine="test", model="none",
            language="en", created_at=datetime.now(), segments=segments,
        )  # fmt: skip
        services.store.save_transcript(transcript)
        return transcript

    return transcribe


def _jfk():
    from tests.ui.conftest import TESTDATA

    return TESTDATA / "jfk.wav"


def test_transcription_milestones_and_completion(qtbot, window, services, monkeypatch) -> None:
    interview = make(services)
    monkeypatch.setattr(services, "transcribe", _fake_transcribe(services, interview.id))
    # Every report reaches the panel (real engines report seldom enough for the throttle).
    monkeypatch.setattr(tasks, "_PROGRESS_INTERVAL_S", 0.0)
    task = window.transcribe(interview.id)
    qtbot.waitUntil(lambda: task.is_done, timeout=10_000)
    assert task.finished_ok, task.error
    progress = [t for t in announce.texts() if "% done" in t]
    assert [t.split("%")[0] for t in progress] == [
        "Transcription 25",
        "Transcription 50",
        "Transcription 75",
    ]
    assert announce.texts()[-1].startswith("Transcription finished: 1 line of transcript.")
    assert "Alt+3" in announce.texts()[-1]  # how to get there with the keyboard


def test_repeats_are_said_once_and_blank_text_never(qtbot, window) -> None:
    assert announce.announce(window, "Saved.")
    assert not announce.announce(window, "Saved.")
    assert not announce.announce(window, "   ")
    assert announce.texts() == ["Saved."]


def test_the_event_goes_out_when_a_screen_reader_listens(qtbot, window) -> None:
    # With accessibility active Qt hands the event to the platform bridge (AT-SPI on Linux;
    # tests/ui/test_atspi.py listens there). Here: it is built and sent without error.
    seen: list[tuple[str, bool]] = []
    announce.announcer.announced.connect(lambda text, assertive: seen.append((text, assertive)))
    QAccessible.setActive(True)
    try:
        assert announce.announce(window.interview, "Question 3 of 5: Who else?", assertive=True)
    finally:
        QAccessible.setActive(False)
    assert seen[-1] == ("Question 3 of 5: Who else?", True)


def test_without_the_event_class_a_live_label_carries_the_text(qtbot, window, monkeypatch) -> None:
    monkeypatch.setattr(announce, "QAccessibleAnnouncementEvent", None)  # as on Qt < 6.8
    announce.announce(window.library.table, "Deleted 'Monthly catch-up'.")
    label = window.findChild(QLabel, announce.LIVE_LABEL)
    assert label is not None and label.text() == "Deleted 'Monthly catch-up'."
    assert QAccessible.queryAccessibleInterface(label).text(QAccessible.Text.Name) == label.text()
