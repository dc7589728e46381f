"""Closing the window, Ctrl+Q or logging out while recording or transcribing asks first
(issue 10, item 2), with the real Recorder (only the microphone is a fake stream)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.ui.conftest import TESTDATA, answer
from tests.ui.test_screens import make
from ui import dialogs


def _recording(qtbot, window, services):
    interview = make(services)
    window.show_interview(interview.id)
    screen = window.interview
    screen.record_button.click()
    qtbot.waitUntil(lambda: screen.session.state == "recording", timeout=5000)
    qtbot.waitUntil(lambda: screen.session.elapsed_s > 0.3, timeout=5000)
    return screen, interview


def test_closing_while_recording_asks_and_keeps_recording(qtbot, window, services) -> None:
    screen, interview = _recording(qtbot, window, services)
    assert window.close() is False  # the close was held back for the question
    assert window.isVisible()
    box = dialogs.open_questions[-1]
    assert box.windowTitle() == "Stop recording?"
    assert window.close() is False and dialogs.open_questions == [box]  # asked once only
    answer(qtbot, "Keep recording")
    assert screen.session.state == "recording" and window.isVisible()
    before = screen.session.elapsed_s
    qtbot.waitUntil(lambda: screen.session.elapsed_s > before + 0.3, timeout=5000)
    assert "Still recording" in window.statusBar().currentMessage()
    assert services.recordings(interview.id)[0].status == "recording"


def test_ctrl_q_while_recording_stops_saves_then_closes(qtbot, window, services) -> None:
    _screen, interview = _recording(qtbot, window, services)
    quit_action = next(
        a for a in window.findChildren(type(window.new_action)) if a.text() == "&Quit"
    )
    quit_action.trigger()
    assert window.isVisible()
    answer(qtbot, "Stop and save, then close")
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    take = services.recordings(interview.id)[0]
    assert take.status == "complete" and take.duration_s > 0.3
    assert services.audio_file(take).stat().st_size > 44


def test_closing_when_idle_does_not_ask(qtbot, window, services) -> None:
    make(services)
    assert window.close() is True
    assert dialogs.open_questions == []


def _answer_modal(qtbot, text: str) -> None:
    """Click ``text`` in the modal question once it is up (it blocks until answered)."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, click)
            return
        next(b for b in box.buttons() if b.text() == text).click()

    QTimer.singleShot(50, click)


@pytest.mark.parametrize("keep", [True, False])
def test_logout_while_recording_asks(qtbot, window, services, keep: bool) -> None:
    screen, interview = _recording(qtbot, window, services)
    calls: list[str] = []
    _answer_modal(qtbot, "Keep recording" if keep else "Stop and save, then log out")
    ended = window.close_guard.logout(
        lambda: True, lambda: calls.append("cancel"), lambda: calls.append("release")
    )
    take = services.recordings(interview.id)[0]
    if keep:
        assert not ended and calls == ["release", "cancel"]
        assert screen.session.state == "recording" and take.status == "recording"
    else:
        assert ended and calls == ["release"]
        assert take.status == "complete" and take.duration_s > 0.3


def test_logout_that_may_not_ask_stops_and_saves(qtbot, window, services) -> None:
    _screen, interview = _recording(qtbot, window, services)
    assert window.close_guard.logout(lambda: False, lambda: None, lambda: None)
    take = services.recordings(interview.id)[0]
    assert take.status == "complete" and take.duration_s > 0.3
    assert window.close() is True  # nothing left to ask about


@pytest.mark.slow
def test_closing_while_transcribing_asks_both_ways(qtbot, window, services) -> None:
    interview = make(services)
    services.import_audio(interview.id, TESTDATA / "jfk.wav")
    task = window.transcribe(interview.id)
    assert window.panel.running
    assert window.close() is False
    box = dialogs.open_questions[-1]
    assert box.windowTitle() == "Cancel the transcription?"
    answer(qtbot, "Keep transcribing")
    assert window.isVisible() and (window.panel.running or task.finished_ok)
    qtbot.waitUntil(lambda: task.is_done, timeout=120_000)
    assert task.finished_ok, task.error  # kept running to the end
    first = services.transcript(interview.id)
    assert first is not None
    for _ in range(3):  # again (no hand edits, so no question), until it is caught running
        task = window.transcribe(interview.id)
        qtbot.waitUntil(lambda t=task: window.panel.running or t.is_done, timeout=10_000)
        if not task.is_done:
            break
    else:
        pytest.fail("three transcriptions finished before the close could be asked")
    assert window.close() is False
    answer(qtbot, "Cancel it, then close")
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=120_000)
    assert task.is_done  # the window closed only once the job had stopped
    after = services.transcript(interview.id)
    assert after is not None
    if not task.finished_ok:  # cancelled in time: the transcript is the one from before
        assert after.id == first.id
