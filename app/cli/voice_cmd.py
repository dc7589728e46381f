"""``voice``: keep a voice sample of one participant, from a file or the microphone."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from app.context import AppContext
from app.errors import InvalidInput
from app.services import Services

#: Long enough to say a name and a sentence; the samples we measured were 5-7 s.
DEFAULT_SECONDS = 6.0
LINE = "Say your name and what you do."


def voice_command(args: argparse.Namespace, ctx: AppContext) -> int:
    services = Services(ctx)
    interview = services.interview(args.id)
    # "--participant NAME AUDIO": argparse has already given the ID's slot to AUDIO's, so the
    # file arrives as the option's second value.
    participant, *rest = args.participant
    if len(rest) > 1 or (rest and args.audio):
        raise InvalidInput(
            "Give one participant and at most one audio file.",
            'Quote a name with spaces: --participant "Ruth Adebayo" clip.wav',
        )
    args.participant, args.audio = participant, args.audio or (rest[0] if rest else None)
    if args.delete:
        services.delete_voice_sample(interview.id, args.participant)
        print(f"Deleted the voice sample of {args.participant} in interview {interview.id}.")
        return 0
    if bool(args.audio) == bool(args.record):
        raise InvalidInput(
            "Give either an audio file or --record.",
            "Pass a clip of that person alone, or --record to use the microphone.",
        )
    if args.audio:
        sample = services.add_voice_sample(interview.id, args.participant, Path(args.audio))
    else:
        if args.seconds <= 0:
            raise InvalidInput("--seconds must be more than 0.", "Try --seconds 6.")
        from app.audio.clip import record_clip

        print(f"{args.participant}: {LINE} Recording {args.seconds:.0f} s...", flush=True)
        audio = record_clip(
            args.seconds,
            device=args.device if args.device is not None else (ctx.settings.input_device or None),
            should_stop=threading.Event(),
        )
        sample = services.save_voice_sample(interview.id, args.participant, audio)
    print(
        f"Kept a {sample.duration_s:.1f} s voice sample of {args.participant} for interview "
        f"{interview.id} (on this computer only; deleted with the interview).",
        file=sys.stdout,
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "voice", help="keep a voice sample of a participant, so the voices can be told apart"
    )
    p.add_argument("id", type=int, metavar="ID", help="the interview")
    p.add_argument(
        "--participant",
        required=True,
        nargs="+",
        metavar="NAME",
        help="name or role of the person (then the audio file, if not recording)",
    )
    p.add_argument("audio", nargs="?", help="a clip of that person speaking alone")
    p.add_argument("--record", action="store_true", help="record the sample from the microphone")
    p.add_argument(
        "--seconds", type=float, default=DEFAULT_SECONDS, metavar="N", help="length to record"
    )
    p.add_argument("--device", help="input device name or number (see 'devices')")
    p.add_argument("--delete", action="store_true", help="delete that person's voice sample")
    p.set_defaults(handler=voice_command)
