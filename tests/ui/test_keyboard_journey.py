"""The whole journey with the keyboard alone: no mouse, no method called on a widget.

New interview with consent, a voice sample of each person, a real recording through PortAudio
(a PulseAudio null sink plays the interview in real time) with the questions moved on by key
presses, transcription with the real engine, a correction typed into the transcript, and the
Markdown export. Every action is a key sent to whatever has the focus; the test only reads
state to decide and to check.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.services import Services
from tests.app.audio_fixtures import PulseSink
from tests.ui.conftest import INTERVIEW_TRUTH, INTERVIEW_WAV, shown_errors
from tests.ui.keyboard import (
    Alt,
    Ctrl,
    activate,
    describe,
    focused,
    press,
    pulse_input_fixture,  # noqa: F401  (the pulse_input fixture)
    tab_to,
    type_text,
)
from ui import announce, dialogs, errors, theme
from ui.main_window import MainWindow

pytestmark = pytest.mark.slow

Key = Qt.Key


@pytest.fixture
def real_window(qtbot, services: Services, pulse_input: PulseSink) -> Iterator[MainWindow]:
    """The app as installed: the real Recorder on the system default input."""
    look = theme.install(QApplication.instance(), theme="light", scale=1.0)
    win = MainWindow(services, theme=look)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    for box in list(dialogs.open_questions) + list(errors.shown):
        box.done(0)
    win.shutdown()


@pytest.fixture
def voice_clips(tmp_path: Path) -> tuple[Path, Path]:
    """Each person's own turns from the interview, about six seconds of each voice alone."""
    truth = json.loads(INTERVIEW_TRUTH.read_text())
    audio, rate = soundfile.read(INTERVIEW_WAV, dtype="float32")
    clips = []
    for who in ("interviewer", "interviewee"):
        parts = [
            audio[int(t["start"] * rate) : int(t["end"] * rate)]
            for t in truth["turns"]
            if t["who"] == who
        ]
        path = tmp_path / f"{who}.wav"
        soundfile.write(path, np.concatenate(parts)[: 7 * rate], rate)
        clips.append(path)
    return clips[0], clips[1]


