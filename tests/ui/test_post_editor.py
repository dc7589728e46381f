"""The post editor on the export screen, driven with the keyboard as a user would."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtTest import QTest

from app.services import Services
from tests.app.post_helpers import put_segments
from tests.ui.editor_fixtures import (  # noqa: F401 - pytest fixtures
    approve_all,
    approved_interview_fixture,
    reread_fixture,
    stored_interview_fixture,
)
from tests.ui.test_export_screen import make_screen
from tests.ui.test_transcript_editor import go_to_segment
from ui.export_screen import ExportScreen
from ui.transcript_editor import TranscriptEditor

Ctrl = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def type_into(widget, text: str, *, replace_all: bool = True) -> None:
    widget.setFocus()
    if replace_all:
        QTest.keyClick(widget, Qt.Key.Key_A, Ctrl)
    QTest.keyClicks(widget, text)


def test_typing_is_saved_at_once_and_undone(
    qtbot, services: Services, reread: Services, approved_interview: int, out: Path
) -> None:
    screen = make_screen(qtbot, services, approved_interview, out)
    editor = screen.editor
    assert editor.title_edit.text() == "Making music with switches"
    assert "Priya Shah talks to Sam Okafor" in editor.intro_edit.toPlainText()
    assert editor.summary_edit.toPlainText().endswith(".")
    type_into(editor.title_edit, "Switches and songs")
    # Saved after a short pause, without pressing anything: another connection sees it.
    qtbot.waitUntil(lambda: reread.post_state(approved_interview).post.title is not None)
    assert reread.post_state(approved_interview).post.title == "Switches and songs"
    # The intro was not touched: it stays the default, which now quotes the new title.
    assert reread.post_state(approved_interview).post.intro is None
    qtbot.waitUntil(lambda: "about “Switches and songs”" in editor.intro_edit.toPlainText())
    qtbot.waitUntil(lambda: "Switches and songs" in screen.rendered.toPlainText())
    assert screen.file_name.text() == "switches-and-songs.md"
    # The approved text changed: saving is blocked until both approve again.
    assert screen.consent_box.isVisible() and not screen.save_button.isEnabled()
    assert "changed after" in screen.blocked_label.text()
    QTest.keyClick(editor.tags_edit, Qt.Key.Key_Tab)  # leave the field
    QTest.keyClick(screen, Qt.Key.Key_Z, Ctrl | Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: reread.post_state(approved_interview).post.title is None)
    assert editor.title_edit.text() == "Making music with switches"
    assert screen.save_button.isEnabled()  # back to the approved words
    assert editor.redo_button.isEnabled()
    editor.redo_button.click()
    assert editor.title_edit.text() == "Switches and songs"


def test_a_summary_over_the_limit_is_counted_and_not_saved(
    qtbot, services: Services, stored_interview: int, out: Path
) -> None:
    screen = make_screen(qtbot, services, stored_interview, out)
    editor = screen.editor
    type_into(editor.summary_edit, "Too long. " * 20)
    editor.save_now()
    assert "too long" in editor.summary_count.text()
    assert services.post_state(stored_interview).post.summary is None
    type_into(editor.summary_edit, "Students compose with switches.")
    editor.save_now()
    assert services.post_state(stored_interview).post.summary == "Students compose with switches."
    assert "description: Students compose with switches." in screen.raw.toPlainText()


def test_tags_headings_and_fillers(
    qtbot, services: Services, stored_interview: int, out: Path
) -> None:
    screen = make_screen(qtbot, services, stored_interview, out)
    editor = screen.editor
    type_into(editor.tags_edit, "music, #schools, Music")
    QTest.keyClick(editor.tags_edit, Qt.Key.Key_Return)
    assert services.post_state(stored_interview).post.tags == ["music", "schools"]
    assert editor.tags_edit.text() == "music, schools"
    index, combo, heading = editor._heading_rows[1]
    assert index == 1 and heading.isReadOnly()
    combo.setFocus()
    while combo.currentData() != "custom":
        QTest.keyClick(combo, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: not editor._heading_rows[1][2].isReadOnly())
    type_into(editor._heading_rows[1][2], "The students took over")
    QTest.keyClick(editor._heading_rows[1][2], Qt.Key.Key_Return)
    assert "## The students took over" in screen.raw.toPlainText()
    assert "What surprised you about the workshops?" not in screen.raw.toPlainText()
    editor.fillers.setFocus()
    QTest.keyClick(editor.fillers, Qt.Key.Key_Space)
    assert services.post_state(stored_interview).post.omit_fillers is False


def test_use_as_pull_quote_from_the_transcript(
    qtbot, services: Services, stored_interview: int, out: Path
) -> None:
    transcript = TranscriptEditor(services)
    qtbot.addWidget(transcript)
    transcript.load(stored_interview)
    with qtbot.waitExposed(transcript):
        transcript.show()
    transcript.activateWindow()
    assert QTest.qWaitForWindowActive(transcript)
    transcript.view.setFocus()
    go_to_segment(transcript, 3)
    QTest.keyClick(transcript.view, Qt.Key.Key_U, Ctrl | Qt.KeyboardModifier.ShiftModifier)
    assert "pull quote" in transcript.status.text()
    quote = services.post_state(stored_interview).post.pull_quote
    assert quote is not None and quote.text.startswith("How quickly the students")
    screen = make_screen(qtbot, services, stored_interview, out)
    assert screen.editor.quote_label.text().startswith("Pull quote: “How quickly")
    assert "> How quickly the students" in screen.raw.toPlainText()
    screen.editor.quote_button.click()
    assert services.post_state(stored_interview).post.pull_quote is None
    assert "> How quickly" not in screen.raw.toPlainText()


def test_approval_shows_the_text_records_each_person_and_what_changed(
    qtbot, services: Services, stored_interview: int, out: Path
) -> None:
    screen = make_screen(qtbot, services, stored_interview, out)
    assert "not approved the post" in screen.blocked_label.text()
    dialog = screen.open_approval()
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.text.toPlainText() == services.approval_text(stored_interview)
    assert "## What have you been working on this month?" in dialog.text.toPlainText()
    # Someone not at the laptop reads a review copy first.
    copy = dialog.save_review_copy(out / "for-sam", "review-docx")
    assert copy == out / "for-sam.docx" and "review copy" in dialog.status.text()
    first = dialog.who.currentText()
    dialog.approve_button.click()
    assert f"{first} approved this text" in dialog.status.text()
    assert dialog.who.currentText() != first
    dialog.approve_button.click()
    assert "Both have approved" in dialog.status.text()
    dialog.close()
    screen.refresh()
    assert not screen.consent_box.isVisible() and screen.save_button.isEnabled()
    assert screen.approval_label.text() == "Sam Okafor: approved; Priya Shah: approved"
    # An edit after approval: blocked again, and the dialog shows what changed.
    post = services.post_state(stored_interview).post
    services.save_post(stored_interview, replace(post, intro="A new opening."))
    screen.refresh()
    assert not screen.save_button.isEnabled()
    dialog = screen.open_approval()
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.changes.isVisibleTo(dialog)
    assert "+A new opening." in dialog.changes.toPlainText()
    assert "approved an earlier version" in dialog.states.text()
    dialog.close()


def test_review_copies_are_written_and_the_html_renders(
    qtbot, services: Services, stored_interview: int, out: Path
) -> None:
    import docx

    screen = make_screen(qtbot, services, stored_interview, out)
    html_path = screen.save_review_copy(out / "for-priya", "review-html")
    assert html_path == out / "for-priya.html"
    document = QTextDocument()
    document.setHtml(html_path.read_text(encoding="utf-8"))  # rendered by Qt, headless
    shown = document.toPlainText()
    assert shown.startswith("Draft for review")
    assert "What surprised you about the workshops?" in shown
    assert "[0:19]Priya Shah: How quickly the students" in shown.replace("] ", "]")
    word = screen.save_review_copy(out / "for-priya.docx", "review-docx")
    assert word is not None
    assert docx.Document(str(word)).paragraphs[0].text.startswith("Draft for review")
    assert "review copy" in screen.status.text()


def test_publish_says_so_when_this_build_cannot(
    qtbot, services: Services, approved_interview: int, out: Path
) -> None:
    screen = make_screen(qtbot, services, approved_interview, out)
    try:
        import ui.publish_dialog  # noqa: F401
    except ImportError:
        assert screen.publish() is None
        assert "not available in this build" in screen.status.text()
    else:  # the publishing branch is merged: the button opens its dialog
        dialog = screen.publish()
        assert dialog is not None
        qtbot.addWidget(dialog)
        dialog.close()


def test_a_misspelt_name_is_offered_once_and_fixed_everywhere(
    qtbot, services: Services, stored_interview: int, out: Path
) -> None:
    segments = services.require_transcript(stored_interview).segments
    segments[0] = replace(segments[0], text="Pria, " + segments[0].text)
    segments[2] = replace(segments[2], text=segments[2].text + " Thanks, Pria.")
    put_segments(services, stored_interview, segments)
    screen: ExportScreen = make_screen(qtbot, services, stored_interview, out)
    assert screen.names_box.isVisible()
    assert (
        screen.names_label.text()
    ) == "“Pria” (2 times in the transcript) may be “Priya” misspelt."
    screen.names_button.setFocus()
    QTest.keyClick(screen.names_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not screen.names_box.isVisible())
    assert "Replaced “Pria” with “Priya” 2 times" in screen.status.text()
    text = " ".join(s.text for s in services.require_transcript(stored_interview).segments)
    assert "Pria," not in text and "Thanks, Priya." in text
