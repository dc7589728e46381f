"""Fixtures for the desktop app's tests: a private home folder, the real core, the real window.

Qt renders offscreen (set before any Qt import). Audio hardware is the only thing replaced: a
fake input stream feeds the real Recorder samples from a file, paced by its own thread.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile
from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from app.audio.devices import InputDevice
from app.services import Services
from ui import dialogs, errors, theme
from ui.main_window import MainWindow

TESTDATA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata"
INTERVIEW_WAV = TESTDATA / "buddy-interview.wav"
INTERVIEW_TRUTH = TESTDATA / "buddy-interview.truth.json"

FAKE_DEVICE = InputDevice(
    index=0, name="Test microphone", hostapi="Test", channels=1, default_samplerate=16000.0,
    is_default=True,
)  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # pytest-qt captures Qt messages through a Python message handler. Qt Multimedia's FFmpeg
    # threads log from C++ while the main thread, holding the GIL, waits for them (destroying
    # a QMediaPlayer inside qWaitForWindowExposed): the handler then needs the GIL and the
    # suite deadlocks. Seen here; so no Python handler at all. The app installs none either.
    for item in items:
        if "tests/ui/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.no_qt_log)


@pytest.fixture(autouse=True)
def _delete_closed_widgets(qapp: QApplication) -> None:
    """pytest-qt deleteLater()s each test's widgets, but without an event loop between tests
    they would pile up (~300 a window) and every later theme change would restyle them all."""
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture(scope="session", autouse=True)
def _private_qsettings(tmp_path_factory: pytest.TempPathFactory) -> None:
    # Window geometry goes to QSettings: keep the tests out of the real user's config.
    QCoreApplication.setOrganizationName("Buddy Interviews Tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat,
        QSettings.Scope.UserScope,
        str(tmp_path_factory.mktemp("qsettings")),
    )


# home, ctx and services come from tests/conftest.py.


class FakeInputStream:
    """The part of sounddevice.InputStream the recorder and the mic check use.

    A thread calls the callback with consecutive blocks of ``samples`` (looping), about ten
    times faster than real time, until stopped; ``vanish()`` stops the callbacks without
    telling anyone, like an unplugged USB microphone.
    """

    def __init__(self, samples: np.ndarray, *, callback: Callable, samplerate: int,
                 blocksize: int = 1600, speed: float = 10.0, **_: object) -> None:  # fmt: skip
        self.samples = samples.astype("float32").reshape(-1, 1)
        self.callback = callback
        self.blocksize = blocksize
        self.pause_s = blocksize / samplerate / speed
        self._stop = threading.Event()
        self._gone = threading.Event()
        self._thread: threading.Thread | None = None
        self.active = False

    def start(self) -> None:
        self.active = True
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        status = type("Status", (), {"input_overflow": False})()
        pos = 0
        while not self._stop.is_set() and not self._gone.is_set():
            block = self.samples[pos : pos + self.blocksize]
            if len(block) < self.blocksize:
                pos = 0
                continue
            pos += self.blocksize
            self.callback(block, len(block), None, status)
            self._stop.wait(self.pause_s)  # paces the fake device, not the test

    def vanish(self) -> None:
        self._gone.set()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
        self.active = False

    def close(self) -> None:
        self.stop()


class FakeMicrophone:
    """A stream factory that remembers the streams it made."""

    def __init__(self, samples: np.ndarray) -> None:
        self.samples = samples
        self.streams: list[FakeInputStream] = []

    def __call__(self, **kwargs: object) -> FakeInputStream:
        stream = FakeInputStream(self.samples, **kwargs)  # type: ignore[arg-type]
        self.streams.append(stream)
        return stream


@pytest.fixture
def microphone() -> FakeMicrophone:
    if INTERVIEW_WAV.exists():
        samples, _rate = soundfile.read(INTERVIEW_WAV, dtype="float32")
    else:  # a tone is enough for the level meter
        t = np.arange(16000 * 5) / 16000
        samples = (0.3 * np.sin(2 * np.pi * 220 * t)).astype("float32")
    return FakeMicrophone(samples)


@pytest.fixture
def window(
    qtbot, request: pytest.FixtureRequest, services: Services, microphone: FakeMicrophone
) -> Iterator[MainWindow]:
    # Live transcription loads a model and transcribes every take; only tests that are about
    # it (marked live_transcription) pay for that, the others record as with the setting off.
    if request.node.get_closest_marker("live_transcription") is None:
        services.ctx.settings.live_transcription = False
    app = QApplication.instance()
    look = theme.install(app, theme="light", scale=1.0)
    win = MainWindow(services, theme=look, stream_factory=microphone, input_device=FAKE_DEVICE)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    for box in list(dialogs.open_questions) + list(errors.shown):
        box.done(0)
    win.shutdown()


def answer(qtbot, text: str, *, timeout: int = 5000) -> None:
    """Click ``text`` in the newest open question, as the user would."""
    qtbot.waitUntil(lambda: bool(dialogs.open_questions), timeout=timeout)
    box = dialogs.open_questions[-1]
    dialogs.button(box, text).click()


def shown_errors() -> list[QMessageBox]:
    return list(errors.shown)


def write_markers(tmp_path: Path) -> Path:
    truth = json.loads(INTERVIEW_TRUTH.read_text())
    path = tmp_path / "markers.json"
    path.write_text(json.dumps({"markers": truth["markers"], "questions": truth["questions"]}))
    return path


def wait_task(qtbot, task, timeout: int = 60_000) -> None:
    qtbot.waitUntil(lambda: task.is_done, timeout=timeout)
