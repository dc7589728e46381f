"""Screenshots of every screen with demo data, saved to docs/screenshots/.

Run:  xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python bench/screenshots.py
(works offscreen too). Builds a temp home, imports buddy-interview.wav with its markers and
transcribes it with the real engine, then opens each screen and saves a PNG of the window.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # this folder's ui.py must not shadow the ui package

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from bench import demo  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SIZE = (1200, 760)


def settle(ms: int = 300) -> None:
    """Let layouts, paints and queued signals happen (a real event loop, briefly)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def until(condition: Callable[[], bool], timeout_s: float = 600) -> None:
    end = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("demo step did not finish")
        settle(100)


def save(widget: QWidget, name: str) -> None:
    settle()
    path = OUT / f"{name}.png"
    widget.window().grab().save(str(path))
    print(f"  {path.relative_to(ROOT)}")


def calm_states(window: Any, interview_id: int, transcribed: int, home: Path) -> None:
    """The moments a first try stumbled on: no microphone, consent missing, the focus ring
    on a button, and "Open folder" on a computer without a file manager."""
    screen = window.interview
    window.show_interview(interview_id)
    window.activateWindow()  # no window manager under Xvfb: the focus ring shows only then
    try:
        until(window.isActiveWindow, timeout_s=5)
    except TimeoutError:
        print("  (the window did not become active: no focus ring in interview-focus.png)")
    screen.mic_button.setFocus()
    save(window, "interview-focus")
    # This machine has no sound card: the check meets a real "no microphone".
    screen.mic_button.click()
    until(lambda: screen.mic_problem.isVisible() or screen.mic_check is None, timeout_s=20)
    until(lambda: screen.mic_check is None or screen.mic_check.running, timeout_s=20)
    save(window, "interview-no-microphone")
    if screen.mic_check is not None:
        screen.toggle_mic_check()
    services = window.services
    unagreed = services.new_interview(
        "Our first month", interviewer="Sam Okafor", interviewee="Priya Shah",
        script_id="monthly-share",
    )  # fmt: skip
    window.show_interview(unagreed.id)
    save(window, "interview-consent-missing")
    window.show_export(transcribed)
    folder = home / "posts"
    folder.mkdir(exist_ok=True)
    window.export.folder.setText(str(folder))
    window.export.save()
    window.export.open_folder()  # no file manager here (no xdg-open): says where the file is
    save(window, "export-no-file-manager")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    home = demo.temp_home("buddy-shots-")
    from ui.main import build, make_application

    app = make_application([])
    window = build(demo.open_services().ctx)
    services = window.services
    window.resize(*SIZE)
    window.show()
    print(f"Qt platform: {QApplication.platformName()}; demo home: {home}")

    transcribed = demo.add_imported_interview(services, home)
    newer = services.new_interview(
        "Garden project",
        interviewer="Ada Lewis",
        interviewee="Tom Reid",
        script_id="project-spotlight",
    )
    for role in ("interviewer", "interviewee"):
        services.give_consent(newer.id, role, ["record"])

    window.show_library()
    task = window.transcribe(transcribed)
    until(lambda: task.is_done or window.panel.progress.value() > 300)
    if not task.is_done:
        save(window, "transcription-progress")
    until(lambda: task.is_done)
    if not task.finished_ok:
        raise SystemExit(f"transcription failed: {task.error}")
    window.panel.hide()

    window.show_library()
    window.library.select(transcribed)
    save(window, "library")

    window.show_new_interview()
    screen = window.new_interview
    screen.title.setText("Making music with switches")
    screen.interviewer.setText("Sam Okafor")
    screen.interviewee.setText("Priya Shah")
    screen.consent.participants["interviewer"].boxes["record"].setChecked(True)
    screen.consent.participants["interviewer"].boxes["publish-text"].setChecked(True)
    save(window, "new-interview")

    window.show_interview(newer.id)
    window.interview.next_question()
    save(window, "interview")

    window.show_transcript(transcribed)
    save(window, "transcript")
    window.show_export(transcribed)
    save(window, "export")

    window.show_scripts()
    save(window, "scripts")

    calm_states(window, newer.id, transcribed, home)

    dialog = window.open_settings()
    dialog.resize(640, 480)
    settle(600)
    dialog.grab().save(str(OUT / "settings.png"))
    print(f"  {(OUT / 'settings.png').relative_to(ROOT)}")
    dialog.close()
    shortcuts = window.show_shortcuts()
    settle()
    shortcuts.grab().save(str(OUT / "shortcuts.png"))
    print(f"  {(OUT / 'shortcuts.png').relative_to(ROOT)}")
    shortcuts.close()

    window.theme.apply("high-contrast", 1.0)
    window.show_library()
    save(window, "library-high-contrast")
    window.theme.apply("light", 2.0)
    window.show_interview(newer.id)
    save(window, "interview-text-200")
    window.theme.apply("dark", 1.0)
    window.show_transcript(transcribed)
    save(window, "transcript-dark")

    window.shutdown()
    services.ctx.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")
    sys.exit(main())
