"""What can go wrong between this laptop and a blog, each with what to do about it.

Hints read right in both faces (window and command line); the command line adds its flags.
Every message says whether anything reached the site, so nobody publishes twice to be sure.
"""

from __future__ import annotations

from app.errors import BuddyError


class PublishError(BuddyError):
    """Base class for publishing failures."""


class WrongCredentials(PublishError):
    default_hint = (
        "Check the user name, and use an application password made on the site (Users, "
        "Profile, Application Passwords), not the login password."
    )


class NotAllowed(PublishError):
    default_hint = "Ask the site's administrator to give this user the Author or Editor role."


class NotWordPress(PublishError):
    default_hint = (
        "Check the address: it is the blog's home page, such as https://blog.example.org, "
        "and the site's REST API must be switched on."
    )


class SiteUnreachable(PublishError):
    default_hint = (
        "Check the internet connection and the site address, then try again. Nothing was sent."
    )


class CertificateProblem(PublishError):
    default_hint = (
        "Check the address is right. If it is, the site's security certificate has a problem "
        "only its administrator can fix. Nothing was sent."
    )


class SiteTimeout(PublishError):
    default_hint = (
        "The site or the connection may be slow: try again in a minute. Look at the site's "
        "drafts first, in case the post arrived."
    )


class SiteError(PublishError):
    default_hint = "Try again later; if it keeps happening, ask the site's administrator."


class DraftGone(PublishError):
    """The draft published before can no longer be updated; a new one can be made."""

    default_hint = (
        "Publish again and choose to create a new draft, or restore the old one on the site "
        "first (from its trash)."
    )

    def __init__(self, message: str, hint: str | None = None, *, post_id: int = 0) -> None:
        super().__init__(message, hint)
        self.post_id = post_id


class DraftDeleted(DraftGone):
    pass


class DraftNoLongerDraft(DraftGone):
    default_hint = (
        "Edit it on the site, or publish again and choose to create a new draft: "
        "a post that is live is never changed from here."
    )


class KeyringUnavailable(PublishError):
    default_hint = (
        "Start or install your desktop's keyring (GNOME Keyring or KWallet) and try again; "
        "the password is never stored anywhere else. Nothing was sent."
    )


class PasswordNeeded(PublishError):
    default_hint = (
        "Type the application password made on the site; it is then kept in the system keyring."
    )
