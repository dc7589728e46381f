"""The editor across takes: a visible boundary, playback that follows the takes, reloads."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.models import Segment, Transcript, Word
from app.services import Services
from tests.ui.keyboard import press
from ui.transcript_editor import TranscriptEditor


def _line(text: str, start: float, take: int) -> Segment:
    words = [
        Word(start + i * 0.3, start + i * 0.3 + 0.25, " " + w) for i, w in enumerate(text.split())
    ]
    return Segment(start, words[-1].end, text, words, speaker="Bo", recording_id=take)


def test_boundary_playback_and_reload_across_two_takes(
    qtbot, services: Services, testdata: Path
) -> None:
    interview = services.new_interview("Across", interviewer="Ann", interviewee="Bo")
    one = services.import_audio(interview.id, testdata / "librivox-0870.wav")
    two = services.import_audio(interview.id, testdata / "jfk.wav")
    lines = [
        _line("and mister john dashwood", 0.5, one.id),
        _line("had then leisure to consider", 3.0, one.id),
        _line("and so my fellow americans", 0.4, two.id),
        _line("ask what you can do", 6.0, two.id),
    ]
    services.store.save_transcript(
        Transcript(interview.id, one.id, "test", "none", "en", datetime.now(timezone.utc), lines,
                   take_ids=[one.id, two.id])
    )  # fmt: skip
    editor = TranscriptEditor(services)
    qtbot.addWidget(editor)
    editor.resize(900, 600)
    editor.load(interview.id)
    editor.show()
    editor.activateWindow()
    assert QTest.qWaitForWindowActive(editor)
    rows = [str(editor.model.index(r).data()) for r in range(editor.model.rowCount())]
    assert any(r.startswith("Take 1 begins here") for r in rows)
    boundary = next(i for i, r in enumerate(rows) if r.startswith("Take 2 begins here"))
    assert editor.model.segment_of_row(boundary + 1) == 2  # right before the take's first line

    # Playing a line of the second take switches the player to that take's file.
    assert editor.player.source == services.audio_file(one)
    editor.view.setFocus()
    editor.view.setCurrentIndex(editor.model.index(editor.model.row_of_segment(3)))
    press(Qt.Key.Key_Space)
    assert editor.player.source == services.audio_file(two)
    assert "(take 2 of 2)" in editor.position_label.text()
    editor.player.stop()

    # The same line numbers mean the same positions in take 2 and take 1: no mix-up.
    assert editor.model.segment_at(two.id, 6.2) == 3
    assert editor.model.segment_at(one.id, 0.6) == 0

    # A take left out elsewhere: the editor hears of it and reloads itself.
    services.set_take_included(one.id, False)
    qtbot.waitUntil(
        lambda: (
            "left out of exports" in str(editor.model.index(1).data())
            or any(
                "left out" in str(editor.model.index(r).data())
                for r in range(editor.model.rowCount())
            )
        )
    )
    assert editor.revision == services.transcript(interview.id).revision
    # The Split button works with the mouse while the text is open: one step at the cursor.
    editor.view.setCurrentIndex(editor.model.index(editor.model.row_of_segment(3)))
    editor.edit_current()
    text = editor.delegate.active_editor
    cursor = text.textCursor()
    cursor.setPosition(len("ask what"))
    text.setTextCursor(cursor)
    button = editor.edit_bar.widgetForAction(editor.split_action)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    stored = [s.text for s in services.transcript(interview.id).segments]
    assert stored[3:] == ["ask what", "you can do"]
    assert {s.recording_id for s in services.transcript(interview.id).segments[3:]} == {two.id}
