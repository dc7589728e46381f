"""Widgets never touch the database: one Services call per user action, one transaction.

Two checks, each shown able to fail: a static one over the source of every ``ui`` module
(no import of the store or SQLite, no ``.store``/``.db``/``.transaction`` use), and a runtime
one that wraps every ``Store`` method and reports any call made straight from a ``ui`` frame
while a journey through the screens runs.
"""

from __future__ import annotations

import ast
import functools
import inspect
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.services import Services
from app.store import Store
from tests.ui.editor_fixtures import create_interview
from ui.main_window import MainWindow

UI = Path(__file__).resolve().parents[2] / "ui"
FORBIDDEN_IMPORTS = ("app.store", "sqlite3", "sqlite_utils")
FORBIDDEN_ATTRIBUTES = {"store", "db", "transaction", "conn", "atomic"}


def static_violations(source: str, filename: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names]
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else names
            for module in modules:
                if module.startswith(FORBIDDEN_IMPORTS):
                    found.append(f"{filename}:{node.lineno} imports {module}")
        elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRIBUTES:
            found.append(f"{filename}:{node.lineno} uses .{node.attr}")
    return found


def test_no_widget_module_imports_or_uses_the_store() -> None:
    found = []
    for path in sorted(UI.glob("*.py")):
        found += static_violations(path.read_text(encoding="utf-8"), path.name)
    assert not found, "\n".join(found)


def test_the_static_check_catches_a_widget_that_writes_itself() -> None:
    bad = (
        "from app.store import Store\n"
        "def save(self):\n"
        "    with self.services.store.transaction():\n"
        "        self.services.store.db.execute('DELETE FROM segments')\n"
    )
    found = static_violations(bad, "ui/bad.py")
    assert len(found) >= 4, found


class StoreGuard:
    """Wraps every Store method; a call whose direct caller is a ``ui`` frame is recorded."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[str] = []
        self.violations: list[str] = []
        for name, member in inspect.getmembers(Store):
            if name.startswith("__"):
                continue
            if isinstance(member, property):
                wrapped = property(self._wrap(name, member.fget))
                monkeypatch.setattr(Store, name, wrapped)
            elif inspect.isfunction(member):
                monkeypatch.setattr(Store, name, self._wrap(name, member))

    def _wrap(self, name: str, fn: Any) -> Any:
        @functools.wraps(fn)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            caller = sys._getframe(1).f_code.co_filename
            self.calls.append(name)
            if Path(caller).resolve().parent == UI:
                self.violations.append(f"Store.{name} called from {Path(caller).name}")
            return fn(*args, **kwargs)

        return guarded


@pytest.fixture
def guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[StoreGuard]:
    yield StoreGuard(monkeypatch)


def test_the_runtime_guard_catches_a_store_call_from_a_widget_module(
    guard: StoreGuard, services: Services
) -> None:
    code = compile(
        "def peek(services):\n    return services.store.interviews()\n", str(UI / "x.py"), "exec"
    )
    namespace: dict[str, Any] = {}
    exec(code, namespace)
    namespace["peek"](services)
    assert guard.violations == ["Store.interviews called from x.py"]


def test_a_journey_through_the_screens_never_calls_the_store_from_a_widget(
    qtbot, window: MainWindow, truth: dict[str, Any], testdata: Path, monkeypatch
) -> None:
    services = window.services
    interview_id = create_interview(services, truth, testdata / "buddy-interview.wav")
    guard = StoreGuard(monkeypatch)
    window.show_library()
    window.library.refresh(select=interview_id)
    window.show_interview(interview_id)
    takes = window.interview.show_takes()
    assert takes is not None
    takes.list.item(0).setCheckState(Qt.CheckState.Unchecked)
    qtbot.wait(20)
    takes.list.item(0).setCheckState(Qt.CheckState.Checked)
    takes.done(0)
    window.show_transcript(interview_id)
    editor = window.transcript
    editor.view.setCurrentIndex(editor.model.index(editor.model.row_of_segment(1)))
    editor.edit_text(1, editor.segments[1].text + " Checked.")
    editor.toggle_redact()
    editor.merge()
    editor.undo()
    editor.redo()
    editor.set_speaker_role("interviewer")
    editor.replace_all("the", "the", case_sensitive=True)
    window.show_export(interview_id)
    window.export.refresh()
    window.show_library()
    qtbot.wait(50)  # queued change notices are delivered and handled
    assert guard.calls, "the journey reached the store through the services"
    assert not guard.violations, guard.violations
