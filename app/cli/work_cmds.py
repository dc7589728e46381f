"""Commands that do the work: import audio, transcribe, export."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from app import export
from app.cli.interview_cmds import interview_json
from app.cli.output import write_stdout
from app.context import AppContext
from app.errors import ConsentMissing, InvalidInput
from app.models import ROLES, SCOPES, Role
from app.services import Services
from app.transcription import ENGINES
from app.transcription.progress import ProgressNote
from app.wording import plural


class TerminalProgress:
    """A one-line progress bar on a terminal; quiet milestones when output is a file."""

    def __init__(self, label: str, *, stream=sys.stderr) -> None:
        self.label = label
        self.stream = stream
        self.tty = stream.isatty()
        self.started = time.monotonic()
        self._last_step = -1
        self._stage = ""
        self._text = ""

    def note(self, note: ProgressNote) -> None:
        """What is happening in words: each new stage on its own line when not a terminal."""
        self._text = note.text
        if note.stage != self._stage:
            self._stage = note.stage
            if not self.tty and note.stage in ("opening", "loading", "saving"):
                print(note.text, file=self.stream, flush=True)

    def __call__(self, fraction: float) -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        if self.tty:
            width = 30
            filled = int(width * fraction)
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(f"\r{self.label} [{bar}] {fraction:4.0%} {self._text[:40]:<40}")
            if fraction >= 1.0:
                self.stream.write("\n")
            self.stream.flush()
        else:
            step = int(fraction * 4)  # 0, 25, 50, 75, 100 %
            if step != self._last_step:
                self._last_step = step
                print(f"{self.label}: {step * 25}%", file=self.stream, flush=True)


def cmd_import(args: argparse.Namespace, ctx: AppContext) -> int:
    services = Services(ctx)
    source = Path(args.audio)
    # Checked before anything is created: a refused file leaves no trace.
    markers = Path(args.markers) if args.markers else None
    roles = _channel_roles(args.channels)
    if args.interview is not None:
        if args.title or args.interviewer or args.interviewee or args.consent:
            raise InvalidInput(
                "Give either --interview or --title/--interviewer/--interviewee/--consent, "
                "not both.",
                "Use --interview ID to add audio to an existing interview.",
            )
        services.check_can_record(args.interview)
        recording = services.import_audio(
            args.interview, source, markers=markers, channel_roles=roles
        )
    else:
        if not (args.title and args.interviewer and args.interviewee):
            raise InvalidInput(
                "Say which interview the audio belongs to.",
                "Pass --interview ID, or --title, --interviewer, --interviewee and "
                "--consent record to create one.",
            )
        services.check_audio(source)
        if "record" not in args.consent:
            raise ConsentMissing(
                f"{args.interviewer} and {args.interviewee} have not agreed to being recorded.",
                "If both agreed, say so with --consent record (add --consent publish-text if "
                "they agreed to publishing the text too).",
            )
        recording = services.import_new_interview(
            source,
            title=args.title,
            interviewer=args.interviewer,
            interviewee=args.interviewee,
            script_id=args.script,
            consent=args.consent,
            markers=markers,
            channel_roles=roles,
        )
    interview_id = recording.interview_id
    interview = services.interview(interview_id)
    if args.json:
        print(json.dumps(interview_json(interview, services), indent=2))
    else:
        count = len(services.takes(interview_id))
        added = f"as take {count} of" if count > 1 else "into"
        print(
            f"Imported {source.name} ({recording.duration_s:.1f} s) {added} interview "
            f"{interview_id}: {interview.title}"
        )
        if count > 1 and services.transcript(interview_id) is not None:
            print(f"Transcribe again to include it: buddy-interviews transcribe {interview_id}")
    return 0


def _channel_roles(value: str | None) -> list[Role] | None:
    """``interviewer,interviewee`` (the default for a two-channel file), the other way round,
    or ``room``: the channels are one room's sound, so the voices tell people apart."""
    if value is None:
        return None
    if value == "room":
        return []
    roles = [part.strip() for part in value.split(",")]
    if sorted(roles) != sorted(ROLES):
        raise InvalidInput(
            f"--channels '{value}' does not name each channel's person.",
            "Use --channels interviewer,interviewee or interviewee,interviewer (or room).",
        )
    return roles  # type: ignore[return-value]


