"""Consent: the wording people agree to, and the rules for scopes and who is who.

Shared by the desktop app and the command line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from app.errors import InvalidInput
from app.models import SCOPES, Interview, Participant
from app.paths import resource


@cache
def consent_wording() -> str:
    """The wording as Markdown, without the version comment (a bundled, read-only file)."""
    try:
        text = resource("consent.md").read_text(encoding="utf-8")
    except OSError:
        return "The consent wording could not be found. Reinstall the app before recording."
    return re.sub(r"<!--.*?-->\s*", "", text, flags=re.S)


def check_scopes(scopes: Iterable[str]) -> list[str]:
    """The scopes, sorted and without repeats, or ``InvalidInput`` naming the unknown one.

    The only place consent scopes are validated: the store, the services and the export check
    all call it.
    """
    result = sorted(set(scopes))
    bad = [s for s in result if s not in SCOPES]
    if bad:
        raise InvalidInput(
            f"'{bad[0]}' is not a kind of consent this app knows.",
            f"Choose one of: {', '.join(SCOPES)}.",
        )
    return result


def find_participant(interview: Interview, who: str | int) -> Participant:
    """The participant given by role, id or name; a name two people share is refused."""
    if isinstance(who, str) and who.strip().isdigit():
        who = int(who.strip())
    for p in interview.participants:
        if who in (p.id, p.role):
            return p
    if isinstance(who, str):
        named = [p for p in interview.participants if p.name.casefold() == who.strip().casefold()]
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            ids = " or ".join(str(p.id) for p in named)
            raise InvalidInput(
                f"Both participants of interview {interview.id} are called '{named[0].name}'.",
                f"Say which by role (interviewer or interviewee) or by id ({ids}).",
            )
    names = " and ".join(f"'{p.name}'" for p in interview.participants)
    raise InvalidInput(
        f"'{who}' is not a participant of interview {interview.id}.",
        f"Use one of {names}, or a role: interviewer or interviewee.",
    )


def changed_scopes(
    current: Iterable[str], *, add: Iterable[str] = (), withdraw: Iterable[str] = ()
) -> list[str]:
    """What someone agrees to after adding and withdrawing scopes ("all" withdraws all)."""
    withdraw = list(withdraw)
    if "all" in withdraw:
        return check_scopes(add)
    result = (set(current) | set(check_scopes(add))) - set(check_scopes(withdraw))
    return sorted(result)
