"""``buddy-interviews publish``: the post as a WordPress draft, through Services only.

Nothing is sent unless this command runs. The application password comes from the system
keyring, from stdin (``--password-stdin``) or from a prompt that does not echo it; it is
stored in the keyring once the site has accepted it, and never printed.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from app.context import AppContext
from app.errors import InvalidInput
from app.publish.errors import DraftGone, PasswordNeeded, WrongCredentials
from app.services import Services


def _site_and_user(args: argparse.Namespace, ctx: AppContext) -> tuple[str, str]:
    site = args.site or ctx.settings.wordpress_site
    user = args.user or ctx.settings.wordpress_user
    if not site or not user:
        raise InvalidInput(
            "Say which WordPress site and user to publish as.",
            "Pass --site URL and --user NAME (they are remembered for next time).",
        )
    return site, user


def _password(args: argparse.Namespace, services: Services, site: str, user: str) -> str | None:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise InvalidInput("No password came on stdin.", "Pipe the application password in.")
        return password
    if services.wordpress_password_stored(site, user):
        return None  # the keyring's
    if not sys.stdin.isatty():
        raise PasswordNeeded(
            f"No application password is stored for {user} at {site}.",
            "Pass --password-stdin and pipe it in, or run this in a terminal to be asked.",
        )
    password = getpass.getpass(f"Application password for {user} at {site}: ").strip()
    if not password:
        raise InvalidInput("No password was typed.", "Nothing was sent.")
    return password


def cmd_publish(args: argparse.Namespace, ctx: AppContext) -> int:
    services = Services(ctx)
    site, user = _site_and_user(args, ctx)
    if args.forget_password:
        if services.forget_wordpress_password(site, user):
            print(f"Removed the application password for {user} at {site} from the keyring.")
        else:
            print(f"No application password was stored for {user} at {site}.")
        return 0
    if args.id is None:
        raise InvalidInput("Say which interview to publish.", "Pass its ID: publish ID --site ...")
    services.check_can_publish(args.id)  # refuse before asking for a password
    password = _password(args, services, site, user)
    try:
        result = services.publish_wordpress(
            args.id,
            site=site,
            user=user,
            password=password,
            new_draft=args.new_draft,
            timeout=args.timeout,
        )
    except DraftGone as error:
        raise type(error)(
            error.message,
            "Run again with --new-draft to create a new one, or restore the old one on the "
            "site first.",
            post_id=error.post_id,
        ) from None
    except WrongCredentials as error:
        if password is None:  # the stored one no longer works
            raise WrongCredentials(
                error.message,
                "Make a new application password on the site, then run again with "
                "--forget-password first (or --password-stdin).",
            ) from None
        raise
    print(result.sentence())
    print(f"Edit it: {result.edit_link}")
    print(f"Preview: {result.link}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("publish", help="send the post to a WordPress site as a draft")
    p.add_argument("id", type=int, nargs="?", help="the interview (not with --forget-password)")
    p.add_argument("--site", help="the blog's address, e.g. https://blog.example.org")
    p.add_argument("--user", help="the WordPress user name")
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the application password from stdin (else the keyring, else a prompt)",
    )
    p.add_argument(
        "--new-draft",
        action="store_true",
        help="create a new draft even though one was published before",
    )
    p.add_argument(
        "--forget-password",
        action="store_true",
        help="remove the stored application password for this site and user, send nothing",
    )
    p.add_argument("--timeout", type=float, default=None, help="seconds to wait for the site")
    p.set_defaults(handler=cmd_publish)
