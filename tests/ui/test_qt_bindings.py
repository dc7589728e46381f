"""Guard against Qt bindings that corrupt Python's reference counts.

PySide6 6.12.0 on Python 3.11 lost a reference to None on every void call and to True on every
signal emit, so the interpreter aborted after a few thousand calls. pyproject.toml excludes that
release; this test fails loudly if such a build is installed again. It runs in a child process,
because the failure mode is an abort.
"""

from __future__ import annotations

import os
import subprocess
import sys

CHECK = """
import sys
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel

class Emitter(QObject):
    changed = Signal(int)

app = QApplication([])
label, emitter = QLabel(), Emitter()
none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
for _ in range(2000):
    label.setText("x")
    emitter.changed.emit(1)
print(sys.getrefcount(None) - none_before, sys.getrefcount(True) - true_before)
"""


def test_void_calls_and_emits_keep_reference_counts() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    none_delta, true_delta = (int(x) for x in result.stdout.split())
    assert abs(none_delta) < 100 and abs(true_delta) < 100, result.stdout
