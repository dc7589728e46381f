"""The takes dialog with the keyboard: Space leaves a take out, Delete asks first."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible

from tests.ui.conftest import answer, shown_errors
from tests.ui.keyboard import activate, focused, press, tab_to
from ui import dialogs
from ui.main_window import MainWindow
from ui.takes_dialog import TakesDialog


def test_leave_out_and_delete_a_take_with_the_keyboard(
    qtbot, window: MainWindow, testdata: Path
) -> None:
    services = window.services
    interview = services.new_interview("Takes", interviewer="Ann", interviewee="Bo")
    services.import_audio(interview.id, testdata / "librivox-0870.wav")
    second = services.import_audio(interview.id, testdata / "jfk.wav")
    window.show_interview(interview.id)
    screen = window.interview
    assert screen.takes_label.text().startswith("2 takes, one conversation")
    assert "take 3" in screen.record_button.accessibleDescription()
    activate(qtbot, window)
    tab_to(screen.takes_button)
    press(Qt.Key.Key_Space)
    dialog = screen.findChildren(TakesDialog)[-1]
    qtbot.waitUntil(dialog.isVisible)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.isActiveWindow())
    dialog.list.setFocus()
    assert focused() is dialog.list
    assert QAccessible.queryAccessibleInterface(dialog.list).text(QAccessible.Text.Name) == "Takes"
    press(Qt.Key.Key_Home)
    press(Qt.Key.Key_Space)  # untick take 1
    qtbot.waitUntil(lambda: not services.takes(interview.id)[0].included)
    assert "Take 1 is left out" in dialog.status.text()
    press(Qt.Key.Key_Down)
    tab_to(dialog.delete_button)
    press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: bool(dialogs.open_questions))
    answer(qtbot, "Keep it")
    assert len(services.takes(interview.id)) == 2
    path = services.audio_file(second)
    tab_to(dialog.delete_button)
    press(Qt.Key.Key_Space)
    answer(qtbot, "Delete take")
    qtbot.waitUntil(lambda: len(services.takes(interview.id)) == 1)
    assert not path.exists()
    assert dialog.list.count() == 1 and "Take 2 was deleted" in dialog.status.text()
    dialog.done(0)
    qtbot.waitUntil(lambda: "Left out: take 1" in screen.takes_label.text())
    assert not shown_errors()
