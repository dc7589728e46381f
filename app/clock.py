"""How a position or a length of audio is shown to people: the one clock format."""

from __future__ import annotations

import math


def format_clock(seconds: float) -> str:
    """0:03, 12:40 or 1:02:05: minutes and seconds, hours only when needed."""
    if not math.isfinite(seconds):
        seconds = 0.0
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
