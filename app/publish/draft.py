"""Publish an interview as a WordPress draft: create it once, update that same draft after.

Order matters: every check that needs no network (consent and approval, the post renders, a
password is at hand, the keyring can keep it) comes before the first byte is sent, and the
password is stored only once the site has accepted it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.errors import InvalidInput
from app.publish import secrets
from app.publish.errors import (
    DraftDeleted,
    DraftNoLongerDraft,
    KeyringUnavailable,
    PasswordNeeded,
)
from app.publish.post import DraftPost, post_from_markdown
from app.publish.wordpress import TIMEOUT_S, WordPressClient, normalise_site
from app.store import wordpress_drafts

if TYPE_CHECKING:
    from app.services import Services

log = logging.getLogger(__name__)

#: Statuses of a post this app may still change: anything else is someone's decision.
_DRAFT_STATUSES = ("draft", "auto-draft")


@dataclass(frozen=True)
class PublishResult:
    site: str
    post_id: int
    title: str
    link: str  # the post's address (a preview for a draft)
    edit_link: str  # where to open it in WordPress's editor
    created: bool  # False: the draft published before was updated
    password_kept: bool = True  # False: the keyring refused it after the site accepted it

    def sentence(self) -> str:
        done = "Created a new draft" if self.created else "Updated the draft"
        text = f"{done} “{self.title}” on {self.site} (post {self.post_id})."
        if not self.password_kept:
            text += " The system keyring could not keep the password, so it will be asked again."
        return text


def _fields(post: DraftPost, tag_ids: list[int]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": post.title,
        "content": post.html,
        "excerpt": post.excerpt,
        "status": "draft",
        "tags": tag_ids,
    }
    if post.slug:
        fields["slug"] = post.slug
    return fields


def publish(
    services: Services,
    interview_id: int,
    *,
    site: str,
    user: str,
    password: str | None = None,
    new_draft: bool = False,
    timeout: float = TIMEOUT_S,
) -> PublishResult:
    """Send the post as a draft; ``password`` None means the one in the keyring."""
    site = normalise_site(site)
    user = user.strip()
    if not user:
        raise InvalidInput("The WordPress user name is empty.", "Type the user name.")
    services.check_can_publish(interview_id)
    post = post_from_markdown(services.render(interview_id, "markdown", flavour="plain"))
    stored = secrets.get_password(site, user)  # also: is there a keyring at all
    if not password:
        password = stored
    if not password:
        raise PasswordNeeded(f"No application password is stored for {user} at {site}.")
    known = wordpress_drafts.find(services.store, interview_id, site)
    log.info("Publishing interview %s to %s as %s", interview_id, site, user)
    with WordPressClient(site, user, password, timeout=timeout) as client:
        client.connect()
        target = None
        if known is not None and not new_draft:
            target = _updatable(client.get_post(known.post_id), known.post_id, site)
        fields = _fields(post, client.tag_ids(post.tags))
        if target is None:
            answer = client.create_post(fields)
        else:
            answer = client.update_post(target, fields)
        site = client.site  # where the site really is, should it have redirected
    post_id = int(answer["id"])
    link = str(answer.get("link") or f"{site}/?p={post_id}")
    wordpress_drafts.save(services.store, interview_id, site, post_id, link)
    kept = True
    if password != stored:
        try:
            secrets.set_password(site, user, password)
        except KeyringUnavailable:
            # The draft is on the site already: that must not read as a failure to publish.
            kept = False
    return PublishResult(
        site=site,
        post_id=post_id,
        title=post.title,
        link=link,
        edit_link=f"{site}/wp-admin/post.php?post={post_id}&action=edit",
        created=target is None,
        password_kept=kept,
    )


def _updatable(found: dict[str, Any] | None, post_id: int, site: str) -> int:
    """The id to update, or the reason there is none."""
    if found is None:
        raise DraftDeleted(
            f"The draft published before (post {post_id}) was deleted on {site}.",
            post_id=post_id,
        )
    status = str(found.get("status", ""))
    if status == "trash":
        raise DraftDeleted(
            f"The draft published before (post {post_id}) is in the trash on {site}.",
            post_id=post_id,
        )
    if status not in _DRAFT_STATUSES:
        shown = {"publish": "published", "future": "scheduled", "pending": "waiting for review"}
        raise DraftNoLongerDraft(
            f"Post {post_id} on {site} is no longer a draft (it is {shown.get(status, status)}).",
            post_id=post_id,
        )
    return post_id
