"""The app as a screen reader sees it: over AT-SPI, from another process, on a real X display.

The real app (``python -m ui.main``) runs under Xvfb in a private D-Bus session with the
accessibility bus; tests/ui/atspi_reader.py (system Python, pyatspi) reads its tree, presses
menu items and buttons through AT-SPI actions (as Orca's users do) and listens for
announcements. Demo data: bench/demo.py, with a short transcript so every screen has content.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench import demo
from tests.app.approving import approve

pytestmark = pytest.mark.slow

READER = Path(__file__).with_name("atspi_reader.py")
#: The reader's mark on its replies (tests/ui/atspi_reader.py; it cannot be imported here:
#: it runs under the system Python, with pyatspi).
REPLY_MARK = "atspi-reader: "
ROOT = Path(__file__).resolve().parents[2]
SYSTEM_PYTHON = "/usr/bin/python3"
REPLY_TIMEOUT_S = 90
#: Roles whose name comes from their content (rows, cells): an empty one is empty data.
CONTENT_ROLES = {"table cell", "list item", "tree item", "menu item", "page tab"}


class Reader:
    """The reader process, spoken to one JSON line at a time."""

    def __init__(self, home: Path) -> None:
        for tool in ("xvfb-run", "dbus-run-session", SYSTEM_PYTHON):
            if not shutil.which(tool):
                pytest.fail(f"{tool} is missing: install xvfb, dbus and python3-pyatspi (apt)")
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
        env.update(
            BUDDY_INTERVIEWS_HOME=str(home),
            HOME=str(home),  # QSettings (window geometry) goes here, not to the real home
            XDG_CONFIG_HOME=str(home / "config"),
            PYTHONPATH=str(ROOT),
        )
        assert f'REPLY_MARK = "{REPLY_MARK}"' in READER.read_text(), "the reader's mark changed"
        self.log = home / "reader.log"
        self.others_log = home / "reader-stdout.log"
        # Open for the reader's whole life; closed in close().
        self._log_file = self.log.open("wb")
        self.proc = subprocess.Popen(
            ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "dbus-run-session", "--",
             SYSTEM_PYTHON, str(READER), "serve", "--", sys.executable, "-m", "ui.main"],
            cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._log_file, text=True,
            start_new_session=True,  # one process group: xvfb-run, D-Bus, the app, the reader
        )  # fmt: skip
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        hello = self.reply()
        assert hello.get("ok"), f"{hello}\n{self.log_tail()}"

    def _read(self) -> None:
        assert self.proc.stdout is not None
        with self.others_log.open("w") as others:
            for line in self.proc.stdout:
                # Another process may have left half a line just before a reply.
                before, mark, reply = line.partition(REPLY_MARK)
                if mark:
                    self.lines.put(reply)
                if before.strip():  # a D-Bus service of the session printed on the shared stdout
                    others.write(before if before.endswith("\n") else before + "\n")
                    others.flush()

    def log_tail(self) -> str:
        others = self.others_log.read_text(errors="replace") if self.others_log.exists() else ""
        return self.log.read_text(errors="replace")[-3000:] + others[-1000:]

    def reply(self) -> dict[str, Any]:
        try:
            return json.loads(self.lines.get(timeout=REPLY_TIMEOUT_S))
        except queue.Empty:
            pytest.fail(f"the AT-SPI reader did not answer\n{self.log_tail()}")

    def ask(self, **request: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        answer = self.reply()
        assert "error" not in answer, f"{request}: {answer['error']}"
        return answer

    def tree(self) -> list[dict[str, Any]]:
        return self.ask(cmd="tree")["nodes"]

    def go(self, menu_item: str, role: str, name: str) -> list[dict[str, Any]]:
        """Choose a menu item (its AT-SPI action), wait for ``name`` to show, read the tree."""
        self.ask(cmd="do", role="menu item", name=menu_item)
        assert self.ask(cmd="wait", role=role, name=name)["found"], f"no {role} {name!r}"
        return self.tree()

    def close(self) -> None:
        try:
            if self.proc.poll() is None and self.proc.stdin is not None:
                self.proc.stdin.write('{"cmd": "quit"}\n')
                self.proc.stdin.flush()
                self.proc.wait(30)
        except (OSError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGTERM)  # the group this test started, by its id
            self.proc.wait(10)
        finally:
            self._log_file.close()


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reader]:
    home = tmp_path_factory.mktemp("atspi-home")
    saved = os.environ.get("BUDDY_INTERVIEWS_HOME")
    os.environ["BUDDY_INTERVIEWS_HOME"] = str(home)
    try:
        services = demo.open_services()
        interview_id = demo.add_long_transcript(services, home, segments=12)
        approve(services, interview_id)  # both approved: the post can be published as a draft
        services.ctx.close()
    finally:
        if saved is None:
            os.environ.pop("BUDDY_INTERVIEWS_HOME", None)
        else:
            os.environ["BUDDY_INTERVIEWS_HOME"] = saved
    r = Reader(home)
    yield r
    r.close()


def present(nodes: list[dict[str, Any]], role: str, name: str) -> bool:
    """``name`` is the object's name or the text of a label it is labelled by."""
    return any(n["role"] == role and name in (n["name"], *n["labelled_by"]) for n in nodes)


