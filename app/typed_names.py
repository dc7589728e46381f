"""The one set of rules for the names and titles people type.

A name ends up in captions, RSS feeds, Markdown front matter and one-line listings, so it must
be one line of visible text: control characters (a newline could start a fake caption cue, ESC
or \\x01 make an RSS feed invalid XML) and bidirectional overrides (which make text read
differently from how it is stored) are refused with a message; runs of spaces are folded into
one; lengths are bounded.
"""

from __future__ import annotations

import unicodedata

from app.errors import InvalidInput

MAX_NAME = 80
MAX_TITLE = 150
MAX_QUESTION = 400

#: Characters that reorder the text around them (embeddings, overrides, isolates).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
#: Breaks a title may hold when pasted; folded into a space (a name refuses them).
LINE_BREAKS = frozenset("\t\n\r\v\f\x85\u2028\u2029")


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    code = f"U+{ord(char):04X}"
    return f"{code} {name.title()}" if name else code


def _clean(text: str, *, what: str, limit: int, fold_breaks: bool, example: str) -> str:
    if not isinstance(text, str):
        raise InvalidInput(f"The {what} must be text.", example)
    text = unicodedata.normalize("NFC", text)
    for char in text:
        if char in LINE_BREAKS:
            if fold_breaks:
                continue
            raise InvalidInput(
                f"The {what} must be on one line (it holds a line break).",
                f"Type the {what} without pressing Enter, e.g. {example}.",
            )
        category = unicodedata.category(char)
        if category in ("Cc", "Cs") or char in BIDI_CONTROLS:
            raise InvalidInput(
                f"The {what} holds an invisible control character ({_describe(char)}).",
                f"Type the {what} again using letters, digits and punctuation, e.g. {example}.",
            )
    folded = " ".join(text.split())
    if not folded:
        raise InvalidInput(f"The {what} is empty.", f"Type a {what}, e.g. {example}.")
    if not any(unicodedata.category(c)[0] not in ("C", "Z", "M") for c in folded):
        raise InvalidInput(
            f"The {what} has no visible characters.", f"Type a {what}, e.g. {example}."
        )
    if len(folded) > limit:
        raise InvalidInput(
            f"The {what} is {len(folded)} characters long; the most is {limit}.",
            f"Shorten the {what}.",
        )
    return folded


def clean_name(text: str, *, what: str = "name") -> str:
    """A person's name, as one line of visible text (or ``InvalidInput`` saying why not)."""
    return _clean(text, what=what, limit=MAX_NAME, fold_breaks=False, example="Priya Shah")


def clean_title(text: str, *, what: str = "title") -> str:
    """A title: line breaks fold into spaces, other control characters are refused."""
    return _clean(
        text, what=what, limit=MAX_TITLE, fold_breaks=True, example="Switch access at work"
    )


def clean_question(text: str, *, what: str = "question") -> str:
    """A question as a heading: like a title, only longer."""
    return _clean(
        text,
        what=what,
        limit=MAX_QUESTION,
        fold_breaks=True,
        example="What are you working on?",
    )
