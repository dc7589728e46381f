"""Each screen on its own, driven through its widgets, with the real core underneath."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThread
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication

from app.errors import Cancelled, NotFound
from app.models import CONSENT_WORDING_VERSION
from app.settings import Settings
from app.version import version
from tests.ui.conftest import answer, shown_errors
from ui import errors, tasks, theme
from ui.help_dialogs import ShortcutsDialog
from ui.library import STATE_TEXT

ROOT = Path(__file__).resolve().parents[2]


def make(services, title="Monthly catch-up", who="Sam Okafor", whom="Priya Shah", *,
         scopes=("record", "publish-text")):  # fmt: skip
    interview = services.new_interview(
        title, interviewer=who, interviewee=whom, script_id="monthly-share"
    )
    for role in ("interviewer", "interviewee"):
        services.give_consent(interview.id, role, scopes)
    return interview


# -- background work -----------------------------------------------------------------------


def test_task_results_and_progress_arrive_on_the_main_thread(qtbot) -> None:
    main = QThread.currentThread()
    seen: dict[str, object] = {}
    worker_thread: list[threading.Thread] = []

    def work(on_progress, should_cancel):
        worker_thread.append(threading.current_thread())
        for i in range(5):
            on_progress(i / 4)
        return 42

    def progress(fraction: float) -> None:
        seen["progress_thread"] = QThread.currentThread()
        seen["last"] = fraction

    task = tasks.run_task(
        "test",
        work,
        progress=True,
        on_progress=progress,
        on_success=lambda r: seen.update(result=r, thread=QThread.currentThread()),
    )
    # The work may finish before a waitSignal could connect: wait on the outcome instead.
    qtbot.waitUntil(lambda: task.is_done, timeout=5000)
    assert seen["result"] == 42 and seen["thread"] is main
    assert seen["progress_thread"] is main and seen["last"] == 1.0
    assert worker_thread[0] is not threading.main_thread()


def test_task_failure_and_cancel(qtbot) -> None:
    failures: list[BaseException] = []
    task = tasks.run_task("fail", lambda: (_ for _ in ()).throw(NotFound("gone")),
                          on_failure=failures.append)  # fmt: skip
    qtbot.waitUntil(lambda: task.is_done, timeout=5000)
    assert isinstance(failures[0], NotFound)

    started = threading.Event()

    def slow(on_progress, should_cancel):
        started.set()
        while not should_cancel():
            started.wait(0.01)
        raise Cancelled("stopped")

    cancelled: list[bool] = []
    task = tasks.run_task(
        "cancel", slow, progress=True, on_cancelled=lambda: cancelled.append(True)
    )
    qtbot.waitUntil(started.is_set, timeout=5000)
    task.cancel()
    qtbot.waitUntil(lambda: task.is_done, timeout=5000)
    assert cancelled == [True] and not task.finished_ok


# -- errors ----------------------------------------------------------------------------------


def test_our_errors_show_message_and_hint(qtbot, window) -> None:
    box = errors.show_error(window, NotFound("There is no interview 7.", "Pick one from the list."))
    assert box.isVisible()
    assert "There is no interview 7." in box.text() and box.informativeText() == (
        "Pick one from the list."
    )
    assert not [b for b in box.buttons() if b.text() == "Copy details"]
    box.done(0)


def test_a_bug_gets_a_generic_message_copy_details_and_a_log_entry(qtbot, window, caplog) -> None:
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError as exc:
        error = exc
    with caplog.at_level(logging.ERROR):
        box = errors.show_error(window, error)
    assert errors.GENERIC_MESSAGE in box.text()
    assert "ZeroDivisionError" in caplog.text
    copy = next(b for b in box.buttons() if b.text() == "Copy details")
    copy.click()
    assert "ZeroDivisionError: boom" in QGuiApplication.clipboard().text()
    assert box.isVisible()  # copying does not close the box
    box.done(0)


# -- library ---------------------------------------------------------------------------------


def test_library_lists_searches_and_deletes_with_confirmation(qtbot, window, services) -> None:
    library = window.library
    assert library.empty_label.isVisible()
    first = make(services)
    make(services, "Garden project", "Ada Lovelace", "Alan Turing")
    library.refresh()
    assert library.model.rowCount() == 2
    states = {library.model.data(library.model.index(r, 3)) for r in range(2)}
    assert states == {STATE_TEXT["new"]}  # in words, not a colour
    assert library.model.data(library.model.index(1, 1)) == "Sam Okafor interviews Priya Shah"

    qtbot.keyClicks(library.search, "turing")
    qtbot.waitUntil(lambda: library.model.rowCount() == 1, timeout=3000)
    library.search.clear()
    qtbot.waitUntil(lambda: library.model.rowCount() == 2, timeout=3000)

    library.select(first.id)
    library.delete_button.click()
    answer(qtbot, "Keep it")
    assert library.model.rowCount() == 2
    library.delete_button.click()
    answer(qtbot, "Delete")
    assert library.model.rowCount() == 1
    with pytest.raises(NotFound):
        services.interview(first.id)


def test_consent_missing_is_said_in_the_state(qtbot, window, services) -> None:
    make(services, scopes=())
    window.library.refresh()
    assert "consent needed" in window.library.model.data(window.library.model.index(0, 3))


def test_import_needs_record_consent_like_recording(qtbot, window, services) -> None:
    interview = make(services, scopes=("publish-text",))
    window.library.refresh(select=interview.id)
    assert window.library.import_selected() is None
    assert "not agreed to be recorded" in window.statusBar().currentMessage()
    services.change_consent(interview.id, "interviewer", add=["record"])
    services.change_consent(interview.id, "interviewee", add=["record"])
    window.library.refresh(select=interview.id)
    dialog = window.library.import_selected()
    assert dialog is not None
    dialog.reject()


def test_import_refuses_a_bad_file_with_a_message(qtbot, window, services, tmp_path) -> None:
    interview = make(services)
    window.library.refresh(select=interview.id)
    bad = tmp_path / "notes.wav"
    bad.write_text("not audio")
    task = window.library.import_audio(interview.id, bad, None)
    qtbot.waitUntil(lambda: task.is_done, timeout=10_000)
    assert not task.finished_ok
    assert shown_errors() and "Problem:" in shown_errors()[-1].text()


# -- new interview ---------------------------------------------------------------------------


def test_new_interview_checks_fields_and_stores_consent(qtbot, window, services) -> None:
    make(services, who="Sam Okafor", whom="Priya Shah")
    window.show_new_interview()
    screen = window.new_interview
    screen.create_button.click()
    # The form asks in its own order: the names first, then the title.
    assert screen.problem.isVisible() and "name" in screen.problem.text()
    assert screen.interviewer.hasFocus() or not window.isActiveWindow()
    assert len(services.interviews()) == 1

    qtbot.keyClicks(screen.title, "Second month")
    completer = screen.interviewer.completer()
    assert "Priya Shah" in completer.model().stringList()  # remembered for next time
    qtbot.keyClicks(screen.interviewer, "Priya Shah")
    qtbot.keyClicks(screen.interviewee, "Priya Shah")
    screen.create_button.click()
    assert "same name" in screen.problem.text()
    screen.interviewee.clear()
    qtbot.keyClicks(screen.interviewee, "Sam Okafor")
    assert "Monthly" in screen.preview.toPlainText() or screen.script.currentIndex() > 0

    screen.consent.participants["interviewer"].boxes["record"].setChecked(True)
    screen.consent.participants["interviewee"].boxes["record"].setChecked(True)
    screen.consent.participants["interviewee"].boxes["publish-text"].setChecked(True)
    with qtbot.waitSignal(screen.created) as created:
        screen.create_button.click()
    interview = services.interview(created.args[0])
    assert interview.interviewer.name == "Priya Shah"
    assert not interview.missing_consent("record")
    assert [p.name for p in interview.missing_consent("publish-text")] == ["Priya Shah"]
    consent = interview.consent_for(interview.interviewee.id)
    assert consent.wording_version == CONSENT_WORDING_VERSION and consent.given_at is not None


def test_script_preview_lists_questions(qtbot, window, services) -> None:
    window.show_new_interview()
    screen = window.new_interview
    screen.select_script("monthly-share")
    script = services.scripts.get("monthly-share")
    assert script.questions[0].text in screen.preview.toPlainText()


# -- main window, help, theme, settings ------------------------------------------------------


def test_shortcuts_dialog_lists_the_menu_shortcuts_and_about_shows_version(qtbot, window) -> None:
    dialog = window.show_shortcuts()
    assert isinstance(dialog, ShortcutsDialog)
    keys = {k for k, _ in dialog.rows}
    assert any("Transcript: Redact" in what for _, what in dialog.rows)
    assert any("Scripts: Move question up" in what for _, what in dialog.rows)
    for expected in ("Ctrl+N", "Ctrl+T", "Ctrl+R", "Alt+1", "F1 or Ctrl+/"):
        assert QKeySequence(expected.split(" or ")[0]).toString(
            QKeySequence.SequenceFormat.NativeText
        ) in " ".join(keys)
    dialog.close()
    about = window.show_about()
    assert version() in about.version_label.text()
    about.close()


def test_navigation_by_keyboard(qtbot, window, services) -> None:
    make(services)
    window.show_library()
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
    assert window.stack.currentWidget() is window.scripts
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert window.stack.currentWidget() is window.library
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert window.stack.currentWidget() is window.interview


def test_themes_and_text_size(qtbot, window) -> None:
    app = QApplication.instance()
    look = window.theme
    base = look.base_point_size
    look.apply("high-contrast", 2.0)
    assert app.palette().window().color().name() == "#000000"
    assert app.font().pointSizeF() == pytest.approx(base * 2)
    assert "4px solid #ffff00" in app.styleSheet()  # the focus ring: thicker and yellow
    look.apply("system", 1.0)
    assert look.effective in ("light", "dark", "high-contrast")
    assert theme.resolve("nonsense") == look.effective


def test_settings_dialog_saves_and_applies(qtbot, window, services) -> None:
    dialog = window.open_settings()
    qtbot.waitUntil(lambda: dialog.device_task.is_done, timeout=10_000)
    dialog.text_size.setValue(150)
    dialog.theme.setCurrentIndex(dialog.theme.findData("high-contrast"))
    dialog.single_keys.setChecked(True)
    dialog.key_next.setKeySequence(QKeySequence("J"))
    dialog.glossary.setPlainText("Okafor\nSwitch Orchestra\n")
    dialog.accept()
    saved = Settings.load(services.paths.settings_file)
    assert saved.text_scale == 1.5 and saved.theme == "high-contrast"
    assert saved.key_next == "J" and saved.single_key_controls
    assert saved.glossary == ["Okafor", "Switch Orchestra"]
    assert services.ctx.settings.glossary == ["Okafor", "Switch Orchestra"]
    # The window applies it on the core's settings notice, delivered through the event loop.
    qtbot.waitUntil(
        lambda: (
            QApplication.instance().font().pointSizeF()
            == pytest.approx(window.theme.base_point_size * 1.5)
        ),
        timeout=3000,
    )
    window.theme.apply("light", 1.0)


def test_script_editor_copy_edit_reorder_save(qtbot, window, services) -> None:
    window.show_scripts()
    editor = window.scripts
    assert editor.builtin and editor.builtin_note.isVisible()
    assert not editor.save_button.isEnabled()
    original = editor.working
    editor.copy_button.click()
    assert not editor.builtin
    copy_id = editor.working.id
    assert copy_id != original.id
    editor.questions.setCurrentRow(0)
    window.activateWindow()  # shortcuts reach only the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    editor.questions.setFocus()
    qtbot.keyClick(editor.questions, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert editor.questions.currentRow() == 1
    editor.add_button.click()
    editor.question_text.clear()
    qtbot.keyClicks(editor.question_text, "What made you smile this month?")
    editor.prompts.setPlainText("A moment\nA person")
    editor.save_button.click()
    saved = services.scripts.get(copy_id)
    assert saved.questions[0].text == original.questions[1].text
    assert saved.questions[1].text == original.questions[0].text
    assert saved.questions[2].text == "What made you smile this month?"
    assert saved.questions[2].prompts == ["A moment", "A person"]


def test_window_opens_without_loading_engines_or_audio(tmp_path) -> None:
    code = (
        "import os, sys\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from ui.main import make_application, open_context, build\n"
        "from app.paths import Paths\n"
        "app = make_application([])\n"
        "window = build(open_context(Paths.from_env()))\n"
        "window.show(); app.processEvents()\n"
        "print(sorted(m for m in ('faster_whisper', 'torch', 'sounddevice', 'whisper',"
        " 'ctranslate2') if m in sys.modules))\n"
        "window.shutdown()\n"
    )
    env = {"BUDDY_INTERVIEWS_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
