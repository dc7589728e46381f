"""Driving the app as a keyboard-only user: every action is a key sent to the focused widget.

Reading widget state to decide or assert is fine; doing the user's work by calling methods or
clicking is not. A real microphone without hardware (a private PulseAudio null sink) is here
too, for tests that record in-process with the real Recorder and PortAudio.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from tests.app.audio_fixtures import PulseSink, start_pulse

NoMod = Qt.KeyboardModifier.NoModifier
Ctrl = Qt.KeyboardModifier.ControlModifier
Alt = Qt.KeyboardModifier.AltModifier
Shift = Qt.KeyboardModifier.ShiftModifier


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def describe(widget: QWidget | None) -> str:
    if widget is None:
        return "nothing"
    name = widget.accessibleName() or getattr(widget, "text", lambda: "")()
    return f"{type(widget).__name__} {name!r}"


def press(key: Qt.Key, modifier: Qt.KeyboardModifier = NoMod) -> None:
    """One key, to whatever has the focus (as a keyboard would deliver it)."""
    QTest.keyClick(focused(), key, modifier)


def type_text(text: str) -> None:
    QTest.keyClicks(focused(), text)


def tab_to(target: QWidget, *, backwards: bool = False, limit: int = 80) -> int:
    """Press Tab (or Shift+Tab) until ``target`` has the focus; returns how many presses.

    Fails if the focus never gets there (unreachable control) or stops moving (a trap).
    """
    presses = 0
    seen: list[str] = []
    while focused() is not target:
        assert presses < limit, (
            f"Tab never reached {describe(target)}; focus went through: {seen[-15:]}"
        )
        before = focused()
        press(Qt.Key.Key_Backtab if backwards else Qt.Key.Key_Tab)
        presses += 1
        seen.append(describe(focused()))
        assert focused() is not before or focused() is target, (
            f"keyboard trap: Tab does not leave {describe(before)}"
        )
    return presses


def activate(qtbot, window: QWidget) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)


# -- a real input device, in this process ------------------------------------------------------


def _reinit_portaudio() -> None:
    # PortAudio lists devices once, when it starts; start it again to see (or forget) the
    # PulseAudio input. Imported here, after the environment is set.
    from app.audio.devices import sounddevice_module

    sd = sounddevice_module()
    sd._terminate()
    sd._initialize()


# Registered as "pulse_input" under another Python name, so test parameters called
# pulse_input do not shadow the import (ruff F811).
@pytest.fixture(name="pulse_input")
def pulse_input_fixture(tmp_path: Path) -> Iterator[PulseSink]:
    """The process's default input becomes a PulseAudio null sink's monitor: what a test
    plays into the sink is what the real ``sounddevice.InputStream`` records."""
    try:
        sink = start_pulse(tmp_path / "pulse")
    except RuntimeError as exc:
        pytest.fail(str(exc))
    saved = {k: os.environ.get(k) for k in ("XDG_RUNTIME_DIR", "HOME")}
    os.environ.update(XDG_RUNTIME_DIR=sink.env["XDG_RUNTIME_DIR"], HOME=sink.env["HOME"])
    try:
        _reinit_portaudio()
        yield sink
    finally:
        sink.close()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        _reinit_portaudio()
