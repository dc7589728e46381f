"""Both participants approve the post before it is published, as each would after reading it.

Approval is a hash of the rendered post, checked inside ``Services.check_can_publish``.
"""

from __future__ import annotations

from app.approval import text_hash
from app.services import Services


def approve(services: Services, interview_id: int) -> None:
    """Approve the post as it reads now, as each participant would after reading it."""
    shown = text_hash(services.approval_text(interview_id))
    for role in ("interviewer", "interviewee"):
        services.approve(interview_id, role, text_hash=shown)
