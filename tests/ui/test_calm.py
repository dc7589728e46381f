"""Calm screens: errors in the window's words with a button that helps, nothing stale after
switching interviews, one name per button, a mic check that tells silence from a quiet voice,
consent first on the new-interview form, and a way to the file where no file manager runs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from app.errors import Action, BuddyError, DeviceFormatRefused, mentions_command_line
from tests.ui.conftest import TESTDATA, FakeMicrophone, shown_errors
from tests.ui.editor_fixtures import approve_all
from tests.ui.mnemonics import collisions
from tests.ui.test_accessibility import add_transcript
from tests.ui.test_screens import make
from tests.ui.test_text_scaling import DIALOGS, SCREENS, settle
from ui import errors as ui_errors
from ui.consent import ConsentDialog
from ui.level_meter import SAY_SOMETHING
from ui.player import PlaybackUnavailable  # noqa: F401 - a BuddyError of the window's own
from ui.settings_dialog import SettingsDialog

PORTAUDIO_WORDS = (
    "Error opening InputStream: Illegal combination of I/O devices [PaErrorCode -9993]"
)


def portaudio_error() -> Exception:
    """What PortAudio raises when there is no usable microphone (its own class and words)."""
    sounddevice = pytest.importorskip("sounddevice")
    return sounddevice.PortAudioError(PORTAUDIO_WORDS)


class RefusingMicrophone:
    """An input that refuses to open, as a machine without a microphone does."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def __call__(self, **_kwargs: object) -> None:
        raise self.error


def assert_window_words(text: str) -> None:
    assert not mentions_command_line(text), text
    assert "PaErrorCode" not in text and "InputStream" not in text, text


def next_tab_stop(widget):
    """Where Tab goes from ``widget``: the next visible, enabled control that takes Tab."""
    nxt = widget.nextInFocusChain()
    while nxt is not widget and not (
        nxt.isVisible() and nxt.isEnabled() and nxt.focusPolicy() & Qt.FocusPolicy.TabFocus
    ):
        nxt = nxt.nextInFocusChain()
    return nxt


def open_dialogs(kind: type) -> list:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


# -- 1. errors for people --------------------------------------------------------------------


def all_error_classes() -> list[type[BuddyError]]:
    found, todo = [], [BuddyError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


@pytest.mark.parametrize("cls", all_error_classes(), ids=lambda c: c.__name__)
def test_no_error_dialog_speaks_of_the_command_line(qtbot, window, cls) -> None:
    # The CLI's own hint, flags and all, as the core's raise sites give it.
    error = cls("Something happened.", "Pass --force, or run 'buddy-interviews list'.")
    box = ui_errors.show_error(window, error)
    try:
        for text in (box.text(), box.informativeText(), box.accessibleDescription()):
            assert_window_words(text)
    finally:
        box.done(0)


def test_mic_check_without_a_microphone_offers_the_settings(qtbot, window, services) -> None:
    window.show_interview(make(services).id)
    screen = window.interview
    screen.stream_factory = RefusingMicrophone(portaudio_error())
    screen.mic_button.click()
    qtbot.waitUntil(lambda: screen.mic_problem.isVisible(), timeout=5000)
    assert_window_words(screen.mic_problem.text())
    assert_window_words(screen.mic_status.text())
    assert "Settings" in screen.mic_problem.text()
    # PortAudio's words are one click away, for whoever looks after the computer.
    screen.mic_problem.copy_button.click()
    assert "PaErrorCode -9993" in QGuiApplication.clipboard().text()
    button = screen.mic_problem.action_button
    assert button.isVisible() and button.text() == "Open microphone settings"
    # Keyboard users reach it straight after the check's own button.
    assert next_tab_stop(screen.mic_button) is button
    button.click()
    qtbot.waitUntil(lambda: bool(open_dialogs(SettingsDialog)), timeout=3000)
    dialog = open_dialogs(SettingsDialog)[0]
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()).replace("&", "") == "Recording"
    dialog.reject()


