"""Two takes recorded for real, transcribed and exported as one conversation.

The real recorder records through PortAudio from a PulseAudio null sink (the test plays real
speech into it); the second Record says it adds a take; the real engine transcribes both
takes; the editor shows where the second take begins; the export screen saves a post that
holds the speech of both takes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.services import Services
from tests.app.audio_fixtures import PulseSink
from tests.conftest import TESTDATA
from tests.ui.conftest import shown_errors
from tests.ui.keyboard import pulse_input_fixture  # noqa: F401  (the pulse_input fixture)
from ui import dialogs, errors, theme
from ui.main_window import MainWindow

pytestmark = pytest.mark.slow


@pytest.fixture
def real_window(qtbot, services: Services, pulse_input: PulseSink) -> Iterator[MainWindow]:
    look = theme.install(QApplication.instance(), theme="light", scale=1.0)
    win = MainWindow(services, theme=look)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    for box in list(dialogs.open_questions) + list(errors.shown):
        box.done(0)
    win.shutdown()


def _record_take(qtbot, window: MainWindow, pulse: PulseSink, wav: Path) -> None:
    screen = window.interview
    screen.record_button.click()
    qtbot.waitUntil(lambda: screen.session.state == "recording", timeout=20_000)
    player = pulse.play(wav)
    qtbot.waitUntil(lambda: player.poll() is not None, timeout=90_000)
    qtbot.wait(600)  # the tail of the speech reaches the recorder after paplay ends
    screen.stop_button.click()
    qtbot.waitUntil(lambda: screen.session.state == "stopped", timeout=20_000)


def test_two_real_takes_are_transcribed_and_exported_whole(
    qtbot, real_window: MainWindow, pulse_input: PulseSink, tmp_path: Path
) -> None:
    window, services = real_window, real_window.services
    interview = services.new_interview("Two sittings", interviewer="Ann", interviewee="Bo")
    for role in ("interviewer", "interviewee"):
        services.give_consent(interview.id, role, ["record", "publish-text"])
    window.show_interview(interview.id)
    screen = window.interview

    _record_take(qtbot, window, pulse_input, TESTDATA / "librivox-0870.wav")
    qtbot.waitUntil(lambda: screen.takes_label.text().startswith("1 take."), timeout=5000)
    # Record again: the screen says it adds a take and keeps the first.
    assert "take 2" in screen.record_button.accessibleDescription()
    _record_take(qtbot, window, pulse_input, TESTDATA / "jfk.wav")
    qtbot.waitUntil(lambda: screen.takes_label.text().startswith("2 takes"), timeout=5000)
    takes = services.takes(interview.id)
    assert [t.status for t in takes] == ["complete", "complete"]

    task = window.transcribe(interview.id)
    assert task is not None
    qtbot.waitUntil(lambda: task.is_done, timeout=600_000)
    assert task.finished_ok, task.error
    transcript = services.transcript(interview.id)
    assert {s.recording_id for s in transcript.segments} == {t.id for t in takes}

    window.show_transcript(interview.id)
    editor = window.transcript
    rows = [editor.model.index(r).data() for r in range(editor.model.rowCount())]
    assert any(str(r).startswith("Take 2 begins here") for r in rows), rows

    window.show_export(interview.id)
    export = window.export
    export.folder.setText(str(tmp_path))
    with qtbot.waitSignal(export.exported, timeout=20_000) as saved:
        export.save_button.click()
    text = Path(saved.args[0]).read_text(encoding="utf-8").lower()
    assert "dashwood" in text, text  # the first take
    assert "country" in text, text  # the second take
    assert not shown_errors()
