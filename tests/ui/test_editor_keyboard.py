"""Listening and correcting with the keyboard alone, and a toolbar that never moves.

Selecting a line never starts sound; Space plays the selected line and stops at its end unless
"Keep playing" is on; Enter or F2 edit with the whole text in view however long; Escape leaves;
Split is one step at the text cursor. Undo/Redo keep their labels, so no button moves.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.services import Services
from tests.app.audio_fixtures import PulseSink, pulse_sink_fixture  # noqa: F401
from tests.ui.editor_fixtures import (  # noqa: F401 - pytest fixtures
    reread_fixture,
    stored_interview_fixture,
)
from tests.ui.keyboard import Ctrl, Shift, focused, press, type_text
from ui.transcript_editor import TranscriptEditor

REPO = Path(__file__).resolve().parents[2]
Key = Qt.Key
LONG = " ".join(f"and then word{i} went on" for i in range(60))  # ~1,400 characters


@pytest.fixture
def editor(qtbot, services: Services, stored_interview: int) -> TranscriptEditor:
    # One very long line, as a long answer without pauses comes out of the engine.
    revision = services.transcript(stored_interview).revision
    services.edits.edit_text(stored_interview, revision, 2, LONG)
    widget = TranscriptEditor(services)
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.load(stored_interview)
    with qtbot.waitExposed(widget):
        widget.show()
    widget.activateWindow()
    assert QTest.qWaitForWindowActive(widget)
    widget.view.setFocus()
    return widget


def _geometries(editor: TranscriptEditor) -> list[object]:
    """Where every toolbar button and field is, in toolbar order."""
    result = []
    for bar in (editor.play_bar, editor.edit_bar):
        for action in bar.actions():
            button = bar.widgetForAction(action)
            if button is not None and button.isVisible():
                result.append(button.geometry())
    return result


def test_keyboard_pass_listening_and_correcting(
    qtbot, editor: TranscriptEditor, reread: Services, stored_interview: int
) -> None:
    before = _geometries(editor)
    assert editor.undo_action.text() == "Undo" and editor.redo_action.text() == "Redo"

    # Arrow keys select lines: no sound starts.
    press(Key.Key_Home)
    for _ in range(editor.model.row_of_segment(2)):
        press(Key.Key_Down)
    assert editor.current_segment() == 2
    assert not editor.player.is_playing and editor.model.playing_segment is None

    # Enter edits with the whole (long) text in view; Escape leaves without saving.
    press(Key.Key_Return)
    text_editor = editor.delegate.active_editor
    assert text_editor is not None and focused() is text_editor
    qtbot.waitUntil(lambda: text_editor.height() >= text_editor.needed_height() - 2)
    assert text_editor.verticalScrollBar().maximum() == 0, "part of the text is cut off"
    assert text_editor.toPlainText() == LONG
    type_text(" nonsense")
    press(Key.Key_Escape)
    qtbot.waitUntil(lambda: editor.delegate.active_editor is None)
    assert focused() is editor.view
    assert reread.transcript(stored_interview).segments[2].text == LONG

    # F2 edits too; the text cursor moves with keys; Ctrl+Shift+S splits there in one step.
    count = len(editor.segments)
    press(Key.Key_F2)
    assert focused() is editor.delegate.active_editor
    press(Key.Key_Home, Ctrl)
    for _ in range(5):
        press(Key.Key_Right, Ctrl)  # to the start of "and then word1 ..."
    press(Key.Key_S, Ctrl | Shift)
    stored = reread.transcript(stored_interview).segments
    assert len(stored) == count + 1
    assert stored[2].text == "and then word0 went on"
    assert stored[3].text.startswith("and then word1 went on")
    assert "Split line" in editor.undo_action.toolTip()
    assert (
        "Split line" in editor.edit_bar.widgetForAction(editor.undo_action).accessibleDescription()
    )

    # Undo, redo, redact: labels stay put, and so does every button.
    press(Key.Key_Z, Ctrl)
    assert len(reread.transcript(stored_interview).segments) == count
    assert "Split line" in editor.redo_action.toolTip()
    press(Key.Key_Z, Ctrl | Shift)
    assert len(reread.transcript(stored_interview).segments) == count + 1
    press(Key.Key_R, Ctrl)
    assert editor.redact_action.text() == "Unredact"
    assert editor.undo_action.text() == "Undo" and editor.redo_action.text() == "Redo"
    qtbot.wait(50)
    assert _geometries(editor) == before


@pytest.mark.slow
def test_space_plays_the_line_and_stops_at_its_end_unless_keep_playing(
    pulse_sink: PulseSink, stored_interview: int, home: Path
) -> None:
    """Real sound through a PulseAudio null sink, in a child process (QtMultimedia looks for
    sound devices once, when it starts)."""
    script = textwrap.dedent(
        """
        import sys
        from PySide6.QtCore import Qt, QTimer
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication
        from app.context import AppContext
        from app.services import Services
        from ui.player import Player
        from ui.transcript_editor import TranscriptEditor
        app = QApplication([])
        if not Player.has_output_device():
            print("NO DEVICE"); sys.exit(4)
        editor = TranscriptEditor(Services(AppContext.open(recover=False)))
        editor.load(int(sys.argv[1]))
        editor.show()
        editor.activateWindow()
        QTest.qWaitForWindowActive(editor)  # keyboard shortcuts reach the active window only
        editor.player.failed.connect(lambda e: (print("FAILED", e), app.exit(2)))
        editor.player.set_rate(1.5)
        segment = 3
        seg = editor.segments[segment]
        editor.view.setCurrentIndex(editor.model.index(editor.model.row_of_segment(segment)))
        editor.view.setFocus()
        state = {"phase": "line", "played": False}
        button = editor.play_bar.widgetForAction(editor.play_action)
        app.processEvents()
        before = [w.geometry() for w in editor.play_bar.findChildren(type(button))]
        QTimer.singleShot(40000, lambda: app.exit(3))
        QTest.keyClick(editor.view, Qt.Key.Key_Space)
        def check():
            pos = editor.player.position()
            if editor.player.is_playing and not state["played"]:
                state["played"] = True
                app.processEvents()
                now = [w.geometry() for w in editor.play_bar.findChildren(type(button))]
                print("LABEL", editor.play_action.text(), "SAME", now == before)
                if now != before:
                    app.exit(6)
            if state["phase"] == "line" and state["played"] and not editor.player.is_playing:
                print("STOPPED", round(pos, 2), "END", seg.end)
                if not seg.end - 0.3 <= pos <= seg.end + 0.8:
                    app.exit(5)
                state.update(phase="keep", played=False)
                QTest.keyClick(editor.view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
                print("KEEP", editor.keep_playing.isChecked())
                QTest.keyClick(editor.view, Qt.Key.Key_Space)
            elif state["phase"] == "keep" and editor.player.is_playing and pos > seg.end + 1.0:
                print("PLAYED ON", round(pos, 2))
                app.exit(0)
        timer = QTimer(); timer.timeout.connect(check); timer.start(30)
        sys.exit(app.exec())
        """
    )
    env = {
        **pulse_sink.env,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(REPO),
        "BUDDY_INTERVIEWS_HOME": str(home),
    }
    done = subprocess.run(
        [sys.executable, "-c", script, str(stored_interview)],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert "KEEP True" in done.stdout and "PLAYED ON" in done.stdout
    assert "LABEL Pause SAME True" in done.stdout  # Play/Pause moves no button
