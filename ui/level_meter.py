"""A microphone level meter that says in words what the bar shows.

The bar alone would rely on sight and colour; the label beside it reads "Good level",
"Too quiet" or "Too loud (clipping)" and the same text is the accessible description.
Loudness is judged on the voice only (``app.audio.levels``): with nobody talking there is
nothing to judge, and the check asks for a few words instead of blaming the microphone.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from app.audio.levels import QUIET_DBFS, Level

#: The bar spans this range; speech usually sits between -30 and -10 dBFS.
LOW_DB = -60.0
#: Above this the voice is loud enough; between QUIET_DBFS and this we suggest moving closer.
GOOD_DB = -40.0
#: After this long with no voice at all, the check also asks whether the microphone is on.
NOTHING_HEARD_S = 10.0

SAY_SOMETHING = "Say something to test"


def describe_level(level: Level | None, *, checking: bool = True) -> str:
    """The level in words. ``checking``: the microphone check (which asks for words);
    otherwise a recording, where silence between turns is normal."""
    if level is None:
        return "No sound yet"
    if level.clipping:
        return "Too loud (clipping): move the microphone back or speak more softly"
    if level.too_quiet:
        return "Too quiet: check the microphone is on and move closer"
    if level.speech:
        return "Quiet: speak up or move closer" if level.speech_db < GOOD_DB else "Good level"
    if not level.judged:
        return "Listening…"
    if not checking:
        return "No one is speaking"
    if level.since_speech_s >= NOTHING_HEARD_S:
        return f"{SAY_SOMETHING}: no voice heard yet. Is the microphone on and not muted?"
    return SAY_SOMETHING


class LevelBar(QWidget):
    """The painted bar: RMS as the filled part, peak as a tick."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rms_db = LOW_DB
        self.peak_db = LOW_DB
        self.clipping = False
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Input level bar")

    def sizeHint(self) -> QSize:
        # Height follows the text size so the bar grows with the text scale.
        return QSize(240, int(self.fontMetrics().height() * 1.4))

    def set_level(self, rms_db: float, peak_db: float, clipping: bool) -> None:
        self.rms_db, self.peak_db, self.clipping = rms_db, peak_db, clipping
        self.update()

    @staticmethod
    def _fraction(db: float) -> float:
        return max(0.0, min(1.0, (db - LOW_DB) / -LOW_DB))

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        pal = self.palette()
        rect = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        p.fillRect(rect, pal.color(QPalette.ColorRole.Base))
        filled = QRectF(rect)
        filled.setWidth(rect.width() * self._fraction(self.rms_db))
        p.fillRect(filled, pal.color(QPalette.ColorRole.Highlight))
        if self.clipping:
            # A hatch, not a colour change: visible to people who do not see red.
            p.fillRect(filled, Qt.BrushStyle.BDiagPattern)
        pen = QPen(pal.color(QPalette.ColorRole.Text))
        pen.setWidth(2)
        p.setPen(pen)
        x = rect.left() + rect.width() * self._fraction(self.peak_db)
        p.drawLine(int(x), int(rect.top()), int(x), int(rect.bottom()))
        # Ticks at the "quiet" and "good" thresholds, so the bar can be read against them.
        pen.setWidth(1)
        pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        for db in (QUIET_DBFS, GOOD_DB):
            tx = rect.left() + rect.width() * self._fraction(db)
            p.drawLine(int(tx), int(rect.top()), int(tx), int(rect.bottom()))
        p.setPen(QPen(pal.color(QPalette.ColorRole.Text)))
        p.drawRect(rect)
        p.end()


class LevelMeter(QWidget):
    """Bar plus words. ``set_level(None)`` resets it."""

    def __init__(self, parent: QWidget | None = None, *, name: str = "Input level") -> None:
        super().__init__(parent)
        self.bar = LevelBar()
        self.text = QLabel(describe_level(None))
        self.text.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar, 2)
        layout.addWidget(self.text, 3)
        self.set_name(name)
        self.level: Level | None = None
        #: True for the microphone check, False while recording (see describe_level).
        self.checking = True

    def set_name(self, name: str) -> None:
        """What a screen reader calls this meter (two meters on a call: you, the call)."""
        self.setAccessibleName(name)
        self.text.setAccessibleName(name)
        self.bar.setAccessibleName(f"{name} bar")

    def set_level(self, level: Level | None) -> None:
        self.level = level
        if level is None:
            self.bar.set_level(LOW_DB, LOW_DB, False)
        else:
            self.bar.set_level(level.rms_db, level.peak_db, level.clipping)
        words = describe_level(level, checking=self.checking)
        shown = words if level is None else f"{words} ({level.rms_db:.0f} dB)"
        if self.text.text() != shown:
            self.text.setText(shown)
            self.bar.setAccessibleDescription(words)

    @property
    def words(self) -> str:
        return describe_level(self.level, checking=self.checking)
