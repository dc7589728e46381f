"""Start-up: the real entry point, and takes a crash left behind offered to the user."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from app.context import AppContext
from app.paths import Paths
from tests.ui.conftest import TESTDATA
from tests.ui.test_screens import make
from ui.recovered_dialog import RecoveredDialog

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMainWindow
from ui.main import make_application, main

app = make_application([])

def close_when_shown():
    windows = [w for w in app.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()]
    if windows:
        print("SHOWN", windows[0].windowTitle(), flush=True)
        windows[0].close()  # the last window closing ends the event loop: main() returns
    else:
        QTimer.singleShot(50, close_when_shown)

QTimer.singleShot(0, close_when_shown)
sys.exit(main([]))
"""


def test_main_opens_the_window_and_exits_cleanly(tmp_path: Path) -> None:
    env = dict(os.environ, BUDDY_INTERVIEWS_HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", CHILD], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "SHOWN Buddy Interviews" in out.stdout
    log = Paths.from_env({"BUDDY_INTERVIEWS_HOME": str(tmp_path)}).log_file
    assert "Starting Buddy Interviews" in log.read_text()


def test_recovered_takes_are_offered_and_open_their_interview(qtbot, window, services) -> None:
    interview = make(services)
    # A take as a crash leaves it: the file is on disk, its row still says "recording".
    relative = f"audio/interview-{interview.id}-take-1.wav"
    shutil.copy(TESTDATA / "jfk.wav", services.paths.data / relative)
    services.store.add_recording(
        interview.id, path=relative, source="recorded", status="recording",
        sample_rate=16000, channels=1,
    )  # fmt: skip
    reopened = AppContext.open(services.paths)
    try:
        assert reopened.recovered
    finally:
        reopened.close()

    dialog = window.offer_recovered(reopened.recovered)
    assert isinstance(dialog, RecoveredDialog) and dialog.isVisible()
    # The interview by its title, never the take's file name.
    assert f"“{interview.title}”" in dialog.list.item(0).text()
    assert ".wav" not in dialog.list.item(0).text()
    dialog.open_button.click()
    assert window.stack.currentWidget() is window.interview
    assert window.current_id == interview.id
    assert services.recordings(interview.id)[0].status == "recovered"
    assert "recovered" in window.interview.takes_label.text()


def test_main_opens_on_a_read_only_disk_and_says_so(tmp_path: Path) -> None:
    """A read-only data folder (a real read-only mount) still opens the library."""
    from tests.app.robust_helpers import read_only_view

    home = tmp_path / "home"
    ctx = AppContext.open(Paths.from_env({"BUDDY_INTERVIEWS_HOME": str(home)}))
    ctx.store.create_interview("On a read-only disk", interviewer="Sam", interviewee="Priya")
    ctx.close()
    with read_only_view(home, tmp_path / "ro") as view:
        env = dict(os.environ, BUDDY_INTERVIEWS_HOME=str(view), QT_QPA_PLATFORM="offscreen")
        out = subprocess.run(
            [sys.executable, "-c", CHILD], cwd=ROOT, env=env, capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "SHOWN Buddy Interviews" in out.stdout and "Traceback" not in out.stderr


def test_main_opens_on_a_full_disk_without_log_tracebacks(tmp_path: Path) -> None:
    from tests.app.robust_helpers import fill, tmpfs

    with tmpfs(tmp_path / "small", "4m") as disk:
        home = disk / "home"
        ctx = AppContext.open(Paths.from_env({"BUDDY_INTERVIEWS_HOME": str(home)}))
        ctx.store.create_interview("On a full disk", interviewer="Sam", interviewee="Priya")
        ctx.close()
        fill(disk)
        env = dict(os.environ, BUDDY_INTERVIEWS_HOME=str(home), QT_QPA_PLATFORM="offscreen")
        out = subprocess.run(
            [sys.executable, "-c", CHILD], cwd=ROOT, env=env, capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "SHOWN Buddy Interviews" in out.stdout
    assert "Traceback" not in out.stderr and "Logging error" not in out.stderr, out.stderr
