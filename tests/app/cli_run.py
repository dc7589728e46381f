"""The real command line in a child process, and the transcribed buddy interview that the
end-to-end tests (export, Hugo, WordPress) start from."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def home_env(home: Path) -> dict[str, str]:
    return {**os.environ, "BUDDY_INTERVIEWS_HOME": str(home)}


def run_cli(
    env: dict[str, str], *args: str, stdin: str | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=REPO,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def transcribed_buddy_interview(home: Path, testdata: Path) -> tuple[int, dict[str, Any]]:
    """buddy-interview.wav imported with its markers (both agreed to be recorded) and
    transcribed by the real engine; returns the interview's id and the truth file."""
    truth = json.loads((testdata / "buddy-interview.truth.json").read_text())
    env = home_env(home)
    markers = home.parent / "markers.json"
    markers.write_text(json.dumps({"markers": truth["markers"], "questions": truth["questions"]}))
    made = json.loads(
        run_cli(
            env,
            "import",
            str(testdata / "buddy-interview.wav"),
            "--title",
            truth["title"],
            "--interviewer",
            truth["interviewer"]["name"],
            "--interviewee",
            truth["interviewee"]["name"],
            "--markers",
            str(markers),
            "--consent",
            "record",
            "--json",
        ).stdout
    )
    run_cli(env, "transcribe", str(made["id"]), "--glossary", "Bristol", "Priya")
    return made["id"], truth
