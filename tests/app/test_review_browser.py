"""The HTML review copy opens in a real browser: Chromium, headless (Debian's chromium)."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from app.services import Services
from tests.ui.editor_fixtures import create_interview

pytestmark = pytest.mark.slow


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("chromium is missing: apt-get install chromium (.ci/run does)")
    return found


def _run(browser: str, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--user-data-dir={home}", *args],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.h2: list[str] = []
        self._tag = ""

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._tag = tag

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        if self._tag == "h2":
            self.h2.append(data)
        self._tag = ""


def test_the_review_copy_renders_in_chromium(
    services: Services, truth: dict, testdata: Path, tmp_path: Path
) -> None:
    browser = _chromium()
    interview_id = create_interview(services, truth, testdata / "buddy-interview.wav")
    path = services.review_copy(interview_id, "review-html", out=tmp_path / "review.html")
    dom = _run(browser, tmp_path / "profile", "--dump-dom", path.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    page = _Text()
    page.feed(dom.stdout)
    text = " ".join(" ".join(page.parts).split())
    assert text.startswith("Draft for review")
    assert page.h2 == truth["questions"]
    assert "[0:19] Priya Shah: How quickly the students started composing." in text
    shot = tmp_path / "review.png"
    drawn = _run(
        browser, tmp_path / "profile", f"--screenshot={shot}", "--window-size=900,1400",
        path.as_uri(),
    )  # fmt: skip
    assert drawn.returncode == 0 and shot.stat().st_size > 10_000, drawn.stderr[-2000:]
