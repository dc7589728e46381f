"""The one place that shows an error to the user.

Our own exceptions (``BuddyError``) carry a message saying what happened and a hint saying
what to do; they are shown as they are. Anything else is a bug: the user gets a plain
apology with a "Copy details" button and the traceback goes to the log file.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.errors import BuddyError
from ui.announce import announce

log = logging.getLogger(__name__)

GENERIC_MESSAGE = "Something went wrong inside Buddy Interviews."
GENERIC_HINT = (
    "Your recordings and transcripts are saved. Try again; if it happens again, use "
    "'Copy details' and send them to whoever looks after the app."
)

#: The dialogs currently on screen, newest last: tests and the main window look here.
shown: list[QMessageBox] = []


def describe(error: BaseException) -> tuple[str, str]:
    """(message, hint) as the user should read them."""
    if isinstance(error, BuddyError):
        return error.message, error.hint
    return GENERIC_MESSAGE, GENERIC_HINT


def _details(error: BaseException) -> str:
    return "".join(traceback.format_exception(type(error), error, error.__traceback__))


def show_error(
    parent: QWidget | None, error: BaseException, *, title: str = "Buddy Interviews"
) -> QMessageBox:
    """Show ``error`` in a window-modal box that does not block the caller.

    Non-blocking on purpose: errors often arrive from background work while the user is
    doing something else, and a nested event loop there would re-enter our own slots.
    """
    message, hint = describe(error)
    if isinstance(error, BuddyError):
        log.info("Shown to the user: %s (%s)", message, type(error).__name__)
    else:
        log.error("Unexpected error shown to the user", exc_info=error)
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setIcon(QMessageBox.Icon.Warning)
    # The word "Problem" carries the meaning that the warning icon's colour would otherwise.
    box.setText(f"Problem: {message}")
    if hint:
        box.setInformativeText(hint)
    box.setAccessibleName("Problem")
    box.setAccessibleDescription(f"{message} {hint}".strip())
    ok = box.addButton("OK", QMessageBox.ButtonRole.AcceptRole)
    ok.setAccessibleName("OK, close this message")
    box.setDefaultButton(ok)
    if not isinstance(error, BuddyError):
        details = _details(error)
        box.setDetailedText(details)
        copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
        copy.setAccessibleName("Copy details")
        copy.setAccessibleDescription("Copies the technical details to the clipboard")
        # An ActionRole button would close the box; disconnect that so copying keeps it open.
        copy.clicked.disconnect()
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(details))
    box.finished.connect(lambda _r, b=box: _forget(b))
    shown.append(box)
    box.open()
    # The box is read when it takes the focus; announcing too covers errors that arrive while
    # the user works elsewhere, and keeps them in the announcement log.
    announce(box, f"Problem: {message} {hint}".strip(), assertive=True)
    return box


def _forget(box: QMessageBox) -> None:
    if box in shown:
        shown.remove(box)
    box.deleteLater()


def install_excepthook() -> None:
    """Route exceptions escaping Qt slots here instead of printing them to a console nobody
    reads (PySide6 would otherwise print the traceback and carry on silently)."""
    previous = sys.excepthook

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            previous(exc_type, exc, tb)
            return
        if exc.__traceback__ is None:
            exc = exc.with_traceback(tb)
        app = QApplication.instance()
        if app is None:
            previous(exc_type, exc, tb)
            return
        show_error(QApplication.activeWindow(), exc)

    sys.excepthook = hook
