"""Every screen: each control has an accessible name and can be reached with Tab.

Names are read the way a screen reader reads them, through QAccessible; reachability is
checked by pressing Tab like a keyboard user and noting where the focus lands.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractButton, QApplication, QMenuBar, QWidget

from app.approval import text_hash
from app.models import Segment, Transcript, Word
from app.post import Post
from tests.app.post_helpers import put_segments
from tests.ui.conftest import TESTDATA
from tests.ui.test_screens import make
from ui.approve_dialog import ApproveDialog
from ui.consent import ConsentDialog
from ui.help_dialogs import AboutDialog, ShortcutsDialog
from ui.import_dialog import ImportDialog
from ui.publish_dialog import PublishDialog
from ui.recovered_dialog import RecoveredDialog
from ui.settings_dialog import SettingsDialog


def focusable(root: QWidget) -> list[QWidget]:
    found = []
    for w in root.findChildren(QWidget):
        if isinstance(w, QMenuBar) or not w.isVisible() or w.window() is not root.window():
            continue
        if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.focusProxy() is None:
            found.append(w)
    return found


def accessible_name(w: QWidget) -> str:
    iface = QAccessible.queryAccessibleInterface(w)
    return iface.text(QAccessible.Text.Name).strip() if iface is not None else ""


def check_names(root: QWidget) -> None:
    unnamed = [
        f"{type(w).__name__} {w.objectName()!r} text={getattr(w, 'text', lambda: '')()!r}"
        for w in focusable(root)
        if not accessible_name(w)
    ]
    assert not unnamed, f"controls without an accessible name in {root.accessibleName()}: {unnamed}"


def check_tab_reaches_everything(qtbot, root: QWidget) -> None:
    window = root.window()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    wanted = [w for w in focusable(root) if w.isEnabled()]
    assert wanted, f"nothing focusable in {root.accessibleName()}"
    # The static chain first: every control is linked into the window's focus chain.
    chain, w = set(), window.nextInFocusChain()
    while w is not window and len(chain) < 5000:
        chain.add(w)
        w = w.nextInFocusChain()
    assert all(w in chain for w in wanted)
    # Then the real thing: press Tab and see where the focus goes.
    wanted[0].setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is wanted[0], timeout=2000)
    reached = set()
    for _ in range(len(focusable(window)) * 2 + 5):
        current = QApplication.focusWidget()
        reached.add(current)
        qtbot.keyClick(current, Qt.Key.Key_Tab)
    missing = [f"{type(w).__name__} {accessible_name(w)!r}" for w in wanted if w not in reached]
    assert not missing, f"Tab never reaches these in {root.accessibleName()}: {missing}"


def check(qtbot, root: QWidget) -> None:
    check_names(root)
    check_tab_reaches_everything(qtbot, root)


def add_transcript(services, interview_id: int) -> None:
    recording = services.import_audio(interview_id, TESTDATA / "jfk.wav")
    words = [Word(0.0, 0.5, "Hello"), Word(0.5, 1.0, "there.")]
    segments = [
        Segment(0.0, 1.0, "Hello there.", words=words, speaker="Sam Okafor", question_index=0),
        Segment(1.0, 3.0, "I make music.", speaker="Priya Shah", question_index=0, position=1),
    ]
    services.store.save_transcript(
        Transcript(
            interview_id,
            recording_id=recording.id,
            engine="test",
            model="none",
            language="en",
            created_at=datetime.now(),
            segments=segments,
        )
    )


@pytest.fixture
def filled(services):
    interview = make(services)
    return interview


def test_library(qtbot, window, filled) -> None:
    window.show_library()
    check(qtbot, window.library)


def test_new_interview(qtbot, window, filled) -> None:
    window.show_new_interview()
    check(qtbot, window.new_interview)


def test_interview_screen(qtbot, window, filled) -> None:
    window.show_interview(filled.id)
    check(qtbot, window.interview)


def test_transcript_editor(qtbot, window, services, filled) -> None:
    add_transcript(services, filled.id)
    window.show_transcript(filled.id)
    assert window.stack.currentWidget() is window.transcript
    check(qtbot, window.transcript)


def test_export_screen(qtbot, window, services, filled) -> None:
    add_transcript(services, filled.id)
    window.show_export(filled.id)
    assert window.stack.currentWidget() is window.export
    check(qtbot, window.export)


def test_script_editor(qtbot, window) -> None:
    window.show_scripts()
    check(qtbot, window.scripts)
    window.scripts.copy_button.click()  # an editable script enables every control
    check(qtbot, window.scripts)


def test_transcription_panel(qtbot, window, filled) -> None:
    window.panel.show()
    window.panel.last_done = filled.id
    window.panel._idle()
    check_names(window.panel)


def _approve_dialog(window, services, interview_id: int) -> ApproveDialog:
    add_transcript(services, interview_id)
    for role in ("interviewer", "interviewee"):
        services.give_consent(interview_id, role, ["record", "publish-text"])
    services.approve(
        interview_id, "interviewer", text_hash=text_hash(services.approval_text(interview_id))
    )
    services.save_post(interview_id, Post(intro="Changed after approval."))
    return ApproveDialog(services, interview_id, window)  # with what changed shown


def test_export_screen_post_editor_with_every_part_showing(qtbot, window, services, filled) -> None:
    """Headings, pull quote, name fix and the approval banner all on screen at once."""
    add_transcript(services, filled.id)
    segments = services.require_transcript(filled.id).segments
    segments[1].text = "Pria makes music."
    put_segments(services, filled.id, segments)
    services.set_pull_quote(filled.id, 1)
    window.show_export(filled.id)
    export = window.export
    assert export.names_box.isVisible() and export.editor.quote_button.isEnabled()
    assert export.editor._heading_rows
    check(qtbot, export)


@pytest.mark.parametrize(
    "make_dialog",
    [
        lambda w, s, i: SettingsDialog(s, w.settings, w),
        lambda w, s, i: ShortcutsDialog(w.menuBar(), (), w),
        lambda w, s, i: AboutDialog(w),
        lambda w, s, i: ImportDialog("Monthly catch-up", w),
        lambda w, s, i: ConsentDialog(s, i, w),
        lambda w, s, i: RecoveredDialog(["interview 1, take 1: recovered 0:42"], w),
        lambda w, s, i: _approve_dialog(w, s, i),
        lambda w, s, i: PublishDialog(s, i, w),
    ],
    ids=["settings", "shortcuts", "about", "import", "consent", "recovered", "approve", "publish"],
)
def test_dialogs(qtbot, window, services, filled, make_dialog) -> None:
    dialog = make_dialog(window, services, filled.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    check(qtbot, dialog)
    if isinstance(dialog, SettingsDialog):
        for index in range(1, dialog.tabs.count()):
            dialog.tabs.setCurrentIndex(index)
            check(qtbot, dialog)
    dialog.close()


def test_buttons_say_what_they_do(qtbot, window, filled) -> None:
    """Icon-only buttons would be read as "button": every button has text or a name."""
    for screen in (window.library, window.interview, window.new_interview, window.scripts):
        for button in screen.findChildren(QAbstractButton):
            if button.focusPolicy() & Qt.FocusPolicy.TabFocus:
                assert button.text().strip() or button.accessibleName().strip(), button