def test_record_without_a_usable_microphone_says_what_to_do_in_the_window(
    qtbot, window, services
) -> None:
    window.show_interview(make(services).id)
    screen = window.interview
    screen.stream_factory = RefusingMicrophone(portaudio_error())
    screen.record_button.click()
    qtbot.waitUntil(lambda: bool(shown_errors()), timeout=10_000)
    box = shown_errors()[-1]
    assert_window_words(box.text() + " " + box.informativeText())
    assert "PaErrorCode -9993" in box.detailedText()  # under "Show details" / Copy details
    labels = [b.text() for b in box.buttons()]
    assert "Open microphone settings" in labels and "Copy details" in labels
    # The reason stays in view once the box is gone, with the same button.
    assert screen.banner.isVisible() and screen.banner.action is Action.OPEN_MICROPHONE_SETTINGS
    next(b for b in box.buttons() if b.text() == "Open microphone settings").click()
    qtbot.waitUntil(lambda: bool(open_dialogs(SettingsDialog)), timeout=3000)
    open_dialogs(SettingsDialog)[0].reject()


def test_missing_consent_offers_record_consent_on_both_screens(qtbot, window, services) -> None:
    interview = make(services, scopes=())
    add_transcript(services, interview.id)
    window.show_interview(interview.id)
    banner = window.interview.banner
    assert banner.isVisible() and "not agreed to be recorded" in banner.text()
    assert_window_words(banner.text())
    assert banner.action_button.text() == "Record consent…"
    banner.action_button.click()
    qtbot.waitUntil(lambda: bool(open_dialogs(ConsentDialog)), timeout=3000)
    dialog = open_dialogs(ConsentDialog)[0]
    for group in dialog.form.participants.values():
        group.boxes["record"].setChecked(True)
    dialog.accept()
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=3000)

    window.show_export(interview.id)
    export = window.export
    assert export.consent_box.isVisible()
    assert_window_words(export.blocked_label.text())
    assert "Record consent" in export.blocked_label.text()


def test_an_error_without_a_way_out_here_has_no_dead_button(qtbot, window) -> None:
    error = DeviceFormatRefused("The microphone 'X' could not be opened for recording.")
    box = ui_errors.show_error(None, error)  # no window to do it from
    try:
        assert [b.text() for b in box.buttons()] == ["OK"]
        assert box.escapeButton() is box.buttons()[0]
    finally:
        box.done(0)


# -- 5. every screen shows only the interview it shows ---------------------------------------


def test_switching_interviews_leaves_nothing_of_the_last_one(
    qtbot, window, services, monkeypatch
) -> None:
    from ui import main_window

    # Every sentence counts as said before the switch (no clock in the test).
    monkeypatch.setattr(main_window, "SAME_ACTION_S", -1.0)
    first = make(services, "First")
    second = make(services, "Second", who="Jo Lane", whom="Ade Bello", scopes=("publish-text",))
    window.show_interview(first.id)
    screen = window.interview
    screen.record_button.click()
    qtbot.waitUntil(lambda: screen.session.state == "recording", timeout=5000)
    qtbot.waitUntil(lambda: screen.session.elapsed_s > 0.3, timeout=5000)
    screen.stop_button.click()
    qtbot.waitUntil(lambda: screen.session.state == "stopped", timeout=10_000)
    assert screen.state_label.text() == "Stopped: take saved"
    assert screen.takes_label.text().startswith("1 take.")

    assert "Recording stopped" in window.statusBar().currentMessage()
    window.show_interview(second.id)
    assert window.statusBar().currentMessage() == ""  # not the first interview's take
    assert screen.state_label.text() == "Not recording"
    assert screen.takes_label.text() == "Nothing recorded yet."
    assert screen.meter.level is None
    assert screen.banner.isVisible() and "Jo Lane and Ade Bello" in screen.banner.text()

    # A microphone check started for one interview does not run on into the next.
    screen.mic_button.click()
    qtbot.waitUntil(lambda: screen.mic_check is not None and screen.mic_check.running, timeout=5000)
    window.show_interview(first.id)
    assert screen.mic_check is None and screen.meter.level is None
    assert screen.takes_label.text().startswith("1 take.")
    assert not screen.banner.isVisible()  # the first pair agreed: no banner of the second's


