"""Both participants approve the post before it is published, where the app asks for that.

Approval (a hash of the rendered post, checked inside ``Services.check_can_publish``) comes
with the post editor; on a version of the app without it, there is nothing to approve.
"""

from __future__ import annotations

import pytest

from app.services import Services


def has_approval(services: Services) -> bool:
    return hasattr(services, "approve") and hasattr(services, "approval_text")


def approve(services: Services, interview_id: int) -> None:
    """Approve the post as it reads now, as each participant would after reading it."""
    if not has_approval(services):
        return
    from app.approval import text_hash

    shown = text_hash(services.approval_text(interview_id))
    for role in ("interviewer", "interviewee"):
        services.approve(interview_id, role, text_hash=shown)


def require_approval(services: Services) -> None:
    if not has_approval(services):
        pytest.skip("this version of the app has no approval step (it comes with the post editor)")
