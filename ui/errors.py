"""The one place that shows an error to the user.

Our own exceptions (``BuddyError``) carry a message saying what happened and a ``ui_hint``
saying what to do in the window (never the CLI's flag hints); their ``action`` becomes a
button that does it ("Open microphone settings", "Record consent…") when the main window has
registered a way to do it. Technical details go under "Copy details" and into the log. Anything
else is a bug: the user gets a plain apology with "Copy details", the traceback goes to the log.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.errors import Action, BuddyError
from ui.announce import announce

log = logging.getLogger(__name__)

GENERIC_MESSAGE = "Something went wrong inside Buddy Interviews."
GENERIC_HINT = (
    "Your recordings and transcripts are saved. Try again; if it happens again, use "
    "'Copy details' and send them to whoever looks after the app."
)

#: The dialogs currently on screen, newest last: tests and the main window look here.
shown: list[QMessageBox] = []

#: The words on each action's button (a verb first, as buttons are read).
ACTION_LABELS: dict[Action, str] = {
    Action.OPEN_MICROPHONE_SETTINGS: "Open microphone settings",
    Action.OPEN_SETTINGS: "Open settings",
    Action.RECORD_CONSENT: "Record consent…",
    Action.CHOOSE_FILE: "Choose another file…",
    Action.CHOOSE_FOLDER: "Choose another folder…",
    Action.TRANSCRIBE: "Transcribe",
    Action.RECORD: "Go to recording",
    Action.SHOW_INTERVIEWS: "Show the interviews",
}


def action_handler(parent: QWidget | None, action: Action) -> Callable[[], None] | None:
    """What to run for ``action`` from ``parent``, or None when no window there can do it.

    The first window up the parent chain with an ``error_action(action)`` method decides (the
    main window does; a dialog opened from it inherits its answers).
    """
    widget = parent
    while action and widget is not None:
        ask = getattr(widget, "error_action", None)
        if callable(ask):
            handler = ask(action)
            if handler is not None:
                return handler
        widget = widget.parentWidget()
    return None


def describe(error: BaseException) -> tuple[str, str]:
    """(message, what to do in the window) as the user should read them."""
    if isinstance(error, BuddyError):
        return error.message, error.ui_hint
    return GENERIC_MESSAGE, GENERIC_HINT


def details(error: BaseException) -> str:
    """The technical story for "Copy details": the error's own details, then the traceback."""
    parts = [f"{type(error).__name__}: {error}"]
    if isinstance(error, BuddyError) and error.details:
        parts.append(error.details)
    if error.__cause__ is not None or not isinstance(error, BuddyError):
        parts.append("".join(traceback.format_exception(error)))
    return "\n\n".join(parts)


def has_details(error: BaseException) -> bool:
    return not isinstance(error, BuddyError) or bool(error.details)


def show_error(
    parent: QWidget | None, error: BaseException, *, title: str = "Buddy Interviews"
) -> QMessageBox:
    """Show ``error`` in a window-modal box that does not block the caller.

    Non-blocking on purpose: errors often arrive from background work while the user is
    doing something else, and a nested event loop there would re-enter our own slots.
    """
    message, hint = describe(error)
    if isinstance(error, BuddyError):
        log.info(
            "Shown to the user: %s (%s)%s",
            message,
            type(error).__name__,
            f"\n{error.details}" if error.details else "",
        )
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
    action = error.action if isinstance(error, BuddyError) else Action.NONE
    handler = action_handler(parent, action)
    if handler is not None:
        # The way out comes first and is the default: Enter does what the hint says.
        do = box.addButton(ACTION_LABELS[action], QMessageBox.ButtonRole.AcceptRole)
        do.setAccessibleName(ACTION_LABELS[action].rstrip("…"))
        do.clicked.connect(handler)
    ok = box.addButton("OK" if handler is None else "Close", QMessageBox.ButtonRole.RejectRole)
    ok.setAccessibleName("Close this message")
    box.setEscapeButton(ok)
    box.setDefaultButton(do if handler is not None else ok)
    if has_details(error):
        text = details(error)
        box.setDetailedText(text)
        copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
        copy.setAccessibleName("Copy details")
        copy.setAccessibleDescription("Copies the technical details to the clipboard")
        # An ActionRole button would close the box; disconnect that so copying keeps it open.
        copy.clicked.disconnect()
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(text))
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
