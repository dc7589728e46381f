"""The consent check that comes before writing an export (writing itself: app.atomic)."""

from __future__ import annotations

import shlex

from app.consent import check_scopes
from app.errors import ConsentMissing
from app.models import Interview, Participant

_SCOPE_WORDS = {
    "record": "being recorded",
    "publish-text": "publishing the text of this interview",
    "publish-audio": "publishing the audio of this interview",
}


def _names(people: list[str]) -> str:
    if len(people) == 1:
        return people[0]
    return ", ".join(people[:-1]) + " and " + people[-1]


def _who(interview: Interview, person: Participant) -> str:
    """How to name ``person`` on the command line: by role when the two share a name."""
    same = [p for p in interview.participants if p.name.casefold() == person.name.casefold()]
    return person.role if len(same) > 1 else shlex.quote(person.name)


def check_publish_consent(interview: Interview, *, scope: str = "publish-text") -> None:
    """Refuse (``ConsentMissing``) unless everyone in the interview agreed to ``scope``."""
    check_scopes([scope])
    missing = interview.missing_consent(scope)
    if not missing:
        return
    names = [p.name for p in missing]
    verb = "has" if len(names) == 1 else "have"
    raise ConsentMissing(
        f"{_names(names)} {verb} not agreed to {_SCOPE_WORDS.get(scope, scope)}.",
        f"Record their consent first, e.g. buddy-interviews consent {interview.id} "
        f"--participant {_who(interview, missing[0])} --add {scope}",
    )