def cmd_transcribe(args: argparse.Namespace, ctx: AppContext) -> int:
    services = Services(ctx)
    services.interview(args.id)
    progress = TerminalProgress("Transcribing")
    transcript = services.transcribe(
        args.id,
        engine=args.engine,
        model=args.model,
        language=args.language,
        glossary=args.glossary,
        discard_edits=args.discard_edits,
        on_progress=progress,
        on_note=progress.note,
        use_live=not args.from_audio,
    )
    words = sum(len(s.text.split()) for s in transcript.segments)
    print(
        f"Transcribed interview {args.id}: {plural(len(transcript.segments), 'segment')}, "
        f"{plural(words, 'word')} "
        f"({transcript.engine}, {transcript.model}) in {time.monotonic() - progress.started:.1f} s."
    )
    return 0


def cmd_export(args: argparse.Namespace, ctx: AppContext) -> int:
    services = Services(ctx)
    late = services.untranscribed_takes(args.id)
    if late:
        print(
            f"Note: {'1 take' if len(late) == 1 else f'{len(late)} takes'} added since the "
            "transcript was made are not in this export. Run "
            f"'buddy-interviews transcribe {args.id}' to include them.",
            file=sys.stderr,
        )
    if args.out == "-":
        services.check_can_export(args.id, args.format)
        text = services.render(args.id, args.format, flavour=args.flavour)
        write_stdout(text)
        return 0
    path = services.export(
        args.id,
        args.format,
        flavour=args.flavour,
        out=Path(args.out) if args.out else None,
        force=args.force,
    )
    print(f"Wrote {path}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import an audio file (WAV, FLAC, OGG, MP3, M4A)")
    p.add_argument("audio", help="the audio file; it is copied into the data folder")
    p.add_argument("--interview", type=int, help="add to this interview")
    p.add_argument("--title", help="create a new interview with this title")
    p.add_argument("--interviewer")
    p.add_argument("--interviewee")
    p.add_argument("--script", help="script for a new interview")
    p.add_argument(
        "--consent",
        action="append",
        default=[],
        choices=SCOPES,
        help="for a new interview: what both people agreed to (record is needed; repeat for "
        "publish-text)",
    )
    p.add_argument(
        "--markers",
        help='JSON file: {"markers": [seconds...], "questions": [texts...] (optional)}',
    )
    p.add_argument(
        "--channels",
        metavar="ROLES",
        help="a two-channel call: whose voice each channel is, e.g. interviewer,interviewee "
        "(the default), or 'room' when both channels are one room's microphone",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("transcribe", help="transcribe an interview's audio, offline")
    p.add_argument("id", type=int)
    p.add_argument("--engine", choices=ENGINES, default=None)
    p.add_argument("--model", help="model name or local path (default: the bundled model)")
    p.add_argument("--language", help="language code such as en (default: from settings)")
    p.add_argument(
        "--glossary",
        nargs="+",
        metavar="WORD",
        help="names and words to steer recognition (people, places, programmes)",
    )
    p.add_argument(
        "--discard-edits", action="store_true", help="replace a transcript that has hand edits"
    )
    p.add_argument(
        "--from-audio",
        action="store_true",
        help="transcribe the whole take again even if live transcription covered it",
    )
    p.set_defaults(handler=cmd_transcribe)

    p = sub.add_parser("export", help="export a blog draft, captions or text")
    p.add_argument("id", type=int)
    p.add_argument("--format", required=True, choices=export.FORMATS)
    p.add_argument("--flavour", default="plain", choices=export.FLAVOURS)
    p.add_argument("--out", help="file or folder to write (default: current folder); - for stdout")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.set_defaults(handler=cmd_export)
