"""Plain, correct words for counts and durations, shared by the CLI and the window.

One helper so that no screen says "1 seconds", "take(s)" or "segments" again.
"""

from __future__ import annotations

from collections.abc import Sequence

#: Plurals that adding "s" gets wrong.
_IRREGULAR = {"person": "people", "child": "children", "entry": "entries", "copy": "copies"}


def plural(n: int, word: str, many: str | None = None) -> str:
    """``plural(1, "take")`` -> "1 take"; ``plural(3, "take")`` -> "3 takes"."""
    if n == 1:
        return f"1 {word}"
    return f"{n} {many or _IRREGULAR.get(word) or word + 's'}"


def duration(seconds: float) -> str:
    """A length of time as people say it: "1 second", "45 seconds", "2 minutes 5 seconds"."""
    whole = max(0, round(seconds))
    if whole < 60:
        return plural(whole, "second")
    minutes, rest = divmod(whole, 60)
    if minutes >= 60:
        hours, minutes = divmod(minutes, 60)
        return (
            f"{plural(hours, 'hour')} {plural(minutes, 'minute')}"
            if minutes
            else plural(hours, "hour")
        )
    return (
        f"{plural(minutes, 'minute')} {plural(rest, 'second')}"
        if rest
        else plural(minutes, "minute")
    )


def join_names(names: Sequence[str]) -> str:
    """ "Sam", "Sam and Priya", "Sam, Priya and Jo"."""
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def has_or_have(names: Sequence[str]) -> str:
    return "has" if len(names) == 1 else "have"
