"""Publishing a WordPress draft (mixed into Services); the password lives in the keyring."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from app.context import AppContext
from app.errors import BuddyError
from app.paths import Paths
from app.settings import Settings
from app.store import Store

if TYPE_CHECKING:
    from app.publish.draft import PublishResult
    from app.store.wordpress_drafts import WordPressDraft


log = logging.getLogger(__name__)


class PublishingServices:
    ctx: AppContext
    store: Store
    paths: Paths

    if TYPE_CHECKING:  # given by Services

        def _notify(self, kind: str, interview_id: int | None = None) -> None: ...

        def update_settings(self, settings: Settings | None = None, **changes: Any) -> Settings: ...

    # -- publishing: a WordPress draft --------------------------------------------------------

    def publish_wordpress(
        self,
        interview_id: int,
        *,
        site: str,
        user: str,
        password: str | None = None,
        new_draft: bool = False,
        timeout: float | None = None,
    ) -> PublishResult:
        """Create the post as a draft on the site, or update the draft made before.

        ``password`` None uses the one kept in the system keyring; a new one is stored there
        once the site accepted it. ``new_draft`` makes a new draft even if one was made before.
        The site and user name (never the password) are remembered in the settings.
        """
        from app.publish import draft, wordpress

        result = draft.publish(
            self,
            interview_id,
            site=site,
            user=user,
            password=password,
            new_draft=new_draft,
            timeout=timeout or wordpress.TIMEOUT_S,
        )
        settings = self.ctx.settings
        if (settings.wordpress_site, settings.wordpress_user) != (result.site, user.strip()):
            try:
                self.update_settings(wordpress_site=result.site, wordpress_user=user.strip())
            except BuddyError:  # the draft is on the site; forgetting the address is no failure
                log.warning("Could not remember the WordPress site in the settings")
        return result

    def wordpress_draft(self, interview_id: int, site: str) -> WordPressDraft | None:
        """The draft this interview has on ``site``, if it was published there."""
        from app.publish.wordpress import normalise_site
        from app.store import wordpress_drafts

        return wordpress_drafts.find(self.store, interview_id, normalise_site(site))

    def wordpress_password_stored(self, site: str, user: str) -> bool:
        from app.publish import secrets
        from app.publish.wordpress import normalise_site

        return secrets.get_password(normalise_site(site), user.strip()) is not None

    def forget_wordpress_password(self, site: str, user: str) -> bool:
        """Remove the password from the keyring; False when none was stored."""
        from app.publish import secrets
        from app.publish.wordpress import normalise_site

        return secrets.delete_password(normalise_site(site), user.strip())
