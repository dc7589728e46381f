"""Alt+letter keys (mnemonics) in view: two controls on one screen must never share one.

Qt gives an ambiguous Alt+letter to neither control (or cycles focus between them), so a
keyboard user's key silently stops working.
"""

from __future__ import annotations

import re
from collections import defaultdict

from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMenuBar, QTabBar, QWidget

_AMP = re.compile(r"&(?!&)(.)")


def mnemonic(text: str) -> str | None:
    found = _AMP.search(text.replace("&&", ""))
    return found.group(1).casefold() if found else None


def in_view(root: QWidget) -> dict[str, list[str]]:
    """letter -> the controls that claim it among what is visible under ``root``'s window."""
    keys: dict[str, list[str]] = defaultdict(list)

    def claim(text: str, what: str) -> None:
        key = mnemonic(text)
        if key:
            keys[key].append(f"{what} {text!r}")

    window = root.window()
    for w in [window, *window.findChildren(QWidget)]:
        if not w.isVisible() or w.window() is not window:
            continue
        if isinstance(w, QAbstractButton):
            claim(w.text(), type(w).__name__)
        elif isinstance(w, QLabel) and w.buddy() is not None and w.buddy().isVisible():
            claim(w.text(), "label")
        elif isinstance(w, QGroupBox) and w.isCheckable():
            claim(w.title(), "group")
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                claim(w.tabText(i), "tab")
        elif isinstance(w, QMenuBar):
            for action in w.actions():
                if action.isVisible():
                    claim(action.text(), "menu")
    return keys


def collisions(root: QWidget) -> list[str]:
    return [
        f"Alt+{key.upper()}: " + ", ".join(owners)
        for key, owners in sorted(in_view(root).items())
        if len(owners) > 1
    ]
