"""Desktop app figures: launch time, event-loop stalls during transcription, long transcripts.

Run:  .venv/bin/python bench/ui.py (offscreen)
  or  xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python bench/ui.py (xcb)
Prints figures; asserts nothing (the machine is shared and noisy).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this folder would come first on sys.path and this file would shadow the
# `ui` package: put the project root there instead.
sys.path[0] = str(ROOT)
os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")

from PySide6.QtCore import QElapsedTimer, QEventLoop, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench import demo  # noqa: E402

LAUNCH_RUNS = 5

_CHILD = r"""
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QMainWindow
from ui.main import make_application, main

app = make_application([])

class FirstShow(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Show and isinstance(obj, QMainWindow):
            # The first paint follows the show; report once it has been processed.
            QTimer.singleShot(0, lambda: (print("SHOWN", flush=True), app.quit()))
            app.removeEventFilter(self)
        return False

watcher = FirstShow()
app.installEventFilter(watcher)
sys.exit(main([]))
"""


def launch_times(runs: int = LAUNCH_RUNS) -> list[float]:
    times = []
    for _ in range(runs):
        home = tempfile.mkdtemp(prefix="buddy-launch-")
        env = dict(os.environ, BUDDY_INTERVIEWS_HOME=home)
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("SHOWN"):
                times.append(time.perf_counter() - started)
                break
        proc.wait(timeout=60)
    return times


class GapMeter(QObject):
    """A 10 ms timer; the longest gap between its ticks is the longest UI freeze."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = QElapsedTimer()
        self.gaps: list[float] = []
        self.timer = QTimer(self, interval=10)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.clock.start()
        self.last = 0.0
        self.timer.start()

    def _tick(self) -> None:
        now = self.clock.nsecsElapsed() / 1e6
        self.gaps.append(now - self.last)
        self.last = now

    def stop(self) -> None:
        self.timer.stop()


def wait(app: QApplication, condition, timeout_s: float = 600) -> None:
    end = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)


def stall_during_transcription(app: QApplication, window, services, folder: Path) -> None:
    for label in ("cold (loads the model)", "warm (model loaded)"):
        interview_id = demo.add_imported_interview(services, folder)
        meter = GapMeter()
        meter.start()
        started = time.perf_counter()
        task = window.transcribe(interview_id)
        wait(app, lambda t=task: t.is_done)
        took = time.perf_counter() - started
        meter.stop()
        gaps = sorted(meter.gaps[1:])
        p99 = gaps[int(len(gaps) * 0.99) - 1] if gaps else 0.0
        print(
            f"  transcription {label}: {took:.1f} s for 63.5 s of audio; event loop longest "
            f"stall {max(gaps):.0f} ms, p99 {p99:.0f} ms, median tick {statistics.median(gaps):.1f}"
            f" ms (timer 10 ms; target < 100 ms)"
        )


def long_transcript(app: QApplication, window, services, folder: Path) -> None:
    interview_id = demo.add_long_transcript(services, folder, segments=2000)
    opens, scrolls = [], []
    for _ in range(3):
        window.show_library()
        app.processEvents()
        timer = time.perf_counter()
        window.show_transcript(interview_id)
        view = window.transcript.view
        view.viewport().repaint()
        app.processEvents()
        opens.append(time.perf_counter() - timer)
        bar = view.verticalScrollBar()
        timer = time.perf_counter()
        steps = 40
        for i in range(1, steps + 1):
            bar.setValue(bar.maximum() * i // steps)
            view.viewport().repaint()
            app.processEvents()
        scrolls.append((time.perf_counter() - timer) / steps)
    print(
        f"  two-hour transcript (2,000 segments): open median {statistics.median(opens) * 1000:.0f}"
        f" ms (target < 1000 ms); scroll step median {statistics.median(scrolls) * 1000:.1f} ms "
        f"over {steps} steps top to bottom"
    )


def main() -> int:
    print(f"Qt platform: {os.environ.get('QT_QPA_PLATFORM', 'default')}")
    times = launch_times()
    print(
        f"  launch to shown window: median {statistics.median(times) * 1000:.0f} ms "
        f"(runs: {', '.join(f'{t * 1000:.0f}' for t in times)})"
    )

    home = demo.temp_home()
    from ui.main import build, make_application

    app = make_application([])
    window = build(demo.open_services().ctx)
    services = window.services
    window.show()
    app.processEvents()
    stall_during_transcription(app, window, services, home)
    if hasattr(window.transcript, "view"):
        long_transcript(app, window, services, home)
    else:
        print("  two-hour transcript: the transcript editor is not available in this build")
    window.shutdown()
    services.ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
