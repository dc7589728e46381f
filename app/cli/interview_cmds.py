"""Commands about interviews themselves: new, list, show, consent, delete."""

from __future__ import annotations

import argparse
import json
from typing import Any

from app.context import AppContext
from app.errors import InvalidInput
from app.models import ROLES, SCOPES, Interview
from app.services import Services
from app.wording import plural


def interview_json(interview: Interview, services: Services | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": interview.id,
        "title": interview.title,
        "status": interview.status,
        "script": interview.script_id,
        "created_at": interview.created_at.isoformat(),
        "updated_at": interview.updated_at.isoformat(),
        "questions": interview.questions,
        "on_call": interview.on_call,
        "here": interview.here_role,
        "participants": [],
    }
    for p in interview.participants:
        consent = interview.consent_for(p.id)
        data["participants"].append(
            {
                "id": p.id,
                "name": p.name,
                "role": p.role,
                "consent": sorted(consent.scopes) if consent else [],
                "consent_given_at": consent.given_at.isoformat() if consent else None,
                "consent_wording_version": consent.wording_version if consent else None,
            }
        )
    if services is not None:
        data["recordings"] = [
            {
                "id": r.id,
                "file": str(services.audio_file(r)),
                "status": r.status,
                "source": r.source,
                "duration_s": round(r.duration_s, 3),
                "channels": r.channels,
                "channel_roles": r.channel_roles,
                "markers": [
                    {"kind": m.kind, "time_s": m.time_s, "question_index": m.question_index}
                    for m in r.markers
                ],
                "message": r.message,
            }
            for r in services.recordings(interview.id)
        ]
        transcript = services.transcript(interview.id)
        data["transcript"] = (
            None
            if transcript is None
            else {
                "engine": transcript.engine,
                "model": transcript.model,
                "segments": len(transcript.segments),
                "created_at": transcript.created_at.isoformat(),
            }
        )
    return data


def _names(interview: Interview) -> str:
    a, b = interview.interviewer, interview.interviewee
    return f"{a.name if a else '?'} interviews {b.name if b else '?'}"


def cmd_new(args: argparse.Namespace, ctx: AppContext) -> int:
    interview = Services(ctx).new_interview(
        args.title,
        interviewer=args.interviewer,
        interviewee=args.interviewee,
        script_id=args.script,
        on_call=args.call,
        here_role=args.here,
    )
    if args.json:
        print(json.dumps(interview_json(interview), indent=2))
    else:
        print(f"Created interview {interview.id}: {interview.title} ({_names(interview)})")
    return 0


def cmd_list(args: argparse.Namespace, ctx: AppContext) -> int:
    interviews = Services(ctx).interviews(search=args.search)
    if args.json:
        print(json.dumps([interview_json(i) for i in interviews], indent=2))
        return 0
    if not interviews:
        print("No interviews yet. Start one with: buddy-interviews new --title ...")
        return 0
    for i in interviews:
        print(f"{i.id:>4}  {i.created_at:%Y-%m-%d}  {i.status:<11}  {i.title}  ({_names(i)})")
    return 0


def cmd_show(args: argparse.Namespace, ctx: AppContext) -> int:
    services = Services(ctx)
    interview = services.interview(args.id)
    data = interview_json(interview, services)
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    print(f"Interview {interview.id}: {interview.title}")
    print(f"  status: {interview.status}   script: {interview.script_id or '(none)'}")
    if interview.on_call:
        print(f"  on a call: the {interview.here_role} is at this computer")
    for p in data["participants"]:
        scopes = ", ".join(p["consent"]) or "no consent recorded"
        print(f"  {p['role']}: {p['name']}  [{scopes}]")
    for i, q in enumerate(interview.questions, 1):
        print(f"  Q{i}. {q}")
    for r in data["recordings"]:
        print(
            f"  take {r['id']}: {r['status']}, {r['duration_s']:.1f} s, "
            f"{sum(m['kind'] == 'question' for m in r['markers'])} question markers, {r['file']}"
        )
        if r["channel_roles"]:
            print(f"    channels: {', '.join(r['channel_roles'])}")
        if r["message"]:
            print(f"    {r['message']}")
    t = data["transcript"]
    print(
        f"  transcript: {plural(t['segments'], 'segment')} ({t['engine']}, {t['model']})"
        if t
        else "  transcript: none yet"
    )
    return 0


def cmd_consent(args: argparse.Namespace, ctx: AppContext) -> int:
    if not args.scope and not args.withdraw:
        raise InvalidInput(
            "Say what the participant agreed to.",
            f"Name what they agree to with --add SCOPE ({', '.join(SCOPES)}), or what they no "
            "longer agree to with --withdraw SCOPE (--withdraw alone withdraws everything).",
        )
    interview = Services(ctx).change_consent(
        args.id, args.participant, add=args.scope, withdraw=args.withdraw or ()
    )
    for p in interview.participants:
        consent = interview.consent_for(p.id)
        scopes_text = ", ".join(sorted(consent.scopes)) if consent and consent.scopes else "none"
        print(f"{p.name} ({p.role}): {scopes_text}")
    return 0


def cmd_delete(args: argparse.Namespace, ctx: AppContext) -> int:
    services = Services(ctx)
    interview = services.interview(args.id)
    if not args.yes:
        print(
            f"This deletes '{interview.title}', its audio and its transcript. "
            "Run again with --yes to confirm."
        )
        return 2
    services.delete_interview(args.id)
    print(f"Deleted interview {args.id}.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("new", help="create an interview")
    p.add_argument("--title", required=True)
    p.add_argument("--interviewer", required=True, help="name of the person asking")
    p.add_argument("--interviewee", required=True, help="name of the person answering")
    p.add_argument("--script", help="interview script id (see 'scripts list')")
    p.add_argument(
        "--call",
        action="store_true",
        help="the pair talk over a video call: record this computer's microphone and the "
        "call's sound as two channels",
    )
    p.add_argument(
        "--here",
        choices=ROLES,
        default="interviewer",
        help="on a call, who is at this computer (default: interviewer)",
    )
    p.add_argument("--json", action="store_true", help="print machine-readable output")
    p.set_defaults(handler=cmd_new)

    p = sub.add_parser("list", help="list interviews")
    p.add_argument("--search", help="only those whose title or names contain this")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("show", help="show one interview")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser(
        "consent",
        help="add or withdraw what a participant agrees to",
        description="Each call adds to or withdraws from what the participant agreed to "
        "before; the rest stays as it was. Every change is kept with its time.",
    )
    p.add_argument("id", type=int)
    p.add_argument(
        "--participant",
        required=True,
        help="interviewer, interviewee, the participant's id, or their name",
    )
    p.add_argument(
        "--add",
        "--scope",
        dest="scope",
        action="append",
        default=[],
        choices=SCOPES,
        help="a scope they agree to (repeat for more; --scope is the same)",
    )
    p.add_argument(
        "--withdraw",
        action="append",
        nargs="?",
        const="all",
        choices=[*SCOPES, "all"],
        help="a scope they no longer agree to; alone, it withdraws everything",
    )
    p.set_defaults(handler=cmd_consent)

    p = sub.add_parser("delete", help="delete an interview, its audio and transcript")
    p.add_argument("id", type=int)
    p.add_argument("--yes", action="store_true", help="confirm the deletion")
    p.set_defaults(handler=cmd_delete)
