"""Look and feel: light, dark and high-contrast palettes, text size and a visible focus ring.

Text sizes are derived from the system font times ``settings.text_scale`` and nothing sets a
pixel size for text, so every screen grows with it (layouts do the rest). The focus ring is a
thicker border, not just a colour, so it shows for people who cannot tell the colours apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from app.paths import resource
from app.settings import THEMES

#: How much bigger the current question is than body text: readable from across a table.
QUESTION_SCALE = 1.7
HEADING_SCALE = 1.3
#: Live captions: large, white on black (21:1) in every theme, like broadcast captions.
CAPTION_SCALE = 1.6
#: Smallest and largest text scale the settings offer.
MIN_SCALE, MAX_SCALE = 0.8, 3.0
#: Smallest button in pixels, whatever the text size: WCAG 2.5.5 target size, and what a shaky
#: hand, a head pointer or an eye-gaze dwell can hit.
MIN_TARGET_PX = 44


@dataclass(frozen=True)
class Colours:
    window: str
    text: str
    base: str
    alt_base: str
    button: str
    button_text: str
    highlight: str
    highlighted_text: str
    border: str
    focus: str
    muted: str
    warning_bg: str
    link: str
    arrow: str = "dark"  # which resources/icons/arrow-down-*.svg suits the background
    focus_width: int = 3


LIGHT = Colours(
    window="#f4f4f2", text="#1a1a1a", base="#ffffff", alt_base="#ecece8", button="#e6e6e2",
    button_text="#1a1a1a", highlight="#1d4ed8", highlighted_text="#ffffff", border="#6b6b6b",
    focus="#1d4ed8", muted="#4a4a4a", warning_bg="#fff3c4", link="#1d4ed8",
)  # fmt: skip
DARK = Colours(
    window="#1f1f22", text="#f0f0f0", base="#2a2a2e", alt_base="#333338", button="#3a3a40",
    button_text="#f0f0f0", highlight="#8ab4f8", highlighted_text="#101010", border="#a0a0a0",
    focus="#8ab4f8", muted="#c8c8c8", warning_bg="#4a3b00", link="#8ab4f8", arrow="light",
)  # fmt: skip
HIGH_CONTRAST = Colours(
    window="#000000", text="#ffffff", base="#000000", alt_base="#111111", button="#000000",
    button_text="#ffffff", highlight="#ffff00", highlighted_text="#000000", border="#ffffff",
    focus="#ffff00", muted="#ffffff", warning_bg="#000000", link="#00ffff", focus_width=4,
    arrow="yellow",
)  # fmt: skip

PALETTES = {"light": LIGHT, "dark": DARK, "high-contrast": HIGH_CONTRAST}


def system_prefers() -> str:
    """The theme the operating system asks for, as far as Qt can tell."""
    hints = QGuiApplication.styleHints()
    accessibility = hints.accessibility() if hasattr(hints, "accessibility") else None
    if (
        accessibility is not None
        and accessibility.contrastPreference() == Qt.ContrastPreference.HighContrast
    ):
        return "high-contrast"
    if hints.colorScheme() == Qt.ColorScheme.Dark:
        return "dark"
    return "light"


def resolve(theme: str) -> str:
    if theme not in THEMES:
        theme = "system"
    return system_prefers() if theme == "system" else theme


def _palette(c: Colours) -> QPalette:
    p = QPalette()
    role = QPalette.ColorRole
    for r, value in (
        (role.Window, c.window),
        (role.WindowText, c.text),
        (role.Base, c.base),
        (role.AlternateBase, c.alt_base),
        (role.Text, c.text),
        (role.Button, c.button),
        (role.ButtonText, c.button_text),
        (role.Highlight, c.highlight),
        (role.HighlightedText, c.highlighted_text),
        (role.ToolTipBase, c.base),
        (role.ToolTipText, c.text),
        (role.PlaceholderText, c.muted),
        (role.Link, c.link),
        (role.BrightText, c.focus),
    ):
        p.setColor(r, QColor(value))
    # Disabled text stays readable (contrast) but is also marked by the widgets' own state.
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, r, QColor(c.muted))
    return p


def _button_sizes(em_px: float, ring_px: int = 3) -> tuple[float, float, float]:
    """Content-box minimums (height, big height, width) in px for buttons whose padding is
    0.35em x 0.9em plus a border as wide as the focus ring: grow with the text, never below
    MIN_TARGET_PX in total."""
    height = max(1.6 * em_px, MIN_TARGET_PX - 0.7 * em_px - 2 * ring_px)
    big = max(2.6 * em_px, height)
    width = max(0.0, MIN_TARGET_PX - 1.8 * em_px - 2 * ring_px)
    return height, big, width


def _ring_box(border_px: int, ring_px: int, pad_v: float, pad_h: float) -> str:
    """Border plus padding that always add up to the focus ring plus the padding.

    A ring thicker than the resting border would otherwise take its room from the label
    inside (layouts size widgets without the focus): "Check microphone" lost its last
    letters the moment it had the focus. The padding gives back what the border takes.
    """
    extra = ring_px - border_px
    return f"padding: {pad_v + extra:.0f}px {pad_h + extra:.0f}px;"


def stylesheet(c: Colours, point_size: float, em_px: float | None = None) -> str:
    fw = c.focus_width
    # Style-sheet "em" is the font's line height; measured when not given.
    em = em_px if em_px is not None else point_size * 96 / 72 * 1.15
    button_h, big_h, button_w = _button_sizes(em, fw)
    # Padding in px (not em) so the border-plus-padding sums below are exact.
    pad_v, pad_h, pad_in = 0.35 * em, 0.9 * em, 0.2 * em
    rest, hover, ring = (_ring_box(b, fw, pad_v, pad_h) for b in (1, 2, fw))
    rest_in, ring_in = (_ring_box(b, fw, pad_in, pad_in) for b in (1, fw))
    # Only when needed: a min-width of 0 would let layouts squeeze a button below its text.
    min_width = f" min-width: {button_w:.0f}px;" if button_w >= 1 else ""
    # A drawn arrow: once the drop-down is styled, Qt no longer paints its own.
    arrow = resource("icons", f"arrow-down-{c.arrow}.svg").as_posix()
    # A tick box that grows with the text and shows in every theme: Fusion's own is a fixed,
    # faint square (invisible on black). The tick is drawn, in the text's colour.
    check = resource("icons", f"check-{c.arrow}.svg").as_posix()
    question = point_size * QUESTION_SCALE
    heading = point_size * HEADING_SCALE
    return f"""
