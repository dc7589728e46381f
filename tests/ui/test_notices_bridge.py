"""The Qt bridge delivers change notices on the main thread, whoever published them."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from app.notices import Change, Notices
from ui.notices import NoticeBridge


def test_a_notice_from_a_worker_arrives_on_the_main_thread(qtbot) -> None:
    hub = Notices()
    bridge = NoticeBridge(hub)
    threads: list[object] = []
    bridge.changed.connect(lambda _c: threads.append(QThread.currentThread()))
    with qtbot.waitSignal(bridge.changed, timeout=5000) as blocker:
        worker = threading.Thread(target=lambda: hub.publish(Change("transcript", 7)))
        worker.start()
        worker.join()
    assert blocker.args == [Change("transcript", 7)]
    assert threads == [QApplication.instance().thread()]
    bridge.close()
    assert len(hub) == 0
