"""Asking before the window closes on a take being recorded or a transcription running.

Closing the window, Ctrl+Q and a session logout all come here. While a take is being
recorded the user chooses: keep recording, or stop and save the take, then close. While a
transcription runs: keep it running, or cancel it (the transcript stays as it was) and close.
A logout that may not ask (the session manager says so) stops and saves the take, so nothing
is lost either way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from ui import dialogs, tasks

if TYPE_CHECKING:
    from PySide6.QtGui import QSessionManager

    from ui.main_window import MainWindow

#: How often to look whether a cancelled transcription has stopped, before closing.
POLL_MS = 100


class CloseGuard(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        #: Set once the user agreed (or nothing needs asking): the next close goes through.
        self.allowed = False
        self.question: QMessageBox | None = None
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            # Where the platform has a session manager (X11/XSMP, Windows): logout asks too.
            app.commitDataRequest.connect(self._commit_data)

    def busy(self) -> str | None:
        """What closing would interrupt: "recording", "transcribing" or None."""
        session = self.window.interview.session
        if session is not None and session.active:
            return "recording"
        if self.window.panel.running:
            return "transcribing"
        return None

    def should_close(self) -> bool:
        """True to let the close happen; otherwise the question is (or stays) open."""
        if self.allowed or getattr(self.window, "_shut", False) or self.busy() is None:
            return True
        if self.question is None:
            self._ask()
        else:
            self.question.raise_()
            self.question.activateWindow()
        return False

    # -- the question ----------------------------------------------------------------------

    def _ask(self) -> None:
        if self.busy() == "recording":
            self.question = dialogs.ask(
                self.window,
                "Stop recording?",
                "A take is being recorded.",
                informative="Stop and save the take, then close the app? Or keep recording.",
                yes_text="Stop and save, then close",
                on_yes=self._stop_then_close,
                no_text="Keep recording",
                on_no=self._keep,
            )
        else:
            self.question = dialogs.ask(
                self.window,
                "Cancel the transcription?",
                "A transcription is running.",
                informative="Cancelling keeps the transcript as it was before. Cancel it and "
                "close the app? Or keep it running.",
                yes_text="Cancel it, then close",
                on_yes=self._cancel_then_close,
                no_text="Keep transcribing",
                on_no=self._keep,
            )

    def _keep(self) -> None:
        self.question = None
        what = "recording" if self.busy() == "recording" else "transcribing"
        self.window.say(f"Still {what}: the app stays open.")

    def _stop_then_close(self) -> None:
        self.question = None
        session = self.window.interview.session
        if session is None or not session.active:
            self._close_now()
            return
        session.stopped.connect(lambda _result: self._close_now())
        session.failed.connect(lambda _error: self._stop_failed())
        self.window.interview.stop()
        self.window.say("Stopping and saving the take, then closing…")

    def _stop_failed(self) -> None:
        # The error is shown by the interview screen; the window stays open with it.
        self.allowed = False

    def _cancel_then_close(self) -> None:
        self.question = None
        self.window.panel.cancel()
        self.window.say("Cancelling the transcription, then closing…")
        self._close_when_idle()

    def _close_when_idle(self) -> None:
        if self.window.panel.running:
            QTimer.singleShot(POLL_MS, self._close_when_idle)
        else:
            self._close_now()

    def _close_now(self) -> None:
        self.allowed = True
        self.window.close()

    # -- session logout ---------------------------------------------------------------------

    def _commit_data(self, manager: QSessionManager) -> None:
        self.logout(manager.allowsInteraction, manager.cancel, manager.release)

    def logout(
        self,
        allows_interaction: Callable[[], bool],
        cancel: Callable[[], None],
        release: Callable[[], None],
    ) -> bool:
        """The session is ending: ask if we may, else stop and save. True if we let it end.

        The session protocol needs an answer before this returns, so here (and only here)
        the question is modal.
        """
        reason = self.busy()
        if reason is None:
            return True
        if allows_interaction():
            box = QMessageBox(self.window)
            box.setIcon(QMessageBox.Icon.Question)
            title = "Stop recording?" if reason == "recording" else "Cancel the transcription?"
            box.setWindowTitle(title)
            box.setAccessibleName(title)
            box.setText(
                "You are logging out while a take is being recorded."
                if reason == "recording"
                else "You are logging out while a transcription is running."
            )
            stay_text = "Keep recording" if reason == "recording" else "Keep transcribing"
            go = box.addButton("Stop and save, then log out", QMessageBox.ButtonRole.AcceptRole)
            stay = box.addButton(stay_text, QMessageBox.ButtonRole.RejectRole)
            go.setAccessibleName(go.text())
            stay.setAccessibleName(stay.text())
            box.setDefaultButton(stay)
            box.setEscapeButton(stay)
            box.exec()
            release()
            if box.clickedButton() is not go:
                cancel()
                self.window.say(f"Logout cancelled: still {reason}.")
                return False
        # Finish the take on this thread (the event loop may not run again) and stop work.
        self.window.interview.shutdown()
        for task in tasks.running_tasks():
            task.cancel()
        tasks.wait_all(10_000)
        self.allowed = True
        return True