def check_named(nodes: list[dict[str, Any]]) -> None:
    unnamed = [
        f"{n['role']} (depth {n['depth']})"
        for n in nodes
        if "focusable" in n["states"] and not n["name"].strip() and n["role"] not in CONTENT_ROLES
    ]
    assert not unnamed, f"focusable objects without a name: {unnamed}"
    # On Linux Qt names a combo box by its value; what it is for comes from its label.
    unlabelled = [
        f"combo box {n['name']!r}"
        for n in nodes
        if n["role"] == "combo box" and "focusable" in n["states"] and not n["labelled_by"]
    ]
    assert not unlabelled, f"combo boxes that say only their value: {unlabelled}"


def check_screen(nodes: list[dict[str, Any]], expected: list[tuple[str, str]]) -> None:
    missing = [f"{role} {name!r}" for role, name in expected if not present(nodes, role, name)]
    seen = sorted({f"{n['role']} {n['name']!r}" for n in nodes if n["name"]})
    assert not missing, f"missing {missing}; the reader sees: {seen}"
    check_named(nodes)


def test_library(reader: Reader) -> None:
    nodes = reader.tree()
    assert nodes[0]["role"] == "frame" and nodes[0]["name"] == "Buddy Interviews"
    check_screen(
        nodes,
        [
            ("filler", "Library"),
            ("text", "Search interviews"),
            ("table", "Interviews"),
            ("table cell", "Making music with switches"),
            ("table cell", "Transcribed: ready to check"),  # the state in words
            ("push button", "New interview"),
            ("push button", "Open"),
            ("push button", "Import audio"),
            ("push button", "Delete"),
            ("menu bar", ""),
        ],
    )
    focused = [n for n in nodes if "focused" in n["states"]]
    assert focused, "nothing has the focus when the app opens"


def test_new_interview(reader: Reader) -> None:
    nodes = reader.go("New interview…", "push button", "Create interview")
    check_screen(
        nodes,
        [
            ("text", "Title"),
            ("text", "Interviewer"),
            ("text", "Interviewee"),
            ("combo box", "Script:"),
            ("check box", "the interviewer: I agree to be recorded (needed to record)"),
            ("check box", "the interviewee: I agree the text may be published"),
            ("push button", "Create interview"),
            ("push button", "Cancel new interview"),
        ],
    )


