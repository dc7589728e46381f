"""Takes and transcript corrections from the command line: the same core calls as the app.

``takes`` lists an interview's takes and leaves one out, brings it back or deletes it;
``edit`` makes one correction through ``Services.edits`` (one transaction, checked against
the transcript's revision), so a script can correct what the desktop editor corrects.
Lines and takes are numbered from 1, as the app shows them.
"""

from __future__ import annotations

import argparse

from app.context import AppContext
from app.editing import Edited
from app.errors import InvalidInput
from app.services import Services


def _take_id(services: Services, interview_id: int, number: int) -> int:
    takes = services.takes(interview_id)
    if not 1 <= number <= len(takes):
        raise InvalidInput(
            f"Interview {interview_id} has no take {number}; it has {len(takes)}.",
            f"Run 'buddy-interviews takes {interview_id}' to see them.",
        )
    return takes[number - 1].id


def cmd_takes(args: argparse.Namespace, ctx: AppContext) -> int:
    services = Services(ctx)
    services.interview(args.id)
    if args.leave_out is not None:
        services.set_take_included(_take_id(services, args.id, args.leave_out), False)
    if args.include is not None:
        services.set_take_included(_take_id(services, args.id, args.include), True)
    if args.delete is not None:
        take_id = _take_id(services, args.id, args.delete)
        if not args.yes:
            raise InvalidInput(
                f"Deleting take {args.delete} removes its audio file and its lines for good.",
                "Add --yes to delete it.",
            )
        services.delete_take(take_id)
        print(f"Deleted take {args.delete} of interview {args.id}.")
    takes = services.takes(args.id)
    if not takes:
        print(f"Interview {args.id} has no takes yet.")
    for number, take in enumerate(takes, start=1):
        state = "" if take.included else "  (left out)"
        print(f"{number}. {take.duration_s:7.1f} s  {take.status:<13} {take.path}{state}")
    return 0


def _line(args_line: int) -> int:
    if args_line < 1:
        raise InvalidInput("Lines are numbered from 1.", "Give a line number of 1 or more.")
    return args_line - 1


def cmd_edit(args: argparse.Namespace, ctx: AppContext) -> int:
    services = Services(ctx)
    edits, iid = services.edits, args.id
    revision = services.require_transcript(iid).revision
    result: Edited
    if args.text is not None:
        result = edits.edit_text(iid, revision, _line(args.line), args.text)
    elif args.split_at is not None:
        result = edits.split(iid, revision, _line(args.line), args.split_at)
    elif args.merge:
        result = edits.merge(iid, revision, _line(args.line))
    elif args.speaker is not None:
        result = edits.set_speaker(iid, revision, _line(args.line), args.speaker or None)
    elif args.redact or args.unredact:
        result = edits.redact(iid, revision, _line(args.line), redacted=args.redact)
    elif args.replace is not None:
        old, new = args.replace
        result = edits.replace_all(iid, revision, old, new, case_sensitive=args.case_sensitive)
    else:
        raise InvalidInput(
            "Say what to change.",
            "Use --text, --split-at, --merge, --speaker, --redact, --unredact or --replace.",
        )
    if not result.changed:
        print("Nothing changed.")
    elif args.replace is not None:
        print(f"{result.label}: {result.count} replaced (revision {result.revision}).")
    else:
        print(f"{result.label}: saved (revision {result.revision}).")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("takes", help="list an interview's takes; leave one out or delete it")
    p.add_argument("id", type=int)
    p.add_argument("--leave-out", type=int, metavar="N", help="leave take N out")
    p.add_argument("--include", type=int, metavar="N", help="use take N again")
    p.add_argument("--delete", type=int, metavar="N", help="delete take N and its audio")
    p.add_argument("--yes", action="store_true", help="confirm --delete")
    p.set_defaults(handler=cmd_takes)

    p = sub.add_parser("edit", help="correct one line of a transcript")
    p.add_argument("id", type=int)
    p.add_argument("--line", type=int, default=1, help="the line to change (from 1)")
    p.add_argument("--text", help="new text of the line")
    p.add_argument("--split-at", type=int, metavar="CHAR", help="split the line at a character")
    p.add_argument("--merge", action="store_true", help="join the line with the next")
    p.add_argument("--speaker", help="who said the line ('' for unknown)")
    p.add_argument("--redact", action="store_true", help="leave the line out of exports")
    p.add_argument("--unredact", action="store_true", help="bring a redacted line back")
    p.add_argument("--replace", nargs=2, metavar=("OLD", "NEW"), help="replace everywhere")
    p.add_argument("--case-sensitive", action="store_true")
    p.set_defaults(handler=cmd_edit)
