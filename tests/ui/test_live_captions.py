"""Live captions on the interview screen, with the real recorder, live worker and engine
(only the microphone is a fake stream playing the buddy interview)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from tests.ui.conftest import (
    INTERVIEW_WAV,
    FakeInputStream,
    FakeMicrophone,
    shown_errors,
)
from tests.ui.test_interview_screen import open_interview, start

pytestmark = [pytest.mark.slow, pytest.mark.live_transcription]


class RealTimeMicrophone(FakeMicrophone):
    """The interview played at its own pace: captions are for a conversation in real time
    (fed ten times faster, the worker falls behind and rightly skips stale captions)."""

    def __call__(self, **kwargs: object) -> FakeInputStream:
        stream = FakeInputStream(self.samples, speed=1.0, **kwargs)  # type: ignore[arg-type]
        self.streams.append(stream)
        return stream


@pytest.fixture
def microphone() -> FakeMicrophone:
    import soundfile

    samples, _rate = soundfile.read(INTERVIEW_WAV, dtype="float32")
    return RealTimeMicrophone(samples)


def test_captions_appear_while_recording_and_the_take_is_ready_after_stop(
    qtbot, window, services
) -> None:
    screen, interview = open_interview(window, services)
    view = screen.captions
    assert screen.captions_toggle.isChecked() and screen.captions_box.isEnabled()
    # Large text, and a fixed accessible name so screen readers are not read every line.
    assert view.font().pointSizeF() > QFont(window.font()).pointSizeF() * 1.3
    assert view.accessibleName() == "Live captions"
    assert view.focusPolicy() == Qt.FocusPolicy.NoFocus
    start(qtbot, screen)
    qtbot.waitUntil(lambda: len(view.lines) >= 1, timeout=120_000)
    assert screen.session.state == "recording"  # captions came during the take
    assert view.isVisible() and view.lines[-1] in view.text()
    # The name comes from the question markers, as in the transcript.
    assert any(line.startswith(("Sam Okafor: ", "Priya Shah: ")) for line in view.lines)
    assert view.accessibleName() == "Live captions"  # unchanged by the new text

    # Switched off with the keyboard (Alt+L), and on again.
    screen.captions_toggle.setFocus()
    qtbot.keyClick(screen.captions_toggle, Qt.Key.Key_Space)
    assert not view.isVisible() and not services.ctx.settings.live_captions
    qtbot.keyClick(screen.captions_toggle, Qt.Key.Key_Space)
    assert view.isVisible()

    # A separate, movable window shows the same lines.
    separate = screen.open_captions_window()
    qtbot.waitExposed(separate)
    assert not view.isVisible()
    count = len(view.lines)
    qtbot.waitUntil(lambda: len(view.lines) > count or len(view.lines) == 3, timeout=120_000)
    qtbot.waitUntil(lambda: separate.view.lines == view.lines, timeout=5000)
    separate.close()
    assert view.isVisible()

    screen.stop_button.click()
    qtbot.waitUntil(lambda: screen.session.state == "stopped", timeout=10_000)
    # After Stop only the queue and the last chunk remain; then the transcript is stored.
    qtbot.waitUntil(lambda: services.transcript(interview.id) is not None, timeout=300_000)
    qtbot.waitUntil(
        lambda: window.panel.task is not None and window.panel.task.is_done, timeout=60_000
    )
    transcript = services.transcript(interview.id)
    assert transcript.segments and all(s.speaker for s in transcript.segments)
    assert not shown_errors()


def test_with_live_transcription_off_there_are_no_captions(qtbot, window, services) -> None:
    services.ctx.settings.live_transcription = False
    screen, interview = open_interview(window, services)
    screen.reload_settings(services.ctx.settings)
    assert not screen.captions_box.isEnabled()
    assert "Live transcription is off" in screen.captions_note.text()
    start(qtbot, screen)
    assert screen.session.live is None
    screen.stop_button.click()
    qtbot.waitUntil(lambda: screen.session.state == "stopped", timeout=10_000)
    assert screen.captions.lines == []
    assert services.transcript(interview.id) is None  # transcribed only when asked
