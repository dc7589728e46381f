"""The consent check that comes before writing an export (writing itself: app.atomic)."""

from __future__ import annotations

import shlex

from app.errors import ConsentMissing, InvalidInput
from app.models import SCOPES, Interview

_SCOPE_WORDS = {
    "record": "being recorded",
    "publish-text": "publishing the text of this interview",
    "publish-audio": "publishing the audio of this interview",
}


def _names(people: list[str]) -> str:
    if len(people) == 1:
        return people[0]
    return ", ".join(people[:-1]) + " and " + people[-1]


def check_publish_consent(interview: Interview, *, scope: str = "publish-text") -> None:
    """Refuse (``ConsentMissing``) unless everyone in the interview agreed to ``scope``."""
    if scope not in SCOPES:
        raise InvalidInput(
            f"'{scope}' is not a kind of consent this app knows.",
            f"Choose one of: {', '.join(SCOPES)}.",
        )
    missing = interview.missing_consent(scope)
    if not missing:
        return
    names = [p.name for p in missing]
    verb = "has" if len(names) == 1 else "have"
    raise ConsentMissing(
        f"{_names(names)} {verb} not agreed to {_SCOPE_WORDS.get(scope, scope)}.",
        f"Record their consent first, e.g. buddy-interviews consent {interview.id} "
        f"--participant {shlex.quote(names[0])} --scope {scope}",
    )
