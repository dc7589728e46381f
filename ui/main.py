"""The single wiring point of the desktop app: paths -> context -> services -> MainWindow.

Nothing slow is imported here: the transcription engines and the sound library load on first
use, so the window opens in well under a second.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app.context import AppContext
from app.errors import BuddyError
from app.paths import Paths, resource
from app.services import Services
from ui import errors, theme
from ui.main_window import MainWindow

log = logging.getLogger("ui")

APP_ID = "buddy-interviews"
#: Set to 1 to start, show the window, and exit 0 once it is up (bundle and install checks).
SMOKE_TEST_ENV = "BUDDY_INTERVIEWS_SMOKE_TEST"


class _LogFile(logging.handlers.RotatingFileHandler):
    """The log file; a line that cannot be written (the disk filled up) is dropped quietly:
    the log must never be the thing that fills the terminal with tracebacks."""

    def handleError(self, record: logging.LogRecord) -> None:
        pass


def setup_logging(paths: Paths) -> None:
    """Everything INFO and up goes to a small rotating file the user can send us."""
    root = logging.getLogger()
    if any(getattr(h, "_buddy", False) for h in root.handlers):
        return
    handler: logging.Handler
    try:
        paths.log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = _LogFile(paths.log_file, maxBytes=1_000_000, backupCount=2, encoding="utf-8")
    except OSError as exc:
        # A read-only or full disk must not stop the app: it can still show the interviews
        # (and says why nothing can be saved); the log goes to the terminal instead.
        handler = logging.StreamHandler()
        handler.setLevel(logging.WARNING)
        logging.getLogger(__name__).warning("No log file at %s (%s)", paths.log_file, exc)
    handler._buddy = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)


def make_application(argv: Sequence[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QApplication(list(argv if argv is not None else sys.argv[:1]))
    app.setApplicationName("Buddy Interviews")
    app.setOrganizationName("Buddy Interviews")
    app.setDesktopFileName(APP_ID)
    icon = resource("icons", "buddy-interviews.svg")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app  # type: ignore[return-value]


def open_context(paths: Paths) -> AppContext:
    """Open the store and repair takes a crash interrupted (reported in ctx.recovered)."""
    return AppContext.open(paths, recover=True)


def build(ctx: AppContext) -> MainWindow:
    """Everything after the context: used by main() and by tests/benchmarks alike."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    services = Services(ctx)
    look = theme.install(app, theme=ctx.settings.theme, scale=ctx.settings.text_scale)
    return MainWindow(services, theme=look)


def main(argv: Sequence[str] | None = None) -> int:
    app = make_application(argv)
    paths = Paths.from_env()
    try:
        paths.ensure()
    except OSError as exc:
        QMessageBox.critical(
            None,
            "Buddy Interviews",
            f"Problem: the data folder {paths.data} cannot be created ({exc}).\n"
            "Check the disk is not full and that you may write to your home folder.",
        )
        return 2
    setup_logging(paths)
    errors.install_excepthook()
    log.info("Starting Buddy Interviews")
    try:
        ctx = open_context(paths)
    except BuddyError as error:
        box = QMessageBox(
            QMessageBox.Icon.Critical, "Buddy Interviews", f"Problem: {error.message}"
        )
        box.setInformativeText(error.ui_hint)
        if error.details:
            box.setDetailedText(error.details)
        box.exec()  # nothing else is running yet, so blocking here is harmless
        return 2
    window = build(ctx)
    window.show()
    if os.environ.get(SMOKE_TEST_ENV) == "1":
        # Installers and the bundle test: prove the window really comes up, then leave.
        def smoke_done() -> None:
            shown = window.isVisible() and window.windowHandle() is not None
            log.info("Smoke test: window %s", "shown" if shown else "NOT shown")
            app.exit(0 if shown else 1)

        QTimer.singleShot(1000, smoke_done)
    if ctx.warnings:  # e.g. a damaged settings file that was set aside
        QTimer.singleShot(0, lambda: window.say(" ".join(ctx.warnings)))
    if ctx.recovered:
        # After the first paint, so the user sees the app before the question about takes.
        QTimer.singleShot(0, lambda: window.offer_recovered(ctx.recovered))
    try:
        return app.exec()
    finally:
        window.shutdown()
        ctx.close()


if __name__ == "__main__":
    sys.exit(main())
