"""For switch, head-pointer and shaky-hand users: big targets, and single keys, remappable.

A switch interface sends one key per switch; the interview must be drivable with those keys
alone, and which keys they are is chosen in Settings, with the keyboard.
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialogButtonBox

from tests.ui.keyboard import Alt, Ctrl, activate, focused, press, tab_to
from tests.ui.test_screens import make
from ui.settings_dialog import SettingsDialog
from ui.theme import MIN_TARGET_PX as MIN_TARGET

Key = Qt.Key


def small_buttons(root) -> list[str]:
    return [
        f"{b.accessibleName()} {b.width()}x{b.height()}"
        for b in root.findChildren(QAbstractButton)
        if b.isVisible() and (b.width() < MIN_TARGET or b.height() < MIN_TARGET)
    ]


def test_recording_controls_are_at_least_44_pixels(qtbot, window, services) -> None:
    assert window.theme.scale == 1.0  # the smallest they get
    window.show_interview(make(services).id)
    window.panel.show()
    QApplication.processEvents()
    assert not small_buttons(window.interview), small_buttons(window.interview)
    assert not small_buttons(window.panel), small_buttons(window.panel)
    screen = window.interview
    for big in (screen.record_button, screen.pause_button, screen.stop_button, screen.next_button):
        assert big.height() >= MIN_TARGET and big.width() >= 2 * MIN_TARGET, big.accessibleName()


def test_enter_presses_the_focused_button_too(qtbot, window) -> None:
    window.show_library()
    activate(qtbot, window)
    tab_to(window.library.new_button)
    press(Key.Key_Return)
    assert window.stack.currentWidget() is window.new_interview


def test_single_keys_remapped_with_the_keyboard_drive_the_interview(
    qtbot, window, services
) -> None:
    interview = make(services)
    window.show_library()
    activate(qtbot, window)

    # Settings (Ctrl+,): switch single keys on and choose J for next, K for pause.
    press(Key.Key_Comma, Ctrl)
    dialog = window.findChild(SettingsDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
    tab_to(dialog.single_keys)
    press(Key.Key_Space)
    assert dialog.single_keys.isChecked()
    tab_to(dialog.key_next)
    press(Key.Key_J)
    assert dialog.key_next.keySequence().toString() == "J"
    tab_to(dialog.key_pause)
    press(Key.Key_K)
    assert dialog.key_pause.keySequence().toString() == "K"
    save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    tab_to(save)
    press(Key.Key_Space)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    stored = json.loads(services.paths.settings_file.read_text())
    assert stored["single_key_controls"] and stored["key_next"] == "J"
    assert stored["key_pause"] == "K"
    # Screens reload on the core's settings notice, delivered through the event loop.
    qtbot.waitUntil(lambda: bool(window.interview.keys.describe()), timeout=3000)
    keys = dict((what.split(" (")[0], key) for key, what in window.interview.keys.describe())
    assert keys["Next question"] == "J" and keys["Pause or resume"] == "K"

    # The interview (Alt+2), recorded with Ctrl+R, then driven by the two keys alone.
    activate(qtbot, window)
    press(Key.Key_2, Alt)
    screen = window.interview
    assert window.stack.currentWidget() is screen and screen.interview.id == interview.id
    press(Key.Key_R, Ctrl)
    qtbot.waitUntil(lambda: screen.session.state == "recording", timeout=5000)
    press(Key.Key_J)
    assert screen.position_label.text().startswith("Question 2 of")
    press(Key.Key_N)  # the old key does nothing now
    assert screen.position_label.text().startswith("Question 2 of")
    press(Key.Key_K)
    assert screen.session.state == "paused"
    press(Key.Key_K)
    assert screen.session.state == "recording"
    # In the notes, J is a letter: typing never moves the interview on.
    tab_to(screen.notes)
    press(Key.Key_J)
    assert screen.notes.toPlainText() == "j"
    assert screen.position_label.text().startswith("Question 2 of")
    assert focused() is screen.notes
    press(Key.Key_E, Ctrl)
    qtbot.waitUntil(lambda: screen.session.state == "stopped", timeout=10_000)
