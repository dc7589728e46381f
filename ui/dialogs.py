"""Questions to the user ("Delete this interview?") as non-blocking, window-modal boxes.

They never run a nested event loop: the answer arrives as a callback. That keeps background
work flowing while a question is open, and lets tests answer them like a user would (by
clicking the button) instead of patching them away.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QPushButton, QWidget

#: Open questions, newest last (tests find them here).
open_questions: list[QMessageBox] = []


def ask(
    parent: QWidget | None,
    title: str,
    text: str,
    *,
    yes_text: str,
    on_yes: Callable[[], None],
    no_text: str = "Cancel",
    on_no: Callable[[], None] | None = None,
    informative: str = "",
    destructive: bool = False,
) -> QMessageBox:
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setIcon(QMessageBox.Icon.Warning if destructive else QMessageBox.Icon.Question)
    box.setText(text)
    if informative:
        box.setInformativeText(informative)
    box.setAccessibleName(title)
    box.setAccessibleDescription(f"{text} {informative}".strip())
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton(no_text, QMessageBox.ButtonRole.RejectRole)
    yes.setAccessibleName(yes_text)
    no.setAccessibleName(no_text)
    # Destructive questions default to the safe answer so a stray Enter loses nothing.
    box.setDefaultButton(no if destructive else yes)
    box.setEscapeButton(no)

    def finished(_result: int) -> None:
        if box in open_questions:
            open_questions.remove(box)
        clicked = box.clickedButton()
        if clicked is yes:
            on_yes()
        elif on_no is not None:
            on_no()
        box.deleteLater()

    box.finished.connect(finished)
    open_questions.append(box)
    box.open()
    return box


def grow_to_fit(window: QWidget) -> None:
    """Make ``window`` at least as big as its contents need at the current text size.

    Qt drops a window's minimum size when its layout holds wrapped text (height-for-width),
    so at large text sizes a dialog could open, or stay after its text changed, too small
    and cut words off. Never shrinks: the user's own size wins when it is big enough.
    """
    layout = window.layout()
    if layout is None:
        return
    # A label whose text just changed has only asked for a new layout; do that now, or the
    # sizes read below are the old ones.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    layout.activate()
    minimum = layout.totalMinimumSize()
    window.setMinimumWidth(minimum.width())
    width = max(window.width(), minimum.width())
    if layout.hasHeightForWidth():
        needed = layout.totalHeightForWidth(width)
    else:
        needed = layout.totalSizeHint().height()
    height = max(window.height(), needed, minimum.height())
    if (width, height) != (window.width(), window.height()):
        window.resize(width, height)


def button(box: QMessageBox, text: str) -> QPushButton:
    """The button of ``box`` labelled ``text`` (for tests and keyboard helpers)."""
    for b in box.buttons():
        if b.text().replace("&", "") == text:
            return b  # type: ignore[return-value]
    raise LookupError(f"No button '{text}' in {[b.text() for b in box.buttons()]}")


def save_cancel_buttons(dialog: QDialog, save_name: str) -> QDialogButtonBox:
    """Save and Cancel wired to accept/reject, each with a name a screen reader can say."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Save).setAccessibleName(save_name)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
