"""The one way to run core work off the UI thread.

Core functions know nothing of Qt: they take plain callables ``on_progress(fraction)`` and
``should_cancel() -> bool``. ``run_task`` hands them those callables, runs the function on a
pool thread and turns whatever happens into signals that arrive on the main thread, so the
background function never touches a widget and widgets never block on I/O.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.errors import Cancelled

log = logging.getLogger(__name__)

#: Progress is forwarded at most this often: engines may report per token, and a flood of
#: queued signals would itself stall the event loop.
_PROGRESS_INTERVAL_S = 0.05

#: Tasks alive right now; holding them here keeps their QObject alive until ``done``.
_running: set[Task] = set()


class Task(QObject):
    """A handle on one piece of background work. Signals arrive on the main thread."""

    #: Fraction 0..1 of the work done.
    progress = Signal(float)
    #: The function's return value.
    succeeded = Signal(object)
    #: The exception raised (never ``Cancelled``: that is ``cancelled``).
    failed = Signal(object)
    cancelled = Signal()
    #: Always emitted last, whatever the outcome.
    done = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._cancel = threading.Event()
        self._last_progress_at = 0.0
        self.result: Any = None
        self.error: BaseException | None = None
        self.finished_ok = False
        self.is_done = False
        self.started_at = time.monotonic()

    # -- called from the UI --------------------------------------------------------------

    def cancel(self) -> None:
        """Ask the work to stop; it stops at its next ``should_cancel()`` check."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    # -- handed to the core function (called on the worker thread) -----------------------

    def should_cancel(self) -> bool:
        return self._cancel.is_set()

    def report_progress(self, fraction: float) -> None:
        now = time.monotonic()
        if fraction < 1.0 and now - self._last_progress_at < _PROGRESS_INTERVAL_S:
            return
        self._last_progress_at = now
        self.progress.emit(max(0.0, min(1.0, float(fraction))))

    # -- outcome bookkeeping (main thread) ------------------------------------------------

    def _on_done(self) -> None:
        self.is_done = True
        _running.discard(self)


class _Runner(QRunnable):
    def __init__(self, task: Task, fn: Callable[..., Any], progress: bool) -> None:
        super().__init__()
        self.task = task
        self.fn = fn
        self.progress = progress
        self.setAutoDelete(True)

    def run(self) -> None:  # worker thread: no widgets here, only signals
        task = self.task
        try:
            if self.progress:
                result = self.fn(on_progress=task.report_progress, should_cancel=task.should_cancel)
            else:
                result = self.fn()
        except Cancelled:
            task.cancelled.emit()
        except BaseException as exc:  # every failure must reach the UI, never kill the pool
            task.error = exc
            log.debug("Task %s failed", task.name, exc_info=True)
            task.failed.emit(exc)
        else:
            task.result = result
            task.finished_ok = True
            task.succeeded.emit(result)
        finally:
            task.done.emit()


_heavy_pool: QThreadPool | None = None


def pool(*, heavy: bool = False) -> QThreadPool:
    """The global pool for short work; a single thread for heavy work, so two transcriptions
    never fight over the same cores and short jobs (imports, device lists) never wait behind
    one.

    Lowering that thread's priority was measured and rejected: while it holds the GIL, a
    descheduled low-priority thread stalled the UI for up to a second under load.
    """
    global _heavy_pool
    if not heavy:
        return QThreadPool.globalInstance()
    if _heavy_pool is None:
        _heavy_pool = QThreadPool()
        _heavy_pool.setMaxThreadCount(1)
        _heavy_pool.setExpiryTimeout(-1)
    return _heavy_pool


def run_task(
    name: str,
    fn: Callable[..., Any],
    *,
    progress: bool = False,
    heavy: bool = False,
    on_success: Callable[[Any], None] | None = None,
    on_failure: Callable[[BaseException], None] | None = None,
    on_progress: Callable[[float], None] | None = None,
    on_cancelled: Callable[[], None] | None = None,
    on_done: Callable[[], None] | None = None,
) -> Task:
    """Run ``fn`` on a pool thread.

    With ``progress=True`` it is called as ``fn(on_progress=..., should_cancel=...)``,
    otherwise with no arguments (bind arguments with a lambda or functools.partial).
    ``heavy=True`` is for minutes of CPU work (transcription): one such job at a time.
    The callbacks run on the main thread. Connect before the work can finish: that is why
    they are parameters here rather than left to the caller after start.
    """
    task = Task(name)
    # Connections are made on the main thread to a main-thread object, so Qt queues every
    # emit from the worker back here.
    if on_progress is not None:
        task.progress.connect(on_progress)
    if on_success is not None:
        task.succeeded.connect(on_success)
    if on_failure is not None:
        task.failed.connect(on_failure)
    if on_cancelled is not None:
        task.cancelled.connect(on_cancelled)
    if on_done is not None:
        task.done.connect(on_done)
    task.done.connect(task._on_done)
    _running.add(task)
    pool(heavy=heavy).start(_Runner(task, fn, progress))
    return task


def running_tasks() -> list[Task]:
    return list(_running)


def wait_all(timeout_ms: int = 30_000) -> bool:
    """Block until the pool is idle (used at shutdown so no worker outlives the database)."""
    ok = pool().waitForDone(timeout_ms)
    return (_heavy_pool is None or _heavy_pool.waitForDone(timeout_ms)) and ok
