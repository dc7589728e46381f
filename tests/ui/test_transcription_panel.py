"""Transcription in the background with the real engine: cancel, finish, and the question
asked before hand edits would be replaced."""

from __future__ import annotations

import pytest

from tests.ui.conftest import TESTDATA, answer, shown_errors
from tests.ui.test_screens import make
from ui import dialogs

pytestmark = pytest.mark.slow


def test_cancel_then_transcribe_then_ask_before_losing_edits(qtbot, window, services) -> None:
    interview = make(services)
    services.import_audio(interview.id, TESTDATA / "jfk.wav")
    panel = window.panel

    task = window.transcribe(interview.id)
    assert panel.isVisible() and panel.cancel_button.isEnabled()
    panel.cancel_button.click()
    qtbot.waitUntil(lambda: task.is_done, timeout=120_000)
    assert not task.finished_ok
    assert "Cancelled" in panel.remaining.text()
    assert "Transcribing" not in panel.title.text()  # nothing is, any more
    assert services.transcript(interview.id) is None

    task = window.transcribe(interview.id)
    qtbot.waitUntil(lambda: task.is_done, timeout=120_000)
    assert task.finished_ok, task.error
    assert "Done" in panel.remaining.text() and panel.open_button.isVisible()
    transcript = services.transcript(interview.id)
    assert "country" in " ".join(s.text for s in transcript.segments).lower()

    services.edits.edit_text(interview.id, transcript.revision, 0, "Corrected by hand.")
    assert window.transcribe(interview.id) is not None
    qtbot.waitUntil(lambda: bool(dialogs.open_questions), timeout=120_000)
    answer(qtbot, "Keep my corrections")
    assert "Transcribing" not in panel.title.text() and "kept" in panel.title.text()
    assert services.transcript(interview.id).segments[0].text == "Corrected by hand."

    window.transcribe(interview.id)
    answer(qtbot, "Transcribe again and lose my corrections", timeout=120_000)
    qtbot.waitUntil(lambda: panel.task.is_done and panel.task.finished_ok, timeout=120_000)
    assert services.transcript(interview.id).segments[0].text != "Corrected by hand."
    assert not shown_errors()


def test_progress_says_what_is_happening_from_the_start(qtbot, window, services) -> None:
    interview = make(services)
    services.import_audio(interview.id, TESTDATA / "buddy-interview.wav")
    panel = window.panel
    seen: list[str] = []
    task = window.transcribe(interview.id)
    assert panel.remaining.text().startswith("Opening")  # words at once, not a bare 0%
    # The panel's own slot runs first, so each update shows the panel's text after it.
    task.progress.connect(lambda _f: seen.append(panel.remaining.text()))
    qtbot.waitUntil(lambda: task.is_done, timeout=180_000)
    assert task.finished_ok, task.error
    assert any("of 1:03 transcribed" in text for text in seen), seen
    positions = [text.split(" of ")[0] for text in seen if " of 1:03 transcribed" in text]
    assert len(positions) >= 2  # it moves while the audio goes through
    assert "Done in" in panel.remaining.text()
