"""Helpers for the interview screen: single-key controls (for switch users) and formatting."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from app.clock import format_clock
from app.models import Interview, Script
from app.settings import Settings

fmt_clock = format_clock  # the one clock format, under the name the screens use


def question_texts(
    interview: Interview | None, script: Script | None
) -> list[tuple[str, list[str]]]:
    """(question, prompts) pairs. Texts come from the interview (frozen when it was made);
    prompts from the script, matched by text so a later script edit cannot mismatch them."""
    if interview is None:
        return []
    prompts = {q.text: q.prompts for q in script.questions} if script is not None else {}
    return [(text, list(prompts.get(text, []))) for text in interview.questions]


class ControlKeys:
    """Single keys (default N, P and Space) that drive the interview when switched on.

    A switch interface sends one key per switch, so each control must be reachable with one
    key and no modifier. Text fields still receive their letters: Qt gives a focused editor
    the first claim on a plain key, so typing notes never jumps to the next question.
    """

    def __init__(
        self,
        screen: QWidget,
        on_next: Callable[[], None],
        on_previous: Callable[[], None],
        on_pause: Callable[[], None],
    ) -> None:
        self.screen = screen
        self.handlers = {"next": on_next, "previous": on_previous, "pause": on_pause}
        self.shortcuts: dict[str, QShortcut] = {}

    def apply(self, settings: Settings) -> None:
        for shortcut in self.shortcuts.values():
            shortcut.setEnabled(False)
            shortcut.deleteLater()
        self.shortcuts = {}
        if not settings.single_key_controls:
            return
        keys = {
            "next": settings.key_next,
            "previous": settings.key_previous,
            "pause": settings.key_pause,
        }
        for name, key in keys.items():
            sequence = QKeySequence(key)
            if sequence.isEmpty():
                continue
            shortcut = QShortcut(sequence, self.screen)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.handlers[name])
            self.shortcuts[name] = shortcut

    def describe(self) -> list[tuple[str, str]]:
        """(key, what it does) for the shortcuts dialog."""
        words = {
            "next": "Next question",
            "previous": "Previous question",
            "pause": "Pause or resume",
        }
        return [
            (
                s.key().toString(QKeySequence.SequenceFormat.NativeText),
                f"{words[n]} (single-key control)",
            )
            for n, s in self.shortcuts.items()
        ]
