"""The main window: one stack of screens, a menu bar with shortcuts, a status bar."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QSettings, QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QPushButton, QStackedWidget, QWidget

from app.errors import Action
from app.notices import Change
from app.services import Services
from app.settings import Settings
from ui import tasks
from ui.announce import announce
from ui.close_guard import CloseGuard
from ui.consent import ConsentDialog
from ui.errors import show_error
from ui.export_screen import ExportScreen
from ui.help_dialogs import AboutDialog, ShortcutsDialog, widget_shortcuts
from ui.interview_screen import InterviewScreen
from ui.library import LibraryScreen
from ui.new_interview import NewInterviewScreen
from ui.notices import on_change
from ui.recovered_dialog import RecoveredDialog
from ui.script_editor import ScriptEditor
from ui.settings_dialog import SettingsDialog
from ui.theme import Theme
from ui.transcript_editor import TranscriptEditor
from ui.transcription_panel import TranscriptionPanel

log = logging.getLogger(__name__)

#: A status sentence this recent belongs to the action that is changing the screen.
SAME_ACTION_S = 1.0


class ScreenStack(QStackedWidget):
    """A stack of screens that needs only the room of the screen shown.

    A plain QStackedWidget asks for the largest of all its pages: with large text and the
    transcription panel open, the screen in view would be pushed off the bottom of a laptop
    display by a screen that is not even shown.
    """

    def __init__(self) -> None:
        super().__init__()
        self.currentChanged.connect(lambda _i: self.updateGeometry())

    def minimumSizeHint(self) -> QSize:
        current = self.currentWidget()
        return current.minimumSizeHint() if current is not None else QSize(0, 0)

    def sizeHint(self) -> QSize:
        current = self.currentWidget()
        return current.sizeHint() if current is not None else QSize(0, 0)


def first_focusable(screen: QWidget) -> QWidget | None:
    """The first visible, enabled control inside ``screen`` that Tab would stop at."""
    widget = screen.nextInFocusChain()
    for _ in range(2000):  # the chain is a ring through the whole window
        if widget is screen or widget is None:
            return None
        if (
            screen.isAncestorOf(widget)
            and widget.isVisible()
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        ):
            return widget
        widget = widget.nextInFocusChain()
    return None


class MainWindow(QMainWindow):
    def __init__(
        self,
        services: Services,
        *,
        theme: Theme | None = None,
        recorder_factory: Callable[..., Any] | None = None,
        stream_factory: Callable[..., Any] | None = None,
        input_device: Any = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.theme = theme
        self.current_id: int | None = None
        self._shown_id: int | None = None  # the interview the screen in view was showing
        self._said_at = 0.0  # when the status bar last got a sentence
        self.setWindowTitle("Buddy Interviews")
        self.setAccessibleName("Buddy Interviews")

        self.stack = ScreenStack()
        self.library = LibraryScreen(services)
        self.new_interview = NewInterviewScreen(services)
        self.interview = InterviewScreen(
            services,
            self.settings,
            recorder_factory=recorder_factory,
            stream_factory=stream_factory,
            input_device=input_device,
        )
        self.transcript = TranscriptEditor(services)
        self.export = ExportScreen(services)
        self.scripts = ScriptEditor(services)
        for screen in (
            self.library,
            self.new_interview,
            self.interview,
            self.transcript,
            self.export,
            self.scripts,
        ):
            self.stack.addWidget(screen)
        self.setCentralWidget(self.stack)

        self.panel = TranscriptionPanel(services, self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.panel)
        self.panel.hide()

        self.close_guard = CloseGuard(self)
        self._connect()
        self._make_menus()
        # Enter presses the focused button, as Space does: outside dialogs Qt reacts to Space
        # only, and Windows users (NVDA's among them) expect Enter to work.
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(True)
        self.statusBar().showMessage("Ready.")
        self._restore_geometry()
        self.show_library()

    # -- wiring ---------------------------------------------------------------------------

    def _connect(self) -> None:
        on_change(self.services.notices, self._settings_changed)
        for screen in (self.library, self.new_interview, self.interview, self.panel, self.scripts):
            screen.status_message.connect(self.say)
        self.library.open_requested.connect(self.open_interview)
        self.library.new_requested.connect(self.show_new_interview)
        self.new_interview.created.connect(self._created)
        self.new_interview.cancelled.connect(self.show_library)
        self.interview.transcribe_requested.connect(self.transcribe)
        self.interview.live_transcript_ready.connect(
            lambda interview_id: self.panel.start(interview_id, use_live=True)
        )
        self.interview.open_requested.connect(self.show_interview)
        self.interview.recording_changed.connect(self._recording_changed)
        self.panel.transcribed.connect(self._transcribed)
        # Screens not in view still show fresh data when they come back: every change the
        # core makes (any screen, a background job) reaches them on the main thread.
        on_change(self.services.notices, self._on_change)
        self.panel.open_transcript.connect(self.show_transcript)
        self.scripts.use_script.connect(self._use_script)
        self.transcript.edited.connect(lambda _i: self.library.refresh())
        self.export.exported.connect(lambda _p: self.library.refresh())
        self.export.consent_requested.connect(self._export_consent)

    def _action(self, menu: QMenu, text: str, keys: Sequence[str] | str, slot: Any) -> QAction:
        action = menu.addAction(text)
        if isinstance(keys, str):
            keys = [keys] if keys else []
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.triggered.connect(slot)
        return action

    def _make_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self.new_action = self._action(file, "&New interview…", "Ctrl+N", self.show_new_interview)
        self.import_action = self._action(
            file, "&Import audio into selected interview…", "Ctrl+I", self._import
        )
        file.addSeparator()
        self.settings_action = self._action(file, "&Settings…", "Ctrl+,", self.open_settings)
        file.addSeparator()
        self._action(file, "&Quit", "Ctrl+Q", self.close)

        go = bar.addMenu("&Go")
        self._action(go, "&Library", "Alt+1", self.show_library)
        self._action(go, "Inter&view and recording", "Alt+2", lambda: self._go(self.show_interview))
        self._action(go, "&Transcript", "Alt+3", lambda: self._go(self.show_transcript))
        self._action(go, "&Export", "Alt+4", lambda: self._go(self.show_export))
        self._action(go, "Interview &scripts", "Alt+5", self.show_scripts)
        go.addSeparator()
        panel_action = self.panel.toggleViewAction()
        panel_action.setText("Transcription &progress")
        panel_action.setShortcut(QKeySequence("Ctrl+Shift+T"))
        go.addAction(panel_action)

        record = bar.addMenu("R&ecording")
        for action in self.interview.actions_list:
            record.addAction(action)
        record.addSeparator()
        self.transcribe_action = self._action(
            record, "&Transcribe current interview", "Ctrl+T", lambda: self._go(self.transcribe)
        )
        self.recording_menu = record

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", ["F1", "Ctrl+/"], self.show_shortcuts)
        self._action(help_menu, "&About Buddy Interviews", "", self.show_about)
        self._update_actions()

    # -- navigation -----------------------------------------------------------------------

    def say(self, message: str) -> None:
        """The status bar, said aloud too: a screen-reader user does not see it change."""
        self.statusBar().showMessage(message, 15_000)
        self._said_at = time.monotonic()
        announce(self.statusBar(), message)

    def _show(self, screen: QWidget) -> None:
        moved = screen is not self.stack.currentWidget() or self.current_id != self._shown_id
        if moved and time.monotonic() - self._said_at > SAME_ACTION_S:
            # A sentence about the screen (or interview) left behind says nothing here; one
            # said by the action that brought us here ("Created ...") stays.
            self.statusBar().clearMessage()
        self._shown_id = self.current_id
        self.stack.setCurrentWidget(screen)
        self._update_actions()
        # Land keyboard users inside the new screen rather than on whatever had focus before
        # (a button in the transcription panel, say): where they were last, else the first
        # control that takes Tab.
        target = screen.focusWidget()
        if target is None or not target.isVisible() or not target.isEnabled():
            target = first_focusable(screen)
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _update_actions(self) -> None:
        on_interview = self.stack.currentWidget() is self.interview
        for action in self.interview.actions_list:
            action.setEnabled(on_interview)

    def _go(self, show: Callable[[int], None]) -> None:
        interview_id = self.current_id or self.library.selected_id()
        if interview_id is None:
            self.show_library()
            self.say("Choose an interview in the library first.")
            return
        show(interview_id)

    def show_library(self) -> None:
        self.library.refresh(select=self.current_id)
        self._show(self.library)
        self.library.table.setFocus()

    def show_new_interview(self) -> None:
        self.new_interview.reset()
        self._show(self.new_interview)
        self.new_interview.interviewer.setFocus()  # names come first

    def show_scripts(self) -> None:
        self.scripts.refresh()
        self._show(self.scripts)

    def _guarded(self, interview_id: int, screen: Any) -> bool:
        try:
            screen.load(interview_id)
        except Exception as exc:
            show_error(self, exc)
            return False
        self.current_id = interview_id
        self._show(screen)
        return True

    def show_interview(self, interview_id: int) -> bool:
        return self._guarded(interview_id, self.interview)

    def show_transcript(self, interview_id: int) -> None:
        if self.services.transcript(interview_id) is None:
            if self.show_interview(interview_id):  # else the error said why
                self.say(
                    "This interview has no transcript yet: record or import audio, then transcribe."
                )
            return
        if self._guarded(interview_id, self.transcript):
            # The transcript itself, not the first toolbar button: arrows read it at once.
            self.transcript.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_export(self, interview_id: int) -> None:
        if self.services.transcript(interview_id) is None:
            if self.show_interview(interview_id):
                self.say("Transcribe the interview before exporting it.")
            return
        self._guarded(interview_id, self.export)

    def open_interview(self, interview_id: int) -> None:
        """Open where the work is: the transcript once there is one, else the recording."""
        if self.services.transcript(interview_id) is not None:
            self.show_transcript(interview_id)
        else:
            self.show_interview(interview_id)

    def _created(self, interview_id: int) -> None:
        self.current_id = interview_id
        self.show_interview(interview_id)

    def _export_consent(self, interview_id: int) -> None:
        # Consent is recorded in the same dialog as on the interview screen; then re-check.
        self._record_consent(interview_id)

    def _use_script(self, script_id: str) -> None:
        self.show_new_interview()
        self.new_interview.select_script(script_id)

    # -- work -----------------------------------------------------------------------------

    def _import(self) -> None:
        if self.stack.currentWidget() is not self.library:
            self.show_library()
        self.library.import_selected()

    def transcribe(self, interview_id: int) -> tasks.Task | None:
        return self.panel.start(interview_id)

    def _transcribed(self, interview_id: int) -> None:
        self.library.refresh()
        # Refresh the screens showing this interview, but never move the user elsewhere.
        if self.current_id == interview_id and self.stack.currentWidget() is self.interview:
            self.interview._update()

    def _on_change(self, change: Change) -> None:
        listed = ("interview", "transcript", "recordings", "deleted")
        if change.kind in listed and self.stack.currentWidget() is self.library:
            self.library.refresh(select=self.library.selected_id())
        if change.kind in ("transcript", "interview", "settings", "post", "recordings") and (
            self.stack.currentWidget() is self.export
            and change.interview_id in (None, self.export.interview_id)
        ):
            self.export.refresh()

    def _recording_changed(self, recording: bool) -> None:
        self.new_action.setEnabled(not recording)
        self.import_action.setEnabled(not recording)

    def open_settings(self, *, tab: int = 0) -> SettingsDialog:
        dialog = SettingsDialog(self.services, self.settings, self)
        dialog.applied.connect(lambda _s: self.say("Settings saved."))
        dialog.tabs.setCurrentIndex(tab)
        dialog.open()
        return dialog

    def error_action(self, action: Action) -> Callable[[], None] | None:
        """How this window does what an error's ``action`` asks (ui.errors shows the button).

        None where it cannot here: the dialog then shows only its words.
        """
        current = self.current_id
        if action is Action.OPEN_MICROPHONE_SETTINGS:
            return lambda: self.open_settings(tab=0)  # the Recording tab holds the microphone
        if action is Action.OPEN_SETTINGS:
            return self.open_settings
        if action is Action.SHOW_INTERVIEWS:
            return self.show_library
        if current is None:
            return None
        if action is Action.RECORD_CONSENT:
            return lambda: self._record_consent(current)
        if action is Action.CHOOSE_FILE:
            return lambda: (self.show_library(), self.library.import_selected())
        if action is Action.TRANSCRIBE:
            return lambda: self.transcribe(current)
        if action is Action.RECORD:
            return lambda: self.show_interview(current)
        return None

    def _record_consent(self, interview_id: int) -> ConsentDialog:
        dialog = ConsentDialog(self.services, interview_id, self)
        dialog.accepted.connect(self.export.refresh)
        dialog.accepted.connect(self.interview.consent_changed)
        dialog.open()
        return dialog

    @property
    def settings(self) -> Settings:
        """The settings in use, always read from the core (never a copy kept here)."""
        return self.services.settings

    def _settings_changed(self, change: Change) -> None:
        if change.kind != "settings":
            return
        settings = self.services.settings
        if self.theme is not None:
            self.theme.apply(settings.theme, settings.text_scale)
        self.interview.reload_settings(settings)

    def show_shortcuts(self) -> ShortcutsDialog:
        extra = (
            self.interview.keys.describe()
            + widget_shortcuts(self.transcript, "Transcript")
            + widget_shortcuts(self.export, "Export")
            + widget_shortcuts(self.scripts, "Scripts")
        )
        dialog = ShortcutsDialog(self.menuBar(), extra, self)
        dialog.open()
        return dialog

    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self)
        dialog.open()
        return dialog

    def offer_recovered(self, reports: Sequence[Any]) -> RecoveredDialog | None:
        if not reports:
            return None
        titles = {}
        for report in reports:
            interview_id = getattr(report, "interview_id", None)
            if interview_id is not None and interview_id not in titles:
                try:
                    titles[interview_id] = self.services.interview(interview_id).title
                except Exception:  # a deleted interview: its number is all there is
                    log.info("No title for interview %s", interview_id)
        dialog = RecoveredDialog(reports, self, titles=titles)
        dialog.open_interview.connect(self.show_interview)
        dialog.open()
        self.library.refresh()
        return dialog

    # -- lifetime -------------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = QSettings().value("main-window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1100, 760)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.close_guard.should_close():  # a take or a transcription is running: ask
            event.ignore()
            return
        QSettings().setValue("main-window/geometry", self.saveGeometry())
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Save what is typed, finish a take, stop background work: nothing may be lost."""
        if getattr(self, "_shut", False):
            return
        self._shut = True
        self.interview.shutdown()
        self.transcript.player.stop()
        for task in tasks.running_tasks():
            task.cancel()
        tasks.wait_all(30_000)
