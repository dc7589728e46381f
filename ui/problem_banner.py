"""A problem shown inside a screen: what happened, what to do, and a button that does it.

The in-screen sibling of ``ui.errors.show_error``: the same words (message + ``ui_hint``), the
same action buttons ("Open microphone settings", "Record consent…"), and "Copy details" for
the technical story, which never goes into the sentence itself.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.errors import Action, BuddyError
from ui.errors import ACTION_LABELS, action_handler, describe, details, has_details


class ProblemBanner(QFrame):
    """Hidden until there is a problem; ``text()`` is what it says (tests and screens read it)."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        name: str = "Message",
        handlers: dict[Action, Callable[[], object]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setProperty("role", "banner")
        self.setAccessibleName(name)
        #: The screen's own ways to act (used before asking the window).
        self.handlers = dict(handlers or {})
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setAccessibleName(name)
        self.action_button = QPushButton(self)
        self.action_button.setAccessibleName("Do what the message suggests")  # named when shown
        self.action_button.clicked.connect(self._act)
        self.copy_button = QPushButton("Copy details", self)
        self.copy_button.setAccessibleName("Copy details")
        self.copy_button.setAccessibleDescription("Copies the technical details to the clipboard")
        self.copy_button.clicked.connect(self._copy)
        buttons = QVBoxLayout()
        buttons.addWidget(self.action_button)
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        row = QHBoxLayout(self)
        row.addWidget(self.label, 1)
        row.addLayout(buttons)
        self.action = Action.NONE
        self._handler: Callable[[], object] | None = None
        self._details = ""
        self.hide()

    def text(self) -> str:
        return self.label.text()

    def buttons(self) -> list[QPushButton]:
        """In Tab order: the way out first, then the details."""
        return [self.action_button, self.copy_button]

    def show_message(self, text: str, *, action: Action = Action.NONE, details: str = "") -> None:
        """Show ``text`` (already in the user's words) with ``action``'s button if it can run."""
        self.label.setText(text)
        self.action = action
        self._handler = self.handlers.get(action) or action_handler(self, action)
        self.action_button.setVisible(self._handler is not None)
        if self._handler is not None:
            label = ACTION_LABELS[action]
            self.action_button.setText(label)
            self.action_button.setAccessibleName(label.rstrip("…"))
        self._details = details
        self.copy_button.setVisible(bool(details))
        self.setAccessibleDescription(text)
        self.show()

    def show_error(self, error: BaseException, *, prefix: str = "Problem: ") -> None:
        message, hint = describe(error)
        action = error.action if isinstance(error, BuddyError) else Action.NONE
        self.show_message(
            f"{prefix}{message} {hint}".strip(),
            action=action,
            details=details(error) if has_details(error) else "",
        )

    def clear(self) -> None:
        self.label.setText("")
        self.action = Action.NONE
        self._handler = None
        self._details = ""
        self.hide()

    def _act(self) -> None:
        if self._handler is not None:
            self._handler()

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self._details)