def test_consent_says_nothing_was_agreed_when_nothing_was_ticked(qtbot, window, services) -> None:
    interview = make(services, scopes=())
    services.give_consent(interview.id, "interviewer", [])  # stored, with no ticks
    services.give_consent(interview.id, "interviewee", ["record"])
    dialog = ConsentDialog(services, interview.id, window)
    qtbot.addWidget(dialog)
    groups = dialog.form.participants
    assert groups["interviewer"].given.text() == "Nothing agreed yet."
    assert groups["interviewee"].given.text().startswith("Last agreed on")


def test_the_transcript_keeps_no_speaker_or_unredact_from_the_last_interview(
    qtbot, window, services
) -> None:
    first = make(services, "First")
    add_transcript(services, first.id)
    window.show_transcript(first.id)
    editor = window.transcript
    rows = [r for r in range(editor.model.rowCount()) if editor.model.segment_of_row(r) == 1]
    editor.view.setCurrentIndex(editor.model.index(rows[-1]))
    editor.toggle_redact()
    assert editor.redact_action.text() == "Unredact"
    assert editor.speaker.currentData() == "Priya Shah"
    editor.find_bar.open(False)
    qtbot.keyClicks(editor.find_bar.find_edit, "music")
    editor.find_bar.find(1)
    assert editor.find_bar.result.text()

    second = make(services, "Second", who="Jo Lane", whom="Ade Bello")
    add_transcript(services, second.id)
    services.store.save_transcript(
        services.transcript(second.id).__class__(
            **{**services.transcript(second.id).__dict__, "segments": []}
        )
    )
    window.show_transcript(second.id)
    assert editor.redact_action.text() == "Redact"
    assert editor.speaker.currentText() == ""
    assert "Priya" not in " ".join(
        editor.speaker.itemText(i) for i in range(editor.speaker.count())
    )


def test_export_status_belongs_to_the_interview_shown(qtbot, window, services, tmp_path) -> None:
    first = make(services, "First")
    second = make(services, "Second")
    for interview in (first, second):
        add_transcript(services, interview.id)
        approve_all(services, interview.id)  # both read the post and agreed to it
    window.show_export(first.id)
    window.export.folder.setText(str(tmp_path))
    window.export.save_button.click()
    assert window.export.status.text().startswith("Saved ")
    window.show_export(second.id)
    assert window.export.status.text() == ""
    assert window.export.last_saved is None


# -- 6. one name per button, one key per control --------------------------------------------


def test_no_two_controls_share_an_alt_key_on_any_screen(qtbot, window, services) -> None:
    interview = make(services)
    add_transcript(services, interview.id)
    window.current_id = interview.id
    window.panel.show()
    found = []
    for name, show in SCREENS.items():
        show(window)
        settle(qtbot, window)
        found += [f"{name}: {c}" for c in collisions(window)]
    for name, make_dialog in DIALOGS.items():
        dialog = make_dialog(window)
        qtbot.addWidget(dialog)
        dialog.show()
        settle(qtbot, dialog)
        found += [f"{name}: {c}" for c in collisions(dialog)]
        dialog.close()
    assert not found, "\n".join(found)


def test_the_mnemonic_check_catches_a_clash(qtbot, window, services) -> None:
    window.show_interview(make(services).id)
    window.interview.consent_button.setText("C&onsent…")  # as it was: Alt+O is also Notes
    try:
        assert any("Alt+O" in c for c in collisions(window))
    finally:
        window.interview.consent_button.setText("&Consent…")


def test_only_one_button_says_resume_while_paused(qtbot, window, services) -> None:
    window.show_interview(make(services).id)
    screen = window.interview
    screen.record_button.click()
    qtbot.waitUntil(lambda: screen.session.state == "recording", timeout=5000)
    screen.pause_button.click()
    texts = [b.text().replace("&", "") for b in (screen.record_button, screen.pause_button)]
    names = [b.accessibleName() for b in (screen.record_button, screen.pause_button)]
    assert texts.count("Resume") == 1 and "Resume" not in names[0]
    screen.record()  # Ctrl+R still resumes
    assert screen.session.state == "recording"
    screen.stop_button.click()
    qtbot.waitUntil(lambda: screen.session.state == "stopped", timeout=10_000)


# -- 8. the mic check judges a voice, not a silent room --------------------------------------


