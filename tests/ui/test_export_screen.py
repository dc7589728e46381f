"""The export screen, driven as a user would, writing real files into a temp folder."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QAccessible, QDesktopServices, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from app import export
from app.services import Services
from tests.ui.editor_fixtures import (  # noqa: F401 - pytest fixtures
    approve_all,
    approved_interview_fixture,
    reread_fixture,
    stored_interview_fixture,
    unconsented_interview_fixture,
)
from ui import dialogs
from ui.export_screen import ExportScreen


def make_screen(qtbot, services: Services, interview_id: int, folder: Path) -> ExportScreen:
    services.update_settings(export_folder=str(folder))
    screen = ExportScreen(services)
    qtbot.addWidget(screen)
    screen.resize(900, 700)
    screen.load(interview_id)
    with qtbot.waitExposed(screen):
        screen.show()
    screen.activateWindow()
    # Keyboard shortcuts only reach the active window.
    assert QTest.qWaitForWindowActive(screen)
    return screen


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def choose(combo, data: str) -> None:
    """Pick a combo entry with the keyboard: focus it, then arrow until ``data`` is current."""
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentData() == data:
            return
        QTest.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == data


def test_preview_shows_the_post_and_the_raw_markdown(
    qtbot,
    services: Services,
    approved_interview: int,
    out: Path,
) -> None:
    screen = make_screen(qtbot, services, approved_interview, out)
    shown = screen.rendered.toPlainText()
    assert shown.startswith("Making music with switches")  # the title, not front matter
    assert "What have you been working on this month?" in shown
    assert "title:" not in shown and "**" not in shown
    QTest.keyClick(screen.raw_toggle, Qt.Key.Key_Space)
    assert screen.preview.currentWidget() is screen.raw
    assert screen.raw.toPlainText().startswith("---\ntitle: Making music with switches")
    assert "## What have you been working on this month?" in screen.raw.toPlainText()
    assert not screen.consent_box.isVisible()


def test_save_writes_the_chosen_format_and_flavour(
    qtbot,
    services: Services,
    approved_interview: int,
    out: Path,
) -> None:
    screen = make_screen(qtbot, services, approved_interview, out)
    choose(screen.flavour, "jekyll")
    # A Jekyll draft is named without a date (it belongs in _drafts/).
    assert screen.file_name.text() == "making-music-with-switches.md"
    with qtbot.waitSignal(screen.exported, timeout=5000) as saved:
        QTest.keyClick(screen, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    path: Path = saved.args[0]
    assert path.parent == out and path.name == screen.file_name.text()
    text = path.read_text(encoding="utf-8")
    assert "layout: post" in text
    assert "**Priya Shah:** I have been running weekly music workshops" in text
    assert "Saved" in screen.status.text() and path.name in screen.status.text()
    assert screen.settings.export_flavour == "jekyll"  # remembered for next time

    choose(screen.format, "srt")
    assert not screen.flavour.isEnabled() and screen.preview.currentWidget() is screen.raw
    screen.save_button.click()
    srt = out / "making-music-with-switches.srt"
    assert srt.read_text(encoding="utf-8").startswith("1\n00:00:00,500 --> ")


def test_overwrite_asks_first_and_replaces_only_when_told(
    qtbot,
    services: Services,
    stored_interview: int,
    out: Path,
) -> None:
    screen = make_screen(qtbot, services, stored_interview, out)
    choose(screen.format, "txt")
    target = out / "making-music-with-switches.txt"
    target.write_text("my own notes", encoding="utf-8")

    screen.save_button.click()
    qtbot.waitUntil(lambda: bool(dialogs.open_questions))
    box = dialogs.open_questions[-1]
    assert target.name in box.text()
    dialogs.button(box, "Keep the old file").click()
    qtbot.waitUntil(lambda: not dialogs.open_questions)
    assert target.read_text(encoding="utf-8") == "my own notes"
    assert "existing file was kept" in screen.status.text()

    screen.save_button.click()
    qtbot.waitUntil(lambda: bool(dialogs.open_questions))
    with qtbot.waitSignal(screen.exported, timeout=5000):
        dialogs.button(dialogs.open_questions[-1], "Replace").click()
    assert "Priya Shah" in target.read_text(encoding="utf-8")


def test_missing_consent_blocks_save_and_copy_with_the_reason_in_words(
    qtbot,
    services: Services,
    unconsented_interview: int,
    out: Path,
) -> None:
    screen = make_screen(qtbot, services, unconsented_interview, out)
    assert screen.consent_box.isVisible()
    reason = screen.blocked_label.text()
    assert reason.startswith("Blocked:")
    assert "Sam Okafor and Priya Shah have not agreed to publishing the text" in reason
    assert "record their consent" in reason.lower()
    assert not screen.save_button.isEnabled() and not screen.copy_button.isEnabled()
    QTest.keyClick(screen, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    # Even if Save were reached some other way, the core refuses and the screen says why.
    assert screen.save() is None
    assert screen.status.text().startswith("Not saved. Blocked:")
    assert list(out.iterdir()) == []
    QGuiApplication.clipboard().setText("before")
    assert not screen.copy()
    assert QGuiApplication.clipboard().text() == "before"
    # The preview still works: reading the draft is not publishing it.
    assert "What have you been working on" in screen.rendered.toPlainText()
    with qtbot.waitSignal(screen.consent_requested) as asked:
        screen.consent_button.click()
    assert asked.args == [unconsented_interview]

    # Once both agree, the same screen unblocks on refresh.
    for role in ("interviewer", "interviewee"):
        services.give_consent(unconsented_interview, role, ["record", "publish-text"])
    screen.refresh()
    # Consent was the first gate; the blog post also needs both to approve its words.
    assert screen.consent_box.isVisible() and not screen.consent_button.isVisible()
    assert "not approved the post" in screen.blocked_label.text()
    assert screen.banner_approve_button.isVisible()
    approve_all(services, unconsented_interview)
    screen.refresh()
    assert not screen.consent_box.isVisible() and screen.save_button.isEnabled()


def test_copy_puts_the_export_on_the_clipboard(
    qtbot,
    services: Services,
    approved_interview: int,
    out: Path,
) -> None:
    screen = make_screen(qtbot, services, approved_interview, out)
    QTest.keyClick(
        screen,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    expected = services.render(approved_interview, "markdown", on_date=date.today())
    # A button's shortcut "presses" it visibly first, so the click comes a moment later.
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() == expected)
    assert "Copied" in screen.status.text()


class _UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_open_folder_asks_the_desktop_for_the_folder(
    qtbot,
    services: Services,
    stored_interview: int,
    out: Path,
) -> None:
    screen = make_screen(qtbot, services, stored_interview, out)
    catcher = _UrlCatcher()
    # Qt's own hook for "who opens file: URLs", so no file manager starts during the test.
    QDesktopServices.setUrlHandler("file", catcher, "open")
    try:
        screen.open_button.click()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [u.toLocalFile() for u in catcher.urls] == [str(out)]
    screen.folder.setText(str(out / "missing"))
    assert not screen.open_folder()
    assert "does not exist" in screen.status.text()


def test_export_to_a_missing_folder_says_so(
    qtbot,
    services: Services,
    approved_interview: int,
    out: Path,
) -> None:
    from ui import errors as ui_errors

    screen = make_screen(qtbot, services, approved_interview, out)
    screen.folder.setText(str(out / "nope"))
    screen.save_button.click()
    qtbot.waitUntil(lambda: bool(ui_errors.shown))
    assert "does not exist" in ui_errors.shown[-1].text()
    assert "Create the folder first" in ui_errors.shown[-1].informativeText()
    ui_errors.shown[-1].accept()
    assert list(out.iterdir()) == []


def test_every_control_has_a_name_and_is_reachable_by_tab(
    qtbot,
    services: Services,
    unconsented_interview: int,
    out: Path,
) -> None:
    screen = make_screen(qtbot, services, unconsented_interview, out)
    controls = [
        w
        for w in screen.findChildren(QWidget)
        if w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
    ]
    assert screen.consent_button in controls and screen.folder in controls
    for widget in controls:
        name = QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Name)
        assert name.strip(), f"{widget!r} has no accessible name"
    first = controls[0]
    first.setFocus()
    seen: set[QWidget] = set()
    widget = first
    for _ in range(100):
        seen.add(widget)
        QTest.keyClick(widget, Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        if widget is None or widget in seen:
            break
    assert not [w for w in controls if w not in seen]


def test_formats_and_flavours_match_the_core() -> None:
    from ui.export_screen import FLAVOUR_LABELS, FORMAT_LABELS

    assert set(FORMAT_LABELS) == set(export.FORMATS)
    assert set(FLAVOUR_LABELS) == set(export.FLAVOURS)
