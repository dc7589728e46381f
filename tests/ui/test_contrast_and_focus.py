"""Colours people can read, the system's contrast wish honoured, a focus ring that always
shows, and nothing told by colour alone."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QWidget

from app.audio.levels import Level
from tests.ui.keyboard import Ctrl, activate, press
from tests.ui.test_accessibility import add_transcript
from tests.ui.test_screens import make
from ui import theme
from ui.level_meter import describe_level
from ui.main_window import MainWindow
from ui.theme import PALETTES, Colours
from ui.transcript_model import PAUSED_LABEL, PLAYING_LABEL, REDACTED_LABEL, Role

# -- WCAG 2.2 contrast ---------------------------------------------------------------------


def luminance(colour: str) -> float:
    """Relative luminance, as WCAG defines it (sRGB)."""
    c = QColor(colour)

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in (c.redF(), c.greenF(), c.blueF()))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_pairs(c: Colours) -> dict[str, tuple[str, str]]:
    """Text on the backgrounds it is drawn on: AA asks 4.5:1."""
    return {
        "text on window": (c.text, c.window),
        "text on fields": (c.text, c.base),
        "text on alternate rows": (c.text, c.alt_base),
        "button text": (c.button_text, c.button),
        "selected text": (c.highlighted_text, c.highlight),
        "muted text on window": (c.muted, c.window),
        "muted text on fields": (c.muted, c.base),
        "disabled button text": (c.muted, c.button),
        "banner text": (c.text, c.warning_bg),
        "links": (c.link, c.base),
    }


def component_pairs(c: Colours) -> dict[str, tuple[str, str]]:
    """Boundaries and indicators a control is recognised by: AA asks 3:1 (non-text)."""
    return {
        "focus ring on window": (c.focus, c.window),
        "focus ring on fields": (c.focus, c.base),
        "focus ring on buttons": (c.focus, c.button),
        "field borders": (c.border, c.window),
        "selection on fields": (c.highlight, c.base),
        "level bar on its background": (c.highlight, c.base),
    }


@pytest.mark.parametrize("name", list(PALETTES))
def test_every_theme_meets_wcag_aa(name: str) -> None:
    c = PALETTES[name]
    low = {k: round(contrast(*v), 2) for k, v in text_pairs(c).items() if contrast(*v) < 4.5}
    assert not low, f"{name}: text below 4.5:1: {low}"
    low = {k: round(contrast(*v), 2) for k, v in component_pairs(c).items() if contrast(*v) < 3}
    assert not low, f"{name}: controls below 3:1: {low}"


def test_high_contrast_goes_beyond_aa() -> None:
    c = PALETTES["high-contrast"]
    assert all(contrast(*pair) >= 7 for pair in text_pairs(c).values())  # AAA
    assert c.focus_width > PALETTES["light"].focus_width


def test_the_formula() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


# -- the system's wish ------------------------------------------------------------------------


def fake_hints(*, contrast_pref: Qt.ContrastPreference, scheme: Qt.ColorScheme) -> object:
    accessibility = SimpleNamespace(contrastPreference=lambda: contrast_pref)
    hints = SimpleNamespace(accessibility=lambda: accessibility, colorScheme=lambda: scheme)
    return SimpleNamespace(styleHints=lambda: hints)


def test_the_systems_contrast_preference_is_honoured(monkeypatch) -> None:
    hints = QApplication.styleHints()
    assert hasattr(hints, "accessibility"), "Qt >= 6.10 reports the contrast preference"
    high = fake_hints(contrast_pref=Qt.ContrastPreference.HighContrast, scheme=Qt.ColorScheme.Light)
    monkeypatch.setattr(theme, "QGuiApplication", high)
    assert theme.resolve("system") == "high-contrast"
    assert theme.resolve("light") == "light"  # a choice made in Settings wins
    dark = fake_hints(contrast_pref=Qt.ContrastPreference.NoPreference, scheme=Qt.ColorScheme.Dark)
    monkeypatch.setattr(theme, "QGuiApplication", dark)
    assert theme.resolve("system") == "dark"


def test_a_change_of_the_system_preference_applies_at_once(qtbot, window, monkeypatch) -> None:
    look = window.theme
    look.apply("system", 1.0)
    monkeypatch.setattr(
        theme,
        "QGuiApplication",
        fake_hints(contrast_pref=Qt.ContrastPreference.HighContrast, scheme=Qt.ColorScheme.Light),
    )
    QApplication.styleHints().accessibility().contrastPreferenceChanged.emit(
        Qt.ContrastPreference.HighContrast
    )
    assert look.effective == "high-contrast"
    assert QApplication.palette().window().color().name() == "#000000"


# -- the focus ring ---------------------------------------------------------------------------


def ring_share(image: QImage, colour: QColor, width: int) -> float:
    """Share of the pixels just inside the widget's edge that are the focus colour."""
    w, h = image.width(), image.height()
    inset = max(1, width // 2)
    points = [(x, y) for x in range(8, w - 8) for y in (inset, h - 1 - inset)]
    points += [(x, y) for y in range(8, h - 8) for x in (inset, w - 1 - inset)]

    def near(p: QColor) -> bool:
        pairs = zip(p.getRgb()[:3], colour.getRgb()[:3], strict=True)
        return all(abs(a - b) <= 24 for a, b in pairs)

    return sum(near(image.pixelColor(x, y)) for x, y in points) / max(1, len(points))


def focus_targets(window: MainWindow, interview_id: int) -> dict[str, tuple[QWidget, object]]:
    """(widget, how to show its screen) for each kind of control the app uses."""
    return {
        "push button": (window.library.new_button, window.show_library),
        "line edit": (window.library.search, window.show_library),
        "table": (window.library.table, window.show_library),
        "combo box": (window.new_interview.script, window.show_new_interview),
        "check box": (
            window.new_interview.consent.participants["interviewer"].boxes["record"],
            window.show_new_interview,
        ),
        "text view": (window.new_interview.preview, window.show_new_interview),
        "notes": (window.interview.notes, lambda: window.show_interview(interview_id)),
        "big button": (window.interview.next_button, lambda: window.show_interview(interview_id)),
        "tool button": (
            window.transcript.play_bar.widgetForAction(window.transcript.play_action),
            lambda: window.show_transcript(interview_id),
        ),
        "transcript": (window.transcript.view, lambda: window.show_transcript(interview_id)),
    }


@pytest.mark.parametrize("name", list(PALETTES))
def test_focus_is_visible_in_every_theme(qtbot, window, services, name: str) -> None:
    # Windows of earlier tests wait for a deferred delete that no event loop ran; each theme
    # change would restyle all of them. Let them go first.
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    interview = make(services)
    add_transcript(services, interview.id)
    window.theme.apply(name, 1.0)
    activate(qtbot, window)
    colours = PALETTES[name]
    focus = QColor(colours.focus)
    missing = []
    for kind, (widget, show) in focus_targets(window, interview.id).items():
        show()
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(lambda w=widget: w.hasFocus(), timeout=2000)
        with_focus = ring_share(widget.grab().toImage(), focus, colours.focus_width)
        window.menuBar().setFocus()  # somewhere else, to see the ring go
        without = ring_share(widget.grab().toImage(), focus, colours.focus_width)
        if with_focus < 0.85 or without > 0.5:
            missing.append(f"{kind}: ring {with_focus:.0%} with focus, {without:.0%} without")
    window.theme.apply("light", 1.0)
    assert not missing, f"{name}: {missing}"


# -- never by colour alone --------------------------------------------------------------------


def test_states_are_said_in_words_and_shapes(qtbot, window, services) -> None:
    # The level meter: words beside the bar, and a hatch (not red) when clipping.
    loud = Level(rms_db=-1.0, peak_db=0.0, clipping=True)
    assert describe_level(loud).startswith("Too loud")
    window.interview.meter.set_level(loud)
    assert window.interview.meter.text.text().startswith("Too loud")
    # The recording state: a word next to its symbol, never a red dot alone.
    interview = make(services)
    add_transcript(services, interview.id)
    window.show_interview(interview.id)
    screen = window.interview
    activate(qtbot, window)
    press(Qt.Key.Key_R, Ctrl)
    qtbot.waitUntil(lambda: screen.session.state == "recording", timeout=5000)
    assert screen.state_label.text() == "● Recording"
    press(Qt.Key.Key_P, Ctrl)
    assert screen.state_label.text() == "❚❚ Paused"
    press(Qt.Key.Key_E, Ctrl)
    qtbot.waitUntil(lambda: screen.session.state == "stopped", timeout=10_000)
    assert screen.state_label.text() == "Stopped: take saved"
    # Transcript rows: playing and redacted are words in the row, and in what is read aloud.
    window.show_transcript(interview.id)
    editor = window.transcript
    editor.view.setCurrentIndex(editor.model.index(editor.model.row_of_segment(1)))
    editor.toggle_redact()
    row = editor.model.index(editor.model.row_of_segment(1))
    assert ", redacted:" in row.data(Qt.ItemDataRole.AccessibleTextRole)
    assert REDACTED_LABEL in row.data(Role.META)
    assert row.data(Role.LOOK).redacted  # painted struck through as well
    editor.model.set_playing(0, active=True)
    playing = editor.model.index(editor.model.row_of_segment(0))
    assert PLAYING_LABEL in playing.data(Role.META)
    editor.model.set_playing(0, active=False)
    assert PAUSED_LABEL in playing.data(Role.META)
