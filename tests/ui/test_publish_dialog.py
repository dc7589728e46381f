"""Publish as draft, driven from the keyboard against the real WordPress site."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.services import Services
from tests.app.approving import approve
from tests.app.wordpress_site import WordPressSite
from tests.ui.editor_fixtures import stored_interview_fixture  # noqa: F401 - a fixture
from tests.ui.test_accessibility import check
from tests.ui.test_export_screen import make_screen
from ui import dialogs, errors
from ui.publish_dialog import STORED_PLACEHOLDER, PublishDialog

TIMEOUT_MS = 60_000  # a busy machine; the site answers in well under a second when idle


def open_dialog(qtbot, services: Services, interview: int) -> PublishDialog:
    dialog = PublishDialog(services, interview)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    assert QTest.qWaitForWindowActive(dialog)
    return dialog


def type_in(qtbot, widget, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClicks(widget, text)


def fill(qtbot, dialog: PublishDialog, site: WordPressSite, password: str) -> None:
    type_in(qtbot, dialog.site, site.url)
    QTest.keyClick(dialog.site, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.user
    type_in(qtbot, dialog.user, site.user)
    QTest.keyClick(dialog.user, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.password
    type_in(qtbot, dialog.password, password)


def press_enter_and_wait(qtbot, dialog: PublishDialog) -> None:
    """Enter in the password field presses the default button: Publish as draft."""
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert dialog.task is not None
    qtbot.waitUntil(lambda: dialog.task.is_done, timeout=TIMEOUT_MS)


def test_publish_from_the_keyboard_then_again_from_the_keyring(
    qtbot,
    services: Services,
    stored_interview: int,
    wordpress: WordPressSite,
    keyring_file: Path,
) -> None:
    services.store.update_interview(stored_interview, title="Dialog: published twice")
    approve(services, stored_interview)
    dialog = open_dialog(qtbot, services, stored_interview)
    assert dialog.task is None  # nothing is sent by opening the dialog
    fill(qtbot, dialog, wordpress, wordpress.password)
    press_enter_and_wait(qtbot, dialog)
    assert dialog.result is not None and dialog.result.created, errors.shown
    post_id = dialog.result.post_id
    stored = wordpress.api(f"/wp/v2/posts/{post_id}", params={"context": "edit"}).json()
    assert stored["status"] == "draft" and stored["title"]["raw"] == "Dialog: published twice"
    assert "Created a new draft" in dialog.status.text()
    assert dialog.result.edit_link in dialog.link.text()
    assert dialog.open_button.isVisible() and QApplication.focusWidget() is dialog.open_button
    assert dialog.password.text() == ""  # it is in the keyring now, not in the window
    assert dialog.password.placeholderText() == STORED_PLACEHOLDER
    dialog.close()

    # A new dialog remembers the site and user; the keyring has the password.
    again = open_dialog(qtbot, services, stored_interview)
    assert (again.site.text(), again.user.text()) == (wordpress.url, wordpress.user)
    qtbot.waitUntil(
        lambda: again.password.placeholderText() == STORED_PLACEHOLDER, timeout=TIMEOUT_MS
    )
    assert QApplication.focusWidget() is again.password
    press_enter_and_wait(qtbot, again)
    assert again.result is not None and not again.result.created
    assert again.result.post_id == post_id
    assert "Updated the draft" in again.status.text()


def test_a_wrong_password_is_shown_in_the_error_box(
    qtbot,
    services: Services,
    stored_interview: int,
    wordpress: WordPressSite,
    keyring_file: Path,
) -> None:
    approve(services, stored_interview)
    dialog = open_dialog(qtbot, services, stored_interview)
    fill(qtbot, dialog, wordpress, "abcd efgh ijkl mnop")
    press_enter_and_wait(qtbot, dialog)
    assert dialog.result is None
    qtbot.waitUntil(lambda: bool(errors.shown), timeout=TIMEOUT_MS)
    box = errors.shown[-1]
    assert "did not accept the user name 'editor'" in box.text()
    assert "application password" in box.informativeText()
    assert dialog.publish_button.isEnabled()
    box.done(0)


def test_a_deleted_draft_offers_a_new_one(
    qtbot,
    services: Services,
    stored_interview: int,
    wordpress: WordPressSite,
    keyring_file: Path,
) -> None:
    services.store.update_interview(stored_interview, title="Dialog: deleted draft")
    approve(services, stored_interview)
    first = services.publish_wordpress(
        stored_interview, site=wordpress.url, user=wordpress.user, password=wordpress.password
    )
    wordpress.api(f"/wp/v2/posts/{first.post_id}", method="DELETE", params={"force": 1})
    dialog = open_dialog(qtbot, services, stored_interview)
    qtbot.waitUntil(
        lambda: dialog.password.placeholderText() == STORED_PLACEHOLDER, timeout=TIMEOUT_MS
    )
    press_enter_and_wait(qtbot, dialog)
    qtbot.waitUntil(lambda: bool(dialogs.open_questions), timeout=TIMEOUT_MS)
    question = dialogs.open_questions[-1]
    assert "was deleted" in question.text()
    dialogs.button(question, "Create a new draft").click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=TIMEOUT_MS)
    assert dialog.result.created and dialog.result.post_id != first.post_id


def test_the_export_screen_opens_it_and_nothing_is_sent(
    qtbot, services: Services, stored_interview: int, tmp_path: Path
) -> None:
    # Not approved yet: the screen's check (consent, then approval) keeps the button off.
    waiting = make_screen(qtbot, services, stored_interview, tmp_path)
    assert not waiting.publish_button.isEnabled()
    approve(services, stored_interview)
    screen = make_screen(qtbot, services, stored_interview, tmp_path)
    assert screen.publish_button.isEnabled()
    screen.publish_button.setFocus()
    QTest.keyClick(screen.publish_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: screen.findChild(PublishDialog) is not None)
    dialog = screen.findChild(PublishDialog)
    assert dialog.isVisible() and dialog.task is None
    dialog.close()


def test_every_control_is_named_and_reachable_by_tab(
    qtbot, services: Services, stored_interview: int, wordpress: WordPressSite, keyring_file
) -> None:
    services.store.update_interview(stored_interview, title="Dialog: keyboard and names")
    dialog = open_dialog(qtbot, services, stored_interview)
    check(qtbot, dialog)
    approve(services, stored_interview)
    services.publish_wordpress(
        stored_interview, site=wordpress.url, user=wordpress.user, password=wordpress.password
    )
    # With a stored password and a result, the extra buttons are named and reachable too.
    fill(qtbot, dialog, wordpress, "")
    press_enter_and_wait(qtbot, dialog)
    assert dialog.forget_button.isVisible() and dialog.open_button.isVisible()
    check(qtbot, dialog)
