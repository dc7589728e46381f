"""Commands for the post: approve it for publishing, write a review copy, fix a misspelt name."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.approval import text_hash
from app.context import AppContext
from app.errors import InvalidInput
from app.services import Services


def cmd_approve(args: argparse.Namespace, ctx: AppContext) -> int:
    services = Services(ctx)
    services.check_can_approve(args.id, args.participant)  # before asking anyone to read
    text = services.approval_text(args.id)
    digest = text_hash(text)
    if not args.yes:
        print(text)
        try:
            answer = input(f"Approve this text for publishing as {args.participant}? [y/N] ")
        except EOFError:
            raise InvalidInput(
                "Approval needs an answer, and there is no one at the terminal to ask.",
                "Read the post above, then run again with --yes to approve it.",
            ) from None
        if answer.strip().lower() not in ("y", "yes"):
            print("Not approved; nothing was recorded.")
            return 1
    services.approve(args.id, args.participant, text_hash=digest)
    print(f"Recorded: {args.participant} approved this version ({digest[:12]}).")
    states = services.approvals(args.id)
    waiting = [s.name for s in states if s.state != "approved"]
    if waiting:
        print(f"Still to approve: {', '.join(waiting)}.")
    return 0


def cmd_review(args: argparse.Namespace, ctx: AppContext) -> int:
    services = Services(ctx)
    path = services.review_copy(
        args.id, f"review-{args.format}", out=Path(args.out), force=args.force
    )
    print(f"Wrote the review copy {path}")
    return 0


def cmd_fix_name(args: argparse.Namespace, ctx: AppContext) -> int:
    services = Services(ctx)
    if args.wrong is None:
        fixes = services.name_fixes(args.id)
        if not fixes:
            print("No misspelt names found.")
        for fix in fixes:
            print(f"'{fix.wrong}' ({fix.count}x) looks like '{fix.right}'")
        return 0
    count = services.replace_name(args.id, args.wrong, args.right or "")
    print(f"Replaced '{args.wrong}' with '{args.right}' {count} times.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("approve", help="approve an interview's post for publishing")
    p.add_argument("id", type=int)
    p.add_argument("--participant", required=True, help="name or role of who approves")
    p.add_argument("--yes", action="store_true", help="approve without showing and asking")
    p.set_defaults(handler=cmd_approve)

    p = sub.add_parser("review", help='write a "draft for review" copy (HTML or Word)')
    p.add_argument("id", type=int)
    p.add_argument("--format", choices=("html", "docx"), default="html")
    p.add_argument("--out", required=True, help="file or folder to write")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.set_defaults(handler=cmd_review)

    p = sub.add_parser("names", help="list misspelt participant names, or fix one everywhere")
    p.add_argument("id", type=int)
    p.add_argument("wrong", nargs="?", help="the misspelling to replace")
    p.add_argument("right", nargs="?", help="the right spelling")
    p.set_defaults(handler=cmd_fix_name)
