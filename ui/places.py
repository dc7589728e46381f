"""Showing where a file is: open its folder when the computer can, else say the path.

Some computers (a kiosk, a minimal desktop, a remote session) have no file manager, and
``QDesktopServices.openUrl`` then just returns False. The user still needs to find the file,
so the screens say the full path and offer to copy it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication

log = logging.getLogger(__name__)


def open_folder(folder: Path) -> bool:
    """Ask the desktop to show ``folder``; False when nothing on this computer can."""
    opened = QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
    if not opened:
        log.info("No program could open the folder %s", folder)
    return opened


def not_opened_text(folder: Path, file: Path | None = None) -> str:
    """What to say when the folder could not be shown: where the file is, in full."""
    where = f"The file is {file}." if file is not None else f"The folder is {folder}."
    return (
        f"This computer has no file manager to open the folder with. {where} "
        "Choose Copy the path to paste it where you need it."
    )


def copy_path(path: Path) -> str:
    text = str(path)
    QGuiApplication.clipboard().setText(text)
    return text