def check_words(qtbot, window, services, samples: np.ndarray, expected: str) -> str:
    window.show_interview(make(services).id)
    screen = window.interview
    screen.stream_factory = FakeMicrophone(samples.astype(np.float32))
    screen.mic_button.click()
    qtbot.waitUntil(lambda: screen.mic_check is not None and screen.mic_check.running, timeout=5000)
    try:
        qtbot.waitUntil(lambda: screen.meter.words.startswith(expected), timeout=15_000)
        return screen.meter.words
    finally:
        screen.toggle_mic_check()


def room_noise(seconds: float) -> np.ndarray:
    n = int(16000 * seconds)
    return np.random.default_rng(3).standard_normal(n).astype(np.float32) * 10 ** (-70 / 20)


def voice() -> np.ndarray:
    path = TESTDATA / "jfk.wav"
    if not path.exists():
        pytest.skip(f"{path} is missing")
    samples, _rate = soundfile.read(path, dtype="float32")
    return samples


def test_a_silent_room_asks_for_words(qtbot, window, services) -> None:
    words = check_words(qtbot, window, services, room_noise(20), SAY_SOMETHING)
    assert "Too quiet" not in words


def test_a_quiet_voice_is_too_quiet(qtbot, window, services) -> None:
    speech = voice()
    words = check_words(qtbot, window, services, speech * 0.01 + room_noise(len(speech) / 16000),
                        "Too quiet")  # fmt: skip
    assert words.startswith("Too quiet")


def test_a_normal_voice_is_a_good_level(qtbot, window, services) -> None:
    speech = voice()
    check_words(qtbot, window, services, speech * 0.5 + room_noise(len(speech) / 16000), "Good")


# -- 9. consent comes first, and the form fits a laptop screen -------------------------------


def test_new_interview_goes_names_consent_details_and_fits_without_scrolling(qtbot, window) -> None:
    window.theme.apply("light", 1.0)
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.width() == 1280, timeout=2000)
    window.show_new_interview()
    form = window.new_interview
    form.title.setText("Making music with switches")
    qtbot.keyClicks(form.interviewer, "Sam Okafor")
    qtbot.keyClicks(form.interviewee, "Priya Shah")
    settle(qtbot, window)
    assert not form.scroll.verticalScrollBar().isVisible()
    assert form.scroll.verticalScrollBar().maximum() == 0
    # Tab goes as the conversation does: the names, the consent ticks, then the details.
    order, widget = [], form.interviewer
    for _ in range(40):
        order.append(widget)
        widget = widget.nextInFocusChain()
    first_tick = form.consent.participants["interviewer"].boxes["record"]
    assert order.index(form.interviewee) < order.index(first_tick) < order.index(form.title)
    assert order.index(first_tick) < order.index(form.script)
    # Every tick box is on screen, not below the fold.
    viewport = form.scroll.viewport()
    for group in form.consent.participants.values():
        for box in group.boxes.values():
            bottom = box.mapTo(viewport, box.rect().bottomLeft()).y()
            assert 0 <= bottom <= viewport.height(), box.accessibleName()


# -- 10. where there is no file manager ------------------------------------------------------


def test_open_folder_without_a_file_manager_says_where_the_file_is(
    qtbot, window, services, tmp_path, monkeypatch
) -> None:
    # Nothing on this machine can open a folder: no xdg-open or gio on the PATH, no desktop
    # session; the offscreen platform has no handler either. QDesktopServices really fails.
    empty = tmp_path / "no-programs"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    for name in ("XDG_CURRENT_DESKTOP", "DESKTOP_SESSION", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    interview = make(services)
    add_transcript(services, interview.id)
    approve_all(services, interview.id)
    window.show_export(interview.id)
    screen = window.export
    folder = tmp_path / "posts"
    folder.mkdir()
    screen.folder.setText(str(folder))
    screen.save_button.click()
    saved = screen.last_saved
    assert saved is not None and saved.exists()
    assert not screen.copy_path_button.isVisible()

    screen.open_button.click()
    assert screen.copy_path_button.isVisible()
    assert str(saved) in screen.status.text() and "no file manager" in screen.status.text()
    screen.copy_path_button.click()
    assert QGuiApplication.clipboard().text() == str(saved)
    assert Path(QGuiApplication.clipboard().text()).exists()
    assert not [b for b in shown_errors() if isinstance(b, QMessageBox)]