QPushButton, QToolButton {{
    background: {c.button}; color: {c.button_text};
    border: 1px solid {c.border}; border-radius: 4px;
    {rest} min-height: {button_h:.0f}px;{min_width}
}}
QPushButton:hover, QToolButton:hover {{ border: 2px solid {c.text}; {hover} }}
QPushButton:pressed, QToolButton:pressed, QToolButton:checked {{
    background: {c.highlight}; color: {c.highlighted_text};
}}
QPushButton:disabled, QToolButton:disabled {{ border-style: dashed; }}
QPushButton[role="big"] {{ min-height: {big_h:.0f}px; min-width: 6em; font-weight: bold; }}
QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QSpinBox, QDoubleSpinBox,
QAbstractItemView {{
    border: 1px solid {c.border}; border-radius: 3px; {rest_in}
    background: {c.base}; color: {c.text};
}}
QAbstractItemView[role="popup"], QComboBox QAbstractItemView {{
    /* Drop-down and auto-complete lists: Qt sizes them for their rows alone. */
    padding: 0; border-width: 1px;
}}
QComboBox::drop-down {{
    subcontrol-origin: padding; subcontrol-position: center right; width: 1.4em;
    border: none; border-left: 1px solid {c.border};
}}
QComboBox::down-arrow {{ image: url({arrow}); width: 0.7em; height: 0.5em; }}
QHeaderView {{ border: none; padding: 0; }}
QHeaderView::section {{
    background: {c.button}; color: {c.button_text}; padding: 0.2em 0.4em;
    border: none; border-right: 1px solid {c.border}; border-bottom: 1px solid {c.border};
    font-weight: bold;
}}
QCheckBox, QRadioButton {{ padding: 0.2em; border: {fw}px solid transparent; }}
QCheckBox::indicator {{
    width: 0.9em; height: 0.9em; border: 2px solid {c.text}; border-radius: 2px;
    background: {c.base};
}}
QCheckBox::indicator:checked {{ image: url({check}); }}
QCheckBox::indicator:disabled {{ border-style: dashed; }}
QCheckBox:focus, QRadioButton:focus, QSlider:focus,
QTabBar::tab:focus, QScrollArea:focus {{
    border: {fw}px solid {c.focus};
}}
QPushButton:focus, QToolButton:focus {{ border: {fw}px solid {c.focus}; {ring} }}
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus, QComboBox:focus, QSpinBox:focus,
QDoubleSpinBox:focus, QAbstractItemView:focus {{
    border: {fw}px solid {c.focus}; {ring_in}
}}
QSlider {{ border: {fw}px solid transparent; }}
QLabel[role="question"] {{ font-size: {question:.1f}pt; font-weight: bold; }}
QLabel[role="heading"] {{ font-size: {heading:.1f}pt; font-weight: bold; }}
QLabel[role="muted"] {{ color: {c.muted}; }}
QLabel[role="captions"] {{
    font-size: {point_size * CAPTION_SCALE:.1f}pt; font-weight: bold;
    background: #000000; color: #ffffff; padding: 0.3em; border-radius: 4px;
}}
QLabel[role="banner"], QFrame[role="banner"] {{
    background: {c.warning_bg}; color: {c.text};
    border: 2px solid {c.text}; border-radius: 4px; padding: 0.4em;
}}
QProgressBar {{ border: 1px solid {c.border}; text-align: center; min-height: 1.4em; }}
QProgressBar::chunk {{ background: {c.highlight}; }}
QToolTip {{ background: {c.base}; color: {c.text}; border: 1px solid {c.border}; }}
QScrollBar {{ background: {c.base}; border: 1px solid {c.border}; }}
QScrollBar:vertical {{ width: 0.9em; }}
QScrollBar:horizontal {{ height: 0.9em; }}
QScrollBar::handle {{ background: {c.border}; border: 2px solid {c.base}; }}
QScrollBar::handle:hover {{ background: {c.text}; }}
QScrollBar::handle:vertical {{ min-height: 2em; }}
QScrollBar::handle:horizontal {{ min-width: 2em; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; border: none; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
"""


class Theme(QObject):
    """Applies a theme and text scale to the whole application and re-applies on change."""

    changed = Signal(str)

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.app = app
        # The system size is read once: after we change the app font it would compound.
        base = app.font().pointSizeF()
        self.base_point_size = base if base > 0 else 10.0
        self.theme = "system"
        self.scale = 1.0
        self.effective = "light"
        hints = QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(self._system_changed)
        if hasattr(hints, "accessibility"):
            hints.accessibility().contrastPreferenceChanged.connect(self._system_changed)

    @property
    def colours(self) -> Colours:
        return PALETTES[self.effective]

    @property
    def point_size(self) -> float:
        return self.base_point_size * self.scale

    def apply(self, theme: str | None = None, scale: float | None = None) -> str:
        if theme is not None:
            self.theme = theme
        if scale is not None:
            self.scale = max(MIN_SCALE, min(MAX_SCALE, float(scale)))
        self.effective = resolve(self.theme)
        self.app.setStyle("Fusion")  # the native styles ignore parts of the palette
        font = QFont(self.app.font())
        font.setPointSizeF(self.point_size)
        self.app.setFont(font)
        colours = self.colours
        self.app.setPalette(_palette(colours))
        em_px = QFontMetrics(font).height()
        self.app.setStyleSheet(stylesheet(colours, self.point_size, em_px))
        self.changed.emit(self.effective)
        return self.effective

    def _system_changed(self, *_args: object) -> None:
        if self.theme == "system":
            self.apply()


_theme: Theme | None = None


def install(app: QApplication, *, theme: str, scale: float) -> Theme:
    global _theme
    if _theme is None or _theme.app is not app:
        _theme = Theme(app)
    _theme.apply(theme, scale)
    return _theme


def current() -> Theme | None:
    return _theme
