"""A correction typed while the transcript is made again is refused with a message, never lost
silently, and the editor shows the new transcript afterwards.

Real faster-whisper on real speech, started with Ctrl+T from the transcript screen; the edit
is typed with the keyboard while the engine runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import shown_errors
from tests.ui.editor_fixtures import create_interview, fresh_services
from tests.ui.keyboard import Ctrl, activate, focused, press, type_text
from ui import errors
from ui.main_window import MainWindow

pytestmark = pytest.mark.slow

Key = Qt.Key


def test_an_edit_during_a_retranscription_is_refused_and_the_new_transcript_shown(
    qtbot, window: MainWindow, truth: dict[str, Any], testdata: Path
) -> None:
    services = window.services
    interview_id = create_interview(services, truth, testdata / "buddy-interview.wav")
    services.engine()  # loaded before, so the run below is the engine working, not loading
    old_texts = [s.text for s in services.transcript(interview_id).segments]
    window.show_transcript(interview_id)
    editor = window.transcript
    activate(qtbot, window)
    editor.view.setFocus()
    press(Key.Key_Down)
    press(Key.Key_Down)
    target = editor.current_segment()
    assert target is not None

    press(Key.Key_T, Ctrl)  # transcribe again, from the transcript screen
    task = window.panel.task
    assert task is not None
    qtbot.waitUntil(
        lambda: services.edits.is_remaking(interview_id) or task.is_done, timeout=60_000
    )
    assert not task.is_done, "the engine finished before the edit could be typed"
    qtbot.waitUntil(lambda: "being made again" in editor.status.text(), timeout=10_000)
    editor.view.setFocus()
    press(Key.Key_F2)
    assert focused() is editor.delegate.active_editor
    type_text(" typed during the run")
    press(Key.Key_Return)
    # Refused with a message that says so and repeats what was typed.
    said = editor.status.text()
    assert "not saved" in said and "typed during the run" in said, said
    assert any("not saved" in box.text() for box in shown_errors())
    for box in list(errors.shown):
        box.done(0)

    qtbot.waitUntil(lambda: task.is_done, timeout=600_000)
    assert task.finished_ok, task.error
    other = fresh_services()
    try:
        stored = other.transcript(interview_id)
    finally:
        other.ctx.close()
    assert stored is not None
    new_texts = [s.text for s in stored.segments]
    assert new_texts != old_texts
    assert all("typed during the run" not in t for t in new_texts)
    # The editor reloaded itself: it shows the new transcript and edits it.
    qtbot.waitUntil(lambda: editor.revision == stored.revision, timeout=10_000)
    assert [s.text for s in editor.segments] == new_texts
    editor.view.setCurrentIndex(editor.model.index(editor.model.row_of_segment(0)))
    assert editor.edit_text(0, "Corrected after the run.")
    assert services.transcript(interview_id).segments[0].text == "Corrected after the run."
