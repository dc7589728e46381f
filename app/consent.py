"""The consent wording people agree to, shared by the desktop app and the command line."""

from __future__ import annotations

import re
from functools import cache

from app.paths import resource


@cache
def consent_wording() -> str:
    """The wording as Markdown, without the version comment (a bundled, read-only file)."""
    try:
        text = resource("consent.md").read_text(encoding="utf-8")
    except OSError:
        return "The consent wording could not be found. Reinstall the app before recording."
    return re.sub(r"<!--.*?-->\s*", "", text, flags=re.S)
