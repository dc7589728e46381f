"""The transcript editor, driven with the keyboard as a user would, against a real stored
interview; every change is checked in the database through a fresh Services."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from app.services import Services
from tests.app.audio_fixtures import PulseSink, pulse_sink_fixture  # noqa: F401
from tests.ui.editor_fixtures import (  # noqa: F401 - pytest fixtures
    reread_fixture,
    stored_interview_fixture,
)
from ui import errors as ui_errors
from ui.player import Player
from ui.transcript_editor import TranscriptEditor
from ui.transcript_model import REDACTED_LABEL, Role

REPO = Path(__file__).resolve().parents[2]
PRIYA = "I have been running weekly music workshops"


@pytest.fixture
def editor(qtbot, services: Services, stored_interview: int) -> TranscriptEditor:
    widget = TranscriptEditor(services)
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.load(stored_interview)
    with qtbot.waitExposed(widget):
        widget.show()
    widget.activateWindow()
    # Keyboard shortcuts only reach the active window.
    assert QTest.qWaitForWindowActive(widget)
    widget.view.setFocus()
    return widget


def go_to_segment(editor: TranscriptEditor, segment: int) -> None:
    """Move the current row with the arrow keys, as a keyboard user would."""
    view = editor.view
    QTest.keyClick(view, Qt.Key.Key_Home)
    target = editor.model.row_of_segment(segment)
    for _ in range(target):
        QTest.keyClick(view, Qt.Key.Key_Down)
    assert editor.current_segment() == segment


def stored_segments(other: Services, interview_id: int):
    transcript = other.transcript(interview_id)
    assert transcript is not None
    return transcript.segments


def test_rows_show_headings_and_accessible_text(editor: TranscriptEditor) -> None:
    model = editor.model
    assert model.index(0).data(Role.KIND) == "heading"
    assert model.index(0).data().startswith("Question 1: What have you been working on")
    row = model.row_of_segment(1)
    spoken = model.index(row).data(Qt.ItemDataRole.AccessibleTextRole)
    assert spoken.startswith(f"Priya Shah, 0:03 to 0:15: {PRIYA}")
    # A screen reader gets the same words through the view's accessibility interface.
    iface = QAccessible.queryAccessibleInterface(editor.view)
    child = iface.child(row)
    assert child is not None and child.text(QAccessible.Text.Name) == spoken


def test_edit_text_in_place_is_stored(
    qtbot,
    editor: TranscriptEditor,
    reread: Services,
    stored_interview: int,
) -> None:
    go_to_segment(editor, 1)
    with qtbot.waitSignal(editor.edited, timeout=5000):
        QTest.keyClick(editor.view, Qt.Key.Key_F2)
        text_editor = editor.delegate.active_editor
        assert text_editor is not None and text_editor.hasFocus()
        QTest.keyClicks(text_editor, " Really.")
        QTest.keyClick(text_editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.delegate.active_editor is None)
    seg = stored_segments(reread, stored_interview)[1]
    assert seg.text.endswith("last Friday. Really.")
    assert seg.edited
    assert reread.interview(stored_interview).status == "edited"


def test_escape_cancels_an_edit(qtbot, editor: TranscriptEditor) -> None:
    go_to_segment(editor, 1)
    before = editor.segments[1].text
    QTest.keyClick(editor.view, Qt.Key.Key_F2)
    text_editor = editor.delegate.active_editor
    assert text_editor is not None
    QTest.keyClicks(text_editor, " nonsense")
    QTest.keyClick(text_editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: editor.delegate.active_editor is None)
    assert editor.segments[1].text == before
    assert not editor.undo_action.isEnabled()


def test_speaker_shortcuts_and_combo_are_stored(
    qtbot,
    editor: TranscriptEditor,
    reread: Services,
    stored_interview: int,
) -> None:
    go_to_segment(editor, 1)
    QTest.keyClick(editor.view, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert stored_segments(reread, stored_interview)[1].speaker == "Sam Okafor"
    assert editor.speaker.currentData() == "Sam Okafor"
    QTest.keyClick(editor.view, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert stored_segments(reread, stored_interview)[1].speaker == "Priya Shah"
    # The combo, reached with the keyboard: choose "Unknown speaker".
    editor.speaker.setFocus()
    QTest.keyClick(editor.speaker, Qt.Key.Key_End)
    assert stored_segments(reread, stored_interview)[1].speaker is None


def test_speaker_keys_win_over_the_same_keys_in_the_window_menu(
    qtbot,
    services: Services,
    stored_interview: int,
    reread: Services,
) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    went: list[bool] = []
    go = window.menuBar().addMenu("&Go")
    go.addAction("Library", QKeySequence("Ctrl+1"), lambda: went.append(True))
    editor = TranscriptEditor(services)
    window.setCentralWidget(editor)
    editor.load(stored_interview)
    with qtbot.waitExposed(window):
        window.show()
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window)
    editor.view.setFocus()
    go_to_segment(editor, 1)
    QTest.keyClick(editor.view, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert stored_segments(reread, stored_interview)[1].speaker == "Sam Okafor"
    assert not went


def test_redact_is_stored_labelled_and_left_out_of_markdown(
    qtbot,
    editor: TranscriptEditor,
    reread: Services,
    stored_interview: int,
) -> None:
    go_to_segment(editor, 1)
    QTest.keyClick(editor.view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert stored_segments(reread, stored_interview)[1].redacted
    index = editor.model.index(editor.model.row_of_segment(1))
    assert index.data().startswith(REDACTED_LABEL)
    assert "redacted" in index.data(Qt.ItemDataRole.AccessibleTextRole)
    assert editor.redact_action.text() == "Unredact"
    markdown = reread.render(stored_interview, "markdown")
    assert PRIYA not in markdown
    assert "What surprised you" in markdown
    QTest.keyClick(editor.view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert not stored_segments(reread, stored_interview)[1].redacted
    assert PRIYA in reread.render(stored_interview, "markdown")


def test_split_at_cursor_then_merge_and_undo_redo_are_stored(
    qtbot,
    editor: TranscriptEditor,
    reread: Services,
    stored_interview: int,
) -> None:
    original = [s.text for s in editor.segments]
    count = len(original)
    go_to_segment(editor, 1)
    split = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    # From the list, Split opens the text and asks where to cut.
    QTest.keyClick(editor.view, Qt.Key.Key_S, split)
    assert "Put the text cursor where the line should be split" in editor.status.text()
    text_editor = editor.delegate.active_editor
    assert text_editor is not None and text_editor.hasFocus()
    cut = original[1].index(" The students")
    cursor = text_editor.textCursor()
    cursor.setPosition(cut)
    text_editor.setTextCursor(cursor)
    QTest.keyClick(text_editor, Qt.Key.Key_S, split)
    stored = stored_segments(reread, stored_interview)
    assert len(stored) == count + 1
    assert stored[1].text == original[1][:cut]
    assert stored[2].text.startswith("The students play")
    assert stored[1].end <= stored[2].start
    assert editor.current_segment() == 2

    # Merge them back: the segment before, then Ctrl+M.
    QTest.keyClick(editor.view, Qt.Key.Key_Up)
    QTest.keyClick(editor.view, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    stored = stored_segments(reread, stored_interview)
    assert len(stored) == count and stored[1].text == original[1]

    # Undo the merge, then the split: each step is stored.
    QTest.keyClick(editor.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(stored_segments(reread, stored_interview)) == count + 1
    QTest.keyClick(editor.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [s.text for s in stored_segments(reread, stored_interview)] == original
    assert [s.text for s in editor.segments] == original
    QTest.keyClick(editor.view, Qt.Key.Key_Z, split)
    assert len(stored_segments(reread, stored_interview)) == count + 1


def test_undo_button_while_typing_saves_the_typing_then_undoes_it(
    qtbot,
    editor: TranscriptEditor,
    reread: Services,
    stored_interview: int,
) -> None:
    go_to_segment(editor, 5)
    editor.toggle_redact()  # an earlier change, so that Undo is available
    original = editor.segments[5].text
    QTest.keyClick(editor.view, Qt.Key.Key_F2)
    text_editor = editor.delegate.active_editor
    assert text_editor is not None
    QTest.keyClicks(text_editor, " Typo")
    editor.edit_bar.widgetForAction(editor.undo_action).click()
    assert editor.delegate.active_editor is None
    stored = stored_segments(reread, stored_interview)[5]
    assert stored.text == original and stored.redacted
    assert editor.redo_action.isEnabled() and editor.redo_action.text() == "Redo"
    assert "Edit text" in editor.redo_action.toolTip()
    QTest.keyClick(
        editor.view,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert stored_segments(reread, stored_interview)[5].text == original + " Typo"


def test_actions_on_a_heading_say_what_to_do(qtbot, editor: TranscriptEditor) -> None:
    QTest.keyClick(editor.view, Qt.Key.Key_Home)
    assert editor.current_segment() is None  # the first row is the heading of question 1
    QTest.keyClick(editor.view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert editor.status.text().startswith("Choose a line first")
    assert not editor.undo_action.isEnabled()


def test_merge_across_questions_is_refused_with_a_reason(
    qtbot,
    editor: TranscriptEditor,
    reread: Services,
    stored_interview: int,
) -> None:
    go_to_segment(editor, 1)  # the last segment of question 1
    QTest.keyClick(editor.view, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(ui_errors.shown))
    box = ui_errors.shown[-1]
    assert "different questions" in box.text()
    box.accept()
    assert len(stored_segments(reread, stored_interview)) == len(editor.segments)


def test_undo_of_a_text_edit_restores_and_stores(
    qtbot,
    editor: TranscriptEditor,
    reread: Services,
    stored_interview: int,
) -> None:
    original = editor.segments[3].text
    go_to_segment(editor, 3)
    QTest.keyClick(editor.view, Qt.Key.Key_F2)
    text_editor = editor.delegate.active_editor
    assert text_editor is not None
    text_editor.selectAll()
    QTest.keyClicks(text_editor, "Quickly.")
    QTest.keyClick(text_editor, Qt.Key.Key_Return)
    assert stored_segments(reread, stored_interview)[3].text == "Quickly."
    QTest.keyClick(editor.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored_segments(reread, stored_interview)[3].text == original
    assert editor.segments[3].text == original
    assert "Undone" in editor.status.text()


def test_find_and_replace_with_the_keyboard(
    qtbot,
    editor: TranscriptEditor,
    reread: Services,
    stored_interview: int,
) -> None:
    QTest.keyClick(editor.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    bar = editor.find_bar
    assert bar.isVisible() and bar.find_edit.hasFocus()
    QTest.keyClicks(bar.find_edit, "students")
    QTest.keyClick(bar.find_edit, Qt.Key.Key_Return)
    assert editor.current_segment() == 1
    assert bar.result.text().startswith("Match 1 of 2: Priya Shah at 0:03")
    QTest.keyClick(bar.find_edit, Qt.Key.Key_Return)
    assert editor.current_segment() == 3
    QTest.keyClick(bar.find_edit, Qt.Key.Key_Escape)
    assert not bar.isVisible() and editor.view.hasFocus()

    QTest.keyClick(editor.view, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert bar.replace_edit.isVisible() and bar.replace_edit.hasFocus()
    QTest.keyClicks(bar.replace_edit, "pupils")
    bar.replace_all_button.click()
    assert bar.result.text() == "Replaced 2 matches of “students”."
    texts = [s.text for s in stored_segments(reread, stored_interview)]
    assert not any("students" in t for t in texts)
    assert sum(t.count("pupils") for t in texts) == 2
    # Replace all is one undo step.
    QTest.keyClick(editor.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    texts = [s.text for s in stored_segments(reread, stored_interview)]
    assert sum(t.count("students") for t in texts) == 2


def test_replace_one_match_at_a_time(
    qtbot,
    editor: TranscriptEditor,
    reread: Services,
    stored_interview: int,
) -> None:
    QTest.keyClick(editor.view, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    bar = editor.find_bar
    QTest.keyClicks(bar.find_edit, "Bristol")
    bar.replace_edit.setFocus()
    QTest.keyClicks(bar.replace_edit, "Bath")
    QTest.keyClick(bar.replace_edit, Qt.Key.Key_Return)  # first Enter shows the match
    assert editor.current_segment() == 1
    QTest.keyClick(bar.replace_edit, Qt.Key.Key_Return)  # the second replaces it
    assert "in Bath." in stored_segments(reread, stored_interview)[1].text


def test_enter_edits_and_space_plays_the_line_or_reports_why_not(
    qtbot, editor: TranscriptEditor
) -> None:
    go_to_segment(editor, 3)
    QTest.keyClick(editor.view, Qt.Key.Key_Return)
    assert editor.delegate.active_editor is not None  # Enter opens the text to correct
    assert not editor.player.is_playing and editor.model.playing_segment is None
    QTest.keyClick(editor.delegate.active_editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: editor.delegate.active_editor is None)
    row = editor.model.row_of_segment(3)
    QTest.keyClick(editor.view, Qt.Key.Key_Space)
    if Player.has_output_device():
        qtbot.waitUntil(lambda: editor.player.is_playing, timeout=5000)
        start = editor.segments[3].start
        qtbot.waitUntil(lambda: editor.player.position() > start + 0.3, timeout=5000)
        marker = editor.model.index(row).data(Role.META)
        assert marker.startswith("▶ playing")
    else:
        # No sound card (CI): the editor says so in words and keeps working.
        assert "No sound output was found" in editor.status.text()
        assert not editor.player.is_playing
        assert editor.model.index(row).data(Role.META).startswith("❚❚ paused here")


def test_playback_controls_with_or_without_a_device(qtbot, editor: TranscriptEditor) -> None:
    go_to_segment(editor, 1)
    if Player.has_output_device():
        QTest.keyClick(editor.view, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: editor.player.is_playing, timeout=5000)
        QTest.keyClick(editor.view, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: not editor.player.is_playing, timeout=5000)
    else:
        with qtbot.waitSignal(editor.player.failed, timeout=2000) as blocker:
            QTest.keyClick(editor.view, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
        assert "speakers or headphones" in blocker.args[0].hint
        assert "No sound output was found" in editor.status.text()
    # A click on a row selects it and never starts sound; Space then plays it.
    editor.player.stop()
    rect = editor.view.visualRect(editor.model.index(editor.model.row_of_segment(3)))
    QTest.mouseClick(editor.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert editor.current_segment() == 3 and not editor.player.is_playing
    QTest.keyClick(editor.view, Qt.Key.Key_Space)
    assert editor.model.playing_segment == 3
    assert editor.player.position() == pytest.approx(editor.segments[3].start, abs=0.5)
    # Skipping and speed work either way (they move the position and set the rate).
    before = editor.player.position()
    QTest.keyClick(editor.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert editor.player.position() >= before + 4.5
    QTest.keyClick(editor.view, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert editor.player.position() == pytest.approx(before, abs=1.0)
    editor.speed.setFocus()
    QTest.keyClick(editor.speed, Qt.Key.Key_End)
    assert editor.player.rate == 1.5


def focusable(root: QWidget) -> list[QWidget]:
    return [
        w
        for w in root.findChildren(QWidget)
        if w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
    ]


def tab_chain(start: QWidget, limit: int = 200) -> set[QWidget]:
    seen: set[QWidget] = set()
    widget = start
    for _ in range(limit):
        seen.add(widget)
        QTest.keyClick(widget, Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        if widget is None or widget in seen:
            break
    return seen


def test_every_control_has_a_name_and_is_reachable_by_tab(qtbot, editor: TranscriptEditor) -> None:
    editor.find_action.trigger()
    editor.replace_action.trigger()
    controls = focusable(editor)
    assert len(controls) >= 15
    for widget in controls:
        iface = QAccessible.queryAccessibleInterface(widget)
        name = iface.text(QAccessible.Text.Name)
        assert name.strip(), f"{widget!r} has no accessible name"
    editor.view.setFocus()
    reached = tab_chain(editor.view)
    missing = [w for w in controls if w not in reached]
    assert not missing, f"not reachable with Tab: {missing}"


@pytest.mark.slow
def test_real_playback_highlights_the_playing_segment(
    pulse_sink: PulseSink, stored_interview: int, home: Path
) -> None:
    """Real sound through a PulseAudio null sink, in a child process: QtMultimedia looks
    for sound devices once, when it starts, so this process (no device) cannot be reused."""
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
        from ui.transcript_model import Role
        app = QApplication([])
        if not Player.has_output_device():
            print("NO DEVICE"); sys.exit(4)
        editor = TranscriptEditor(Services(AppContext.open(recover=False)))
        editor.load(int(sys.argv[1]))
        editor.show()
        editor.player.failed.connect(lambda e: (print("FAILED", e), app.exit(2)))
        editor.player.set_rate(1.5)
        segment = 3
        row = editor.model.index(editor.model.row_of_segment(segment))
        editor.view.setCurrentIndex(row)
        editor.keep_playing.setChecked(True)
        QTest.keyClick(editor.view, Qt.Key.Key_Space)  # plays the selected line
        start = editor.segments[segment].start
        QTimer.singleShot(20000, lambda: app.exit(3))
        def check():
            meta = row.data(Role.META)
            if editor.player.position() > start + 1.0 and meta.startswith("▶ playing"):
                print("ACCESSIBLE", row.data(Qt.ItemDataRole.AccessibleTextRole))
                QTest.keyClick(editor.view, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
                app.exit(0)
        timer = QTimer(); timer.timeout.connect(check); timer.start(50)
        code = app.exec()
        print("POSITION", editor.player.position(), "RATE", editor.player.rate)
        sys.exit(code)
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
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert "RATE 1.5" in done.stdout
    assert "ACCESSIBLE Priya Shah, 0:19 to 0:28, playing: How quickly" in done.stdout
