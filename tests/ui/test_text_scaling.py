"""Large text: at 200% every screen still shows all of its words, nothing overlaps, and the
window still fits a 1280x800 laptop screen (what does not fit scrolls). At 100% and 200%
no focus ring cuts into a label and no drop-down or auto-complete list is smaller than its
text."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QWidget

from app.audio.recovery import RecoveryReport
from tests.ui.layout_checks import (
    clipped,
    focus_ring_clipped,
    overlapping,
    popup_too_small,
    sideways,
)
from tests.ui.test_accessibility import add_transcript
from tests.ui.test_screens import make
from ui import theme
from ui.consent import ConsentDialog
from ui.help_dialogs import AboutDialog, ShortcutsDialog
from ui.import_dialog import ImportDialog
from ui.main_window import MainWindow
from ui.publish_dialog import PublishDialog
from ui.recovered_dialog import RecoveredDialog
from ui.settings_dialog import SettingsDialog

SCREEN = (1280, 800)
SCALES = [1.0, 2.0]


@pytest.fixture(params=SCALES, ids=lambda s: f"{s:.0%}")
def scaled(request, qtbot, window: MainWindow, services) -> Iterator[MainWindow]:
    # Windows of earlier tests wait for a deferred delete that no event loop ran; each theme
    # change would restyle all of them. Let them go first.
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    interview = make(services)
    add_transcript(services, interview.id)
    window.current_id = interview.id
    window.theme.apply("light", request.param)
    window.resize(*SCREEN)
    qtbot.waitUntil(lambda: window.size().width() >= SCREEN[0], timeout=2000)
    yield window
    window.theme.apply("light", 1.0)


def settle(qtbot, widget: QWidget) -> None:
    # Layouts run on posted events: let them, then read the geometry they chose.
    QApplication.processEvents()
    qtbot.waitExposed(widget)
    QApplication.processEvents()


def check(qtbot, root: QWidget) -> None:
    settle(qtbot, root)
    problems = clipped(root) + overlapping(root) + sideways(root) + focus_ring_clipped(root)
    assert not problems, "\n".join(problems)
    window = root.window()
    need = window.minimumSizeHint()
    assert need.width() <= SCREEN[0] and need.height() <= SCREEN[1], (
        f"{window.windowTitle()} needs {need.width()}x{need.height()} at this text size"
    )


SCREENS: dict[str, Callable[[MainWindow], QWidget]] = {
    "library": lambda w: (w.show_library(), w.library)[1],
    "new interview": lambda w: (w.show_new_interview(), w.new_interview)[1],
    "interview": lambda w: (w.show_interview(w.current_id), w.interview)[1],
    "transcript": lambda w: (w.show_transcript(w.current_id), w.transcript)[1],
    "export": lambda w: (w.show_export(w.current_id), w.export)[1],
    "scripts": lambda w: (w.show_scripts(), w.scripts)[1],
}


@pytest.mark.parametrize("name", list(SCREENS))
def test_screens(qtbot, scaled: MainWindow, name: str) -> None:
    screen = SCREENS[name](scaled)
    assert scaled.stack.currentWidget() is screen
    check(qtbot, scaled)


def test_transcription_panel(qtbot, scaled: MainWindow) -> None:
    for show in SCREENS.values():  # every screen filled in, as after a working session
        show(scaled)
    scaled.show_export(scaled.current_id)
    scaled.panel.show()
    scaled.panel.last_done = scaled.current_id
    scaled.panel._idle()
    scaled.panel.remaining.setText("About 2 minutes left")
    check(qtbot, scaled)


DIALOGS: dict[str, Callable[[MainWindow], QWidget]] = {
    "settings": lambda w: SettingsDialog(w.services, w.settings, w),
    "consent": lambda w: ConsentDialog(w.services, w.current_id, w),
    "import": lambda w: ImportDialog("Monthly catch-up", w),
    "shortcuts": lambda w: ShortcutsDialog(w.menuBar(), (), w),
    "about": lambda w: AboutDialog(w),
    "recovered": lambda w: RecoveredDialog(
        [recovered_report(w.current_id)], w, titles={w.current_id: "Monthly catch-up"}
    ),
    "publish": lambda w: PublishDialog(w.services, w.current_id, w),
}


def recovered_report(interview_id: int) -> RecoveryReport:
    return RecoveryReport(
        recording_id=1,
        interview_id=interview_id,
        path=Path(f"audio/interview-{interview_id}-take-1.wav"),
        status="recovered",
        duration_s=42.0,
        markers=3,
        message="Recovered after the app stopped unexpectedly: 0:42 of audio kept, with its "
        "3 markers.",
    )


@pytest.mark.parametrize("name", list(DIALOGS))
def test_dialogs(qtbot, scaled: MainWindow, name: str) -> None:
    dialog = DIALOGS[name](scaled)
    qtbot.addWidget(dialog)
    dialog.show()
    check(qtbot, dialog)
    if isinstance(dialog, SettingsDialog):
        for index in range(1, dialog.tabs.count()):
            dialog.tabs.setCurrentIndex(index)
            check(qtbot, dialog)
    dialog.close()


def test_drop_down_and_auto_complete_lists_show_their_text(qtbot, scaled: MainWindow) -> None:
    scaled.services.new_interview(
        "Earlier", interviewer="Alexandra Featherstonehaugh", interviewee="Priya Shah"
    )
    scaled.show_new_interview()
    settle(qtbot, scaled)
    form = scaled.new_interview
    form.interviewer.setFocus()
    qtbot.keyClicks(form.interviewer, "a")  # several remembered names contain an "a"
    popup = form.interviewer.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=3000)
    rows = form.interviewer.completer().completionCount()
    assert rows >= 2
    assert not popup_too_small(popup, rows=rows), popup_too_small(popup, rows=rows)
    popup.hide()
    for combo, show in (
        (form.script, lambda: None),
        (scaled.transcript.speaker, lambda: scaled.show_transcript(scaled.current_id)),
    ):
        show()
        settle(qtbot, scaled)
        combo.showPopup()
        qtbot.waitUntil(combo.view().isVisible, timeout=3000)
        problems = popup_too_small(combo.view(), rows=combo.count())
        combo.hidePopup()
        assert not problems, f"{combo.accessibleName()}: {problems}"


def test_text_really_grows(qtbot, window: MainWindow) -> None:
    """The check above would pass trivially if the scale did nothing."""
    window.show_interview(make(window.services).id)
    small = window.interview.question_label.fontInfo().pixelSize()
    window.theme.apply("light", 2.0)
    try:
        QApplication.processEvents()
        assert window.interview.question_label.fontInfo().pixelSize() >= 1.8 * small
        assert window.interview.record_button.fontInfo().pointSizeF() >= 1.8 * (
            window.theme.base_point_size
        )
    finally:
        window.theme.apply("light", 1.0)
    assert theme.current() is window.theme
