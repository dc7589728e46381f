"""Every screen at 100% and 200% text size (and high contrast at 200%), for reviewing by eye.

Run:  xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python bench/screenshots_scaled.py [OUT]
(OUT defaults to docs/screenshots/scaled). The window is 1280x800, a common laptop screen, so
what does not fit shows as a scroll bar. No engine run: the transcript is written directly.
Each screen is also checked with the same clipping and overlap checks as
tests/ui/test_text_scaling.py, and problems are printed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # this folder's ui.py must not shadow the ui package

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from bench import demo  # noqa: E402
from bench.screenshots import settle  # noqa: E402
from tests.ui.layout_checks import clipped, overlapping, sideways  # noqa: E402

SIZE = (1280, 800)
LOOKS = [("light", 1.0), ("light", 2.0), ("high-contrast", 2.0)]


def shoot(widget: QWidget, out: Path, name: str) -> list[str]:
    settle(400)
    widget.window().grab().save(str(out / f"{name}.png"))
    window = widget.window()
    problems = clipped(window) + overlapping(window) + sideways(window)
    print(f"  {name}.png" + (f"  PROBLEMS: {problems}" if problems else ""))
    return problems


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    home = demo.temp_home("buddy-scaled-")
    from ui.main import build, make_application

    app = make_application([])
    window = build(demo.open_services().ctx)
    services = window.services
    transcribed = demo.add_long_transcript(services, home, segments=40)
    newer = services.new_interview(
        "Garden project", interviewer="Ada Lewis", interviewee="Tom Reid",
        script_id="project-spotlight",
    )  # fmt: skip
    for role in ("interviewer", "interviewee"):
        services.give_consent(newer.id, role, ["record", "publish-text"])
    window.resize(*SIZE)
    window.show()
    print(f"Qt platform: {QApplication.platformName()}; demo home: {home}")

    screens: list[tuple[str, Callable[[], QWidget]]] = [
        ("library", lambda: (window.show_library(), window)[1]),
        ("new-interview", lambda: (window.show_new_interview(), window)[1]),
        ("interview", lambda: (window.show_interview(newer.id), window)[1]),
        ("transcript", lambda: (window.show_transcript(transcribed), window)[1]),
        ("export", lambda: (window.show_export(transcribed), window)[1]),
        ("scripts", lambda: (window.show_scripts(), window)[1]),
    ]
    problems = 0
    for theme_name, scale in LOOKS:
        window.theme.apply(theme_name, scale)
        suffix = f"{theme_name}-{round(scale * 100)}"
        print(f"{theme_name} at {scale:.0%}:")
        for name, show in screens:
            problems += len(shoot(show(), out, f"{name}-{suffix}"))
        window.show_interview(newer.id)
        window.panel.show()
        problems += len(shoot(window, out, f"transcription-panel-{suffix}"))
        window.panel.hide()
        dialog = window.open_settings()
        problems += len(shoot(dialog, out, f"settings-{suffix}"))
        dialog.close()
    window.theme.apply("light", 1.0)
    window.shutdown()
    services.ctx.close()
    app.processEvents()
    print(f"{problems} layout problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots" / "scaled"
    sys.exit(main(target))
