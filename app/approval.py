"""Approval of a post's final text: which version each participant approved, and what changed.

The approved version is named by the sha256 of the post as Markdown without its date (the date
in the front matter changes every day; the words do not), so that any change of title, intro,
summary, tags, headings, quote or transcript text makes the approval stale.
"""

from __future__ import annotations

import difflib
import hashlib
import shlex
from dataclasses import dataclass
from datetime import datetime

from app.errors import ApprovalMissing, ApprovalOutdated
from app.models import Interview
from app.store.post_store import Approval


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def changes(old: str, new: str) -> str:
    """What changed between the approved text and now, as a unified diff."""
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile="approved",
            tofile="now",
        )
    )


@dataclass
class ApprovalState:
    participant_id: int
    name: str
    #: "approved" (this very text), "changed" (an older text) or "missing".
    state: str
    approved_at: datetime | None
    changes: str = ""


def approval_states(
    interview: Interview, text: str, approvals: dict[int, Approval]
) -> list[ApprovalState]:
    digest = text_hash(text)
    result = []
    for person in interview.participants:
        assert person.id is not None
        found = approvals.get(person.id)
        if found is None:
            result.append(ApprovalState(person.id, person.name, "missing", None))
        elif found.sha256 == digest:
            result.append(ApprovalState(person.id, person.name, "approved", found.approved_at))
        else:
            result.append(
                ApprovalState(
                    person.id,
                    person.name,
                    "changed",
                    found.approved_at,
                    changes(found.text, text),
                )
            )
    return result


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def check_approved(interview: Interview, states: list[ApprovalState]) -> None:
    """Refuse unless every participant approved exactly the current text."""
    changed = [s for s in states if s.state == "changed"]
    missing = [s for s in states if s.state == "missing"]
    first = (changed or missing or [None])[0]
    if first is None:
        return
    hint = (
        f"Approve it again, e.g. buddy-interviews approve {interview.id} "
        f"--participant {shlex.quote(first.name)}"
    )
    if changed:
        raise ApprovalOutdated(
            f"The post changed after {_names([s.name for s in changed])} approved it.",
            hint,
            changes=changed[0].changes,
        )
    verb = "has" if len(missing) == 1 else "have"
    raise ApprovalMissing(
        f"{_names([s.name for s in missing])} {verb} not approved the post for publishing yet.",
        hint.replace("again", "first"),
    )