def test_interview_screen_and_its_announcements(reader: Reader) -> None:
    reader.ask(cmd="do", role="menu item", name="Library")
    nodes = reader.go("Interview and recording", "push button", "Next question")
    check_screen(
        nodes,
        [
            ("filler", "Interview"),
            ("label", "Question 1 of 5"),
            ("label", "What have you been working on this month?"),  # the question itself
            ("push button", "Check microphone"),
            ("label", "Voice sample line"),
            ("push button", "Skip voice samples"),
            ("push button", "Record"),
            ("push button", "Pause"),
            ("push button", "Stop"),
            ("push button", "Next question"),
            ("push button", "Previous question"),
            ("text", "Notes"),
            ("push button", "Transcribe"),
        ],
    )
    question = next(n for n in nodes if n["name"] == "What have you been working on this month?")
    assert question["description"] == "Question 1 of 5"
    reader.ask(cmd="events")  # forget what the screen change said
    reader.ask(cmd="do", role="push button", name="Next question")
    events = reader.ask(cmd="events", seconds=1.0)["events"]
    announced = [e for e in events if e["type"] == "object:announcement"]
    said = [e for e in announced if e["text"].startswith("Question 2 of 5: What surprised you")]
    assert said, f"no announcement of the new question in {events}"
    assert said[0]["detail1"] == 1  # ATSPI_LIVE_POLITE: the user asked; no need to interrupt
    buttons = [n["name"] for n in nodes if n["role"] == "push button"]
    assert any(b.startswith("Record ") and b.endswith("'s voice sample") for b in buttons), buttons
    # The voice-sample step says what happened without moving the reader away.
    reader.ask(cmd="do", role="push button", name="Skip voice samples")
    events = reader.ask(cmd="events", seconds=1.0)["events"]
    skipped = [
        e
        for e in events
        if e["type"] == "object:announcement" and e["text"].startswith("Voice samples skipped")
    ]
    assert skipped, f"no announcement of the skipped voice samples in {events}"


def test_transcript_editor(reader: Reader) -> None:
    nodes = reader.go("Transcript", "list", "Transcript")
    check_screen(
        nodes,
        [
            ("list", "Transcript"),
            ("tool bar", "Playback"),
            ("tool bar", "Editing"),
            ("push button", "Play"),
            ("combo box", "Speed:"),
            ("combo box", "Speaker:"),
            ("label", "Editor status"),
        ],
    )
    rows = [n for n in nodes if n["role"] == "list item"]
    assert rows and all(r["name"] for r in rows), "transcript rows are read without text"
    # The focus lands in the transcript itself, so the arrow keys read it at once.
    focused = [n for n in nodes if "focused" in n["states"]]
    assert focused and focused[-1]["role"] in ("list", "list item"), focused


def test_export_screen(reader: Reader) -> None:
    nodes = reader.go("Export", "push button", "Save")
    check_screen(
        nodes,
        [
            ("combo box", "Format:"),
            ("combo box", "Blog flavour:"),
            ("text", "Export folder"),
            ("push button", "Choose folder"),
            ("push button", "Save"),
            ("push button", "Copy to clipboard"),
            ("push button", "Publish as draft"),
            ("label", "Export status"),
            # The post editor and what follows it: approval, review copy, publishing.
            ("text", "Post title"),
            ("text", "Intro"),
            ("text", "Summary"),
            ("text", "Tags"),
            ("combo box", "Question 1:"),
            ("check box", "Leave out lines that are only “Right.”, “Mm.” and the like"),
            ("push button", "Approve for publishing"),
            ("push button", "Save a review copy"),
            ("push button", "Publish as draft"),
        ],
    )


def test_publish_dialog(reader: Reader) -> None:
    reader.go("Export", "push button", "Save")
    assert reader.ask(cmd="wait", role="push button", name="Publish as draft")["found"]
    # The post editor rebuilds parts of the screen as it loads, so the reader's cache can
    # still hold a replaced button for a moment: press again if that one is gone.
    for _ in range(5):
        assert reader.proc.stdin is not None
        reader.proc.stdin.write(
            json.dumps({"cmd": "do", "role": "push button", "name": "Publish as draft"}) + "\n"
        )
        reader.proc.stdin.flush()
        if "error" not in reader.reply():
            break
    assert reader.ask(cmd="wait", role="text", name="Site address")["found"]
    nodes = reader.tree()
    check_screen(
        nodes,
        [
            ("text", "Site address"),
            ("text", "User name"),
            ("push button", "Publish as draft"),
            ("push button", "Close"),
        ],
    )
    # The password field is read as one (never its text) and says where the password is kept.
    password = [n for n in nodes if n["name"] == "Application password"]
    assert password and "focusable" in password[0]["states"], password
    reader.ask(cmd="do", role="push button", name="Close")