def test_keyboard_only_journey(
    qtbot,
    real_window: MainWindow,
    pulse_input: PulseSink,
    tmp_path: Path,
    voice_clips: tuple[Path, Path],
) -> None:
    window = real_window
    truth = json.loads(INTERVIEW_TRUTH.read_text())
    sam, priya = truth["interviewer"]["name"], truth["interviewee"]["name"]
    announce.history.clear()
    activate(qtbot, window)
    assert window.library.isAncestorOf(focused()), describe(focused())

    # 1. New interview (Ctrl+N), in the order the conversation goes: names first.
    press(Key.Key_N, Ctrl)
    form = window.new_interview
    assert window.stack.currentWidget() is form
    assert focused() is form.interviewer
    type_text(sam)
    tab_to(form.interviewee)
    type_text(priya)

    # 2. Consent: both read the wording (reachable by Tab) and tick every box with Space.
    tab_to(form.consent.wording)
    for group in form.consent.participants.values():
        for box in group.boxes.values():
            tab_to(box)
            press(Key.Key_Space)
            assert box.isChecked(), describe(box)

    # 3. Then what the interview is about.
    tab_to(form.title)
    type_text(truth["title"])
    tab_to(form.script)
    type_text("Monthly")  # a closed drop-down jumps to the item typed
    assert form.script.currentData() == "monthly-share", form.script.currentText()
    tab_to(form.create_button)
    press(Key.Key_Space)
    screen = window.interview
    assert window.stack.currentWidget() is screen
    interview_id = window.current_id
    assert not window.services.interview(interview_id).missing_consent("record")
    assert screen.isAncestorOf(focused()), describe(focused())

    # 3b. Voice samples: each person in turn, while their voice plays into the microphone.
    step = screen.voices
    interviewer, interviewee = (step.buttons[role] for role in ("interviewer", "interviewee"))
    for button, clip in ((interviewer, voice_clips[0]), (interviewee, voice_clips[1])):
        tab_to(button)
        press(Key.Key_Space)
        qtbot.waitUntil(lambda: step.recording is not None, timeout=5000)
        played = pulse_input.play(clip)
        qtbot.waitUntil(lambda: step.recording is None, timeout=60_000)
        played.wait(timeout=30)
        if button is interviewer:
            # Kept: the focus moved on to the other person's button by itself.
            assert focused() is interviewee, describe(focused())
    assert len(window.services.voice_samples(interview_id)) == 2
    # Both kept: the focus waits on Record.
    assert focused() is screen.record_button, describe(focused())

    # 4. Record with the real recorder; the interview plays into the microphone.
    tab_to(screen.record_button)
    press(Key.Key_Space)
    qtbot.waitUntil(lambda: screen.session.state == "recording", timeout=20_000)
    # Pressing Record moves the focus to the control used most while recording.
    assert focused() is screen.next_button, describe(focused())
    player = pulse_input.play(INTERVIEW_WAV)
    offset = screen.session.elapsed_s  # the recording's clock when the voices began
    markers = truth["markers"]
    for number, at in enumerate(markers[1:], start=2):
        qtbot.waitUntil(lambda at=at: screen.session.elapsed_s >= offset + at - 0.3, timeout=90_000)
        assert focused() is screen.next_button, describe(focused())
        press(Key.Key_Space)
        assert screen.position_label.text().startswith(f"Question {number} of")
    # On the last question Next is disabled; the focus moved on, not off the screen.
    assert screen.isAncestorOf(focused()), describe(focused())
    qtbot.waitUntil(lambda: player.poll() is not None, timeout=90_000)
    # Pause and resume with the menu's keys, then stop with the Stop button.
    press(Key.Key_P, Ctrl)
    assert screen.session.state == "paused"
    press(Key.Key_P, Ctrl)
    assert screen.session.state == "recording"
    tab_to(screen.stop_button)
    press(Key.Key_Space)
    qtbot.waitUntil(lambda: screen.session.state == "stopped", timeout=20_000)
    take = window.services.recordings(interview_id)[-1]
    assert take.status == "complete" and take.duration_s > truth["duration_s"], take
    questions = [m.question_index for m in take.markers if m.kind == "question"]
    assert questions == list(range(len(markers))), take.markers
    # After the take, the focus waits on the next step.
    qtbot.waitUntil(lambda: focused() is screen.transcribe_button, timeout=5000)

    # 5. Transcribe in the background with the real engine; open the result from the panel.
    press(Key.Key_Space)
    panel = window.panel
    assert panel.isVisible() and panel.running
    qtbot.waitUntil(lambda: panel.task.is_done, timeout=600_000)
    assert panel.task.finished_ok, panel.task.error
    assert not shown_errors()
    tab_to(panel.open_button)
    press(Key.Key_Space)
    editor = window.transcript
    assert window.stack.currentWidget() is editor
    assert focused() is editor.view, describe(focused())

    # 6. Correct one line: arrows to it, F2 to edit, type, Enter to save.
    target = next(i for i, s in enumerate(editor.segments) if "special school" in s.text)
    row = editor.model.row_of_segment(target)
    while editor.view.currentIndex().row() < row:
        press(Key.Key_Down)
    assert editor.current_segment() == target
    press(Key.Key_F2)
    assert focused() is editor.delegate.active_editor, describe(focused())
    type_text(" Typed with the keyboard.")
    press(Key.Key_Return)
    stored = window.services.transcript(interview_id).segments[target].text
    assert stored.endswith("Typed with the keyboard."), stored
    assert focused() is editor.view, describe(focused())

    # 7. Export (Alt+4): type the folder, save with Ctrl+S.
    out_dir = tmp_path / "export"
    out_dir.mkdir()
    press(Key.Key_4, Alt)
    export = window.export
    assert window.stack.currentWidget() is export
    assert export.fmt == "markdown"
    # The post editor: a summary of one's own, saved when the field is left.
    tab_to(export.editor.summary_edit)
    press(Key.Key_A, Ctrl)
    type_text("Priya runs music workshops where students play with switches.")
    press(Key.Key_Tab)
    post = window.services.post_state(interview_id).post
    assert post.summary == "Priya runs music workshops where students play with switches."
    assert not export.save_button.isEnabled()  # nobody has approved the words yet
    # Approve for publishing: the dialog shows the text; each of them approves it.
    tab_to(export.approve_button)
    press(Key.Key_Space)
    qtbot.waitUntil(lambda: getattr(export, "approval_dialog", None) is not None)
    approval = export.approval_dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is approval)
    assert "students play with switches" in approval.text.toPlainText()
    press(Key.Key_A, Alt)
    qtbot.waitUntil(lambda: "Still to approve" in approval.status.text())
    press(Key.Key_A, Alt)
    qtbot.waitUntil(lambda: "Both have approved" in approval.status.text())
    press(Key.Key_Escape)
    qtbot.waitUntil(lambda: not approval.isVisible())
    activate(qtbot, window)  # what the window manager does when a dialog closes
    qtbot.waitUntil(lambda: export.save_button.isEnabled())
    assert focused() is export.save_button, describe(focused())
    tab_to(export.folder)
    press(Key.Key_A, Ctrl)
    type_text(str(out_dir))
    with qtbot.waitSignal(export.exported, timeout=20_000) as saved:
        press(Key.Key_S, Ctrl)
    text = Path(saved.args[0]).read_text(encoding="utf-8")
    for question in window.services.interview(interview_id).questions:
        assert any(
            line.lstrip("#").strip() == question for line in text.splitlines() if line[:1] == "#"
        ), f"no heading for {question!r}:\n{text}"
    assert "Typed with the keyboard." in text and sam in text and priya in text
    assert window.services.interview(interview_id).status == "exported"
    assert not shown_errors()

    # What a screen-reader user was told along the way, without moving the focus.
    said = "\n".join(announce.texts())
    for words in (
        "Voice sample for " + sam,
        "Voice sample of " + priya + " kept. Both done",
        "Recording started. Question 1 of 5",
        "Question 2 of 5",
        "Question 5 of 5",
        "Recording paused",
        "Recording resumed",
        "Recording stopped. Take saved",
        "% done",
        "Transcription finished",
        "Edit text: saved",
        "approved this text. Still to approve",
        "approved this text. Both have approved",
        "Saved making-music-with-switches.md",
    ):
        assert words in said, f"never announced {words!r}:\n{said}"
