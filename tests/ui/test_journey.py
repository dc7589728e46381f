"""The whole journey, as a user walks it: new interview with consent, import a recording with
question markers, transcribe it with the real engine, correct the transcript, export Markdown.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import INTERVIEW_TRUTH, INTERVIEW_WAV, shown_errors, write_markers
from ui.import_dialog import ImportDialog

pytestmark = pytest.mark.slow


def click(qtbot, widget) -> None:
    assert widget.isEnabled(), f"{widget.accessibleName()} is disabled"
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_whole_journey(window, qtbot, tmp_path: Path) -> None:
    truth = json.loads(INTERVIEW_TRUTH.read_text())
    sam, priya = truth["interviewer"]["name"], truth["interviewee"]["name"]

    # 1. A new interview, from the File menu's shortcut.
    window.new_action.trigger()
    screen = window.new_interview
    assert window.stack.currentWidget() is screen
    qtbot.keyClicks(screen.title, truth["title"])
    qtbot.keyClicks(screen.interviewer, sam)
    qtbot.keyClicks(screen.interviewee, priya)
    assert "Sam Okafor" in screen.consent.participants["interviewer"].title()

    # 2. Both read the wording and tick every scope.
    assert "Publishing the text" in screen.consent.wording.toPlainText()
    for group in screen.consent.participants.values():
        for box in group.boxes.values():
            box.setFocus()
            qtbot.keyClick(box, Qt.Key.Key_Space)  # the keyboard way to tick a box
            assert box.isChecked()
    click(qtbot, screen.create_button)
    assert window.stack.currentWidget() is window.interview
    interview_id = window.current_id
    interview = window.services.interview(interview_id)
    assert not interview.missing_consent("record")
    assert not interview.missing_consent("publish-text")

    # 3. Import the recording with its question markers, from the library.
    window.show_library()
    assert window.library.selected_id() == interview_id
    assert "New" in window.library.model.data(window.library.model.index(0, 3))
    click(qtbot, window.library.import_button)
    dialog = window.library.findChild(ImportDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.audio, str(INTERVIEW_WAV))
    qtbot.keyClicks(dialog.markers, str(write_markers(tmp_path)))
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    task = window.library.import_task
    qtbot.waitUntil(lambda: task.is_done, timeout=30_000)
    assert task.finished_ok, task.error
    assert "Recorded" in window.library.model.data(window.library.model.index(0, 3))

    # 4. Open it (no transcript yet: the interview screen) and transcribe in the background.
    window.library.table.setFocus()
    qtbot.keyClick(window.library.table, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.interview
    click(qtbot, window.interview.transcribe_button)
    panel = window.panel
    assert panel.isVisible() and panel.running
    qtbot.waitUntil(lambda: panel.task.is_done, timeout=300_000)
    assert panel.task.finished_ok, panel.task.error
    assert not shown_errors()
    assert panel.progress.value() == 1000

    # 5. Open the transcript and correct it.
    click(qtbot, panel.open_button)
    editor = window.transcript
    assert window.stack.currentWidget() is editor
    segments = editor.segments
    assert len(segments) >= 5
    answer_of = [i for i, s in enumerate(segments) if "workshops at a special school" in s.text]
    assert answer_of, [s.text for s in segments]
    edited = answer_of[0]
    new_text = segments[edited].text.replace("Bristol", "Bristol (St Mary's)")
    assert editor.edit_text(edited, new_text)

    # Speaker: move to a segment with the keyboard and give it to the interviewer.
    spoken_by_priya = next(i for i, s in enumerate(editor.segments) if s.speaker == priya)
    other = next(
        i for i, s in enumerate(editor.segments) if s.speaker == priya and i != spoken_by_priya
    )
    editor.view.setFocus()
    editor.view.setCurrentIndex(editor.model.index(editor.model.row_of_segment(other)))
    editor.interviewer_action.trigger()
    assert editor.segments[other].speaker == sam

    # Redact the answer about who else was involved.
    redacted = next(i for i, s in enumerate(editor.segments) if "sound engineer" in s.text)
    redacted_text = editor.segments[redacted].text
    editor.view.setCurrentIndex(editor.model.index(editor.model.row_of_segment(redacted)))
    editor.redact_action.trigger()
    assert editor.segments[redacted].redacted
    stored = window.services.transcript(interview_id).segments
    assert stored[redacted].redacted and stored[other].speaker == sam

    # 6. Export the Markdown draft.
    out_dir = tmp_path / "export"
    out_dir.mkdir()
    markdown = export_markdown(window, qtbot, interview_id, out_dir)
    text = markdown.read_text(encoding="utf-8")

    headings = [line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#")]
    for index, question in enumerate(truth["questions"]):
        # The only answer to question 3 was redacted, and the interviewer's reading of a
        # question is never printed under its heading: nothing is left to head.
        assert (question in headings) == (index != 2), f"{question!r}:\n{text}"
    assert sam in text and priya in text
    assert "Bristol (St Mary's)" in text
    assert redacted_text not in text
    assert "sound engineer" not in text
    assert window.services.interview(interview_id).status == "exported"
    assert not shown_errors()
    QApplication.processEvents()


def export_markdown(window, qtbot, interview_id: int, out_dir: Path) -> Path:
    """Export through the export screen, as the user would: Alt+4, pick Markdown, Save."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    screen = window.export
    assert window.stack.currentWidget() is screen
    screen.format.setCurrentIndex(screen.format.findData("markdown"))
    screen.folder.clear()
    qtbot.keyClicks(screen.folder, str(out_dir))
    assert "Bristol (St Mary's)" in screen.text  # the preview shows the edit
    # Consent was given; the final words still need both participants' approval.
    assert "not approved the post" in screen.blocked_label.text()
    dialog = screen.open_approval()
    assert dialog is not None
    click(qtbot, dialog.approve_button)
    click(qtbot, dialog.approve_button)
    assert "Both have approved" in dialog.status.text()
    dialog.close()
    qtbot.waitUntil(lambda: not screen.consent_box.isVisible())
    with qtbot.waitSignal(screen.exported, timeout=10_000) as saved:
        click(qtbot, screen.save_button)
    path = saved.args[0]
    assert path.parent == out_dir and path.suffix == ".md"
    return path
