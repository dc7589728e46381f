"""The recording commands: ``devices``, ``record ID`` and ``recover``."""

from __future__ import annotations

import argparse
import contextlib
import math
import signal
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any, TextIO

from app.audio import levels
from app.audio.devices import describe_inputs, list_inputs
from app.audio.recorder import Recorder, RecordingResult
from app.clock import format_clock
from app.context import AppContext
from app.errors import (
    BuddyError,
    DeviceStopped,
    DiskFull,
    EditsWouldBeLost,
    InvalidInput,
    NoInputDevice,
    NotFound,
)
from app.models import Segment
from app.services import Services
from app.transcription.engine import Engine
from app.transcription.live import LiveTranscriber
from app.wording import plural

METER_WIDTH = 24
METER_FLOOR_DB = -60.0
METER_INTERVAL_S = 0.2


def register(subparsers: argparse._SubParsersAction) -> None:
    devices = subparsers.add_parser("devices", help="list the microphones you can record from")
    devices.set_defaults(handler=devices_command, recover_on_start=False)

    record = subparsers.add_parser(
        "record",
        help="record an interview",
        description="Record a take of an interview. Press Enter to mark the next question "
        "('b' + Enter: back one, 'p' + Enter: pause or resume). Stop with Ctrl-C.",
    )
    record.add_argument("interview_id", type=int, metavar="ID", help="the interview to record")
    record.add_argument(
        "--device", help="input number or part of its name (see 'devices'); default: the system's"
    )
    record.add_argument("--seconds", type=float, metavar="N", help="stop by itself after N seconds")
    record.add_argument(
        "--quiet", action="store_true", help="do not print the live transcript as it arrives"
    )
    record.add_argument(
        "--no-live",
        action="store_true",
        help="no live transcription this time: the take is transcribed after it ends",
    )
    record.set_defaults(handler=record_command)

    recover = subparsers.add_parser(
        "recover", help="repair takes cut off by a crash or power cut and report them"
    )
    # This command reports what it repairs, so start-up recovery must leave the work to it.
    recover.set_defaults(handler=recover_command, recover_on_start=False)


def devices_command(args: argparse.Namespace, ctx: AppContext) -> int:
    found = list_inputs()
    if not found:
        raise NoInputDevice("No microphone or other input was found.")
    print(describe_inputs(found))
    return 0


def recover_command(args: argparse.Namespace, ctx: AppContext) -> int:
    services = Services(ctx)
    reports = [*ctx.recovered, *services.recover()]
    removed = [*ctx.cleaned, *services.clean_leftovers()]
    if not reports and not removed:
        print("No interrupted takes found: nothing to repair.")
    for report in reports:
        print(f"Take {report.recording_id} ({report.status}): {report}")
    for path in removed:
        print(f"Removed {path.name}: left by an interrupted import or delete.")
    return 0


def record_command(args: argparse.Namespace, ctx: AppContext) -> int:
    services = Services(ctx)
    interview = services.interview(args.interview_id)
    if args.seconds is not None and not (math.isfinite(args.seconds) and args.seconds > 0):
        raise InvalidInput(
            f"--seconds must be a number of seconds more than 0, not {args.seconds}.",
            "Leave it out to record until Ctrl-C.",
        )
    services.check_can_record(interview.id)
    done = threading.Event()
    events: list[tuple[str, str]] = []

    def on_event(kind: str, message: str) -> None:
        events.append((kind, message))
        done.set()

    def on_notice(kind: str, message: str) -> None:
        # The take goes on: say it on its own line, above the meter.
        print(f"\r{' ' * 79}\r{message}", flush=True)

    recorder = services.recorder(
        interview.id,
        device=args.device if args.device is not None else (ctx.settings.input_device or None),
        on_event=on_event,
        on_notice=on_notice,
    )
    meter = sys.stdout.isatty()
    live = None
    if not args.no_live:
        try:
            live = services.live_transcriber(
                on_segments=None if args.quiet else lambda segs: _print_live(segs, meter=meter),
                interview_id=interview.id,
            )
        except BuddyError as exc:  # e.g. the model is missing: recording must still work
            print(f"No live transcription this time: {exc.message}", flush=True)
    if live is not None:
        recorder.add_block_consumer(live)
    questions = interview.questions
    with _stop_on_signals(done):
        recorder.start()
        assert recorder.device is not None and recorder.recording_id is not None
        finisher = None
        if live is not None:
            live.start(recorder.recording_id)
            finisher = services.prepare_finishing_engine()
        print(
            f"Recording to {recorder.path} from '{recorder.device.name}' at "
            f"{recorder.samplerate} Hz. Press Enter for the next question, Ctrl-C to stop.",
            flush=True,
        )
        if recorder.on_call:
            print(
                "On a call: channel 1 is your microphone, channel 2 the call's sound.", flush=True
            )
        if questions:
            _say_question(recorder.question_index, questions)
        threading.Thread(
            target=_read_keys, args=(sys.stdin, recorder, questions), daemon=True
        ).start()
        started = time.monotonic()
        try:
            while not done.wait(METER_INTERVAL_S):
                if meter:
                    _draw_meter(recorder, len(questions))
                if args.seconds is not None and time.monotonic() - started >= args.seconds:
                    break
        finally:
            if meter:
                print("\r" + " " * 79 + "\r", end="", flush=True)
            result = recorder.stop()
    if not services.interview_exists(interview.id):
        raise NotFound(
            f"Interview {interview.id} was deleted while it was being recorded, so the take "
            "was not kept.",
            "Create the interview again with 'buddy-interviews new' and record a new take.",
        )
    _report(result)
    if result.frames:
        _transcribe_take(services, interview.id, live, finisher)
    if result.status != "complete":
        kind = events[0][0] if events else ""
        if kind == "disk-full":
            raise DiskFull(result.message)
        if kind == "device-stopped":
            raise DeviceStopped(result.message)
        raise BuddyError(result.message, "Check the disk and the data folder, then record again.")
    return 0


@contextlib.contextmanager
def _stop_on_signals(done: threading.Event) -> Iterator[None]:
    """Ctrl-C and SIGTERM end the take cleanly instead of interrupting the file's closing."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return

    def handler(signum: int, frame: Any) -> None:
        done.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _read_keys(stream: TextIO | None, recorder: Recorder, questions: list[str]) -> None:
    """Enter: next question; 'b': back; 'p': pause/resume. A closed stdin is simply ignored."""
    if stream is None:
        return
    try:
        for line in stream:
            key = line.strip().lower()
            if key in ("", "n"):
                _say_question(recorder.next_question(), questions)
            elif key == "b":
                _say_question(recorder.previous_question(), questions)
            elif key == "p":
                if recorder.state == "paused":
                    recorder.resume()
                    print("Recording again.", flush=True)
                else:
                    recorder.pause()
                    print("Paused ('p' + Enter to go on).", flush=True)
    except (OSError, ValueError):
        return  # stdin closed or unreadable: recording goes on without keys


def _say_question(index: int, questions: list[str]) -> None:
    if questions and 0 <= index < len(questions):
        print(f"Question {index + 1}/{len(questions)}: {questions[index]}", flush=True)
    else:
        print(f"Marked question {index + 1}.", flush=True)


def _draw_meter(recorder: Recorder, question_count: int) -> None:
    level = recorder.level
    filled = int(METER_WIDTH * max(0.0, min(1.0, 1 - level.rms_db / METER_FLOOR_DB)))
    bar = "#" * filled + "-" * (METER_WIDTH - filled)
    note = ""
    if level.clipping:
        note = "TOO LOUD"
    elif level.too_quiet:
        note = "too quiet?"
    elif recorder.state == "paused":
        note = "paused"
    total = f"/{question_count}" if question_count else ""
    db = f"{level.rms_db:5.0f}" if level.rms_db > levels.FLOOR_DBFS else " -inf"
    call = ""
    if recorder.on_call:  # the call's side has its own level (a short bar: one line in all)
        call_db = recorder.call_level.rms_db
        call_fill = int(8 * max(0.0, min(1.0, 1 - call_db / METER_FLOOR_DB)))
        call = f" call [{'#' * call_fill}{'-' * (8 - call_fill)}]"
    line = (
        f"\r{format_clock(recorder.elapsed_s):>7} [{bar}] {db} dBFS{call}  "
        f"Q{recorder.question_index + 1}{total}  {note:<10}"
    )
    print(line, end="", flush=True)


def _print_live(segments: list[Segment], *, meter: bool) -> None:
    clear = "\r" + " " * 79 + "\r" if meter else ""
    for seg in segments:
        print(f"{clear}[{format_clock(seg.start)}] {seg.text}", flush=True)


def _transcribe_take(
    services: Services,
    interview_id: int,
    live: LiveTranscriber | None,
    finisher: Engine | None = None,
) -> None:
    """The take is ready to edit when ``record`` returns: from the live transcript when it
    covered the take, else transcribed now (saying why)."""
    started = time.monotonic()
    if live is not None:
        print("Finishing the live transcript...", flush=True)
        outcome = live.finish(engine=finisher)
        if outcome.state != "complete":
            print(f"{outcome.message} Transcribing the whole take now instead.", flush=True)
    else:
        print("Transcribing the take...", flush=True)
    try:
        transcript = services.transcribe(interview_id)
    except EditsWouldBeLost:
        print(
            "The interview's transcript has corrections made by hand, so this take was not "
            f"put in it. Run 'buddy-interviews transcribe {interview_id} --discard-edits' "
            "to replace it.",
            flush=True,
        )
        return
    except BuddyError as exc:
        print(f"The take is saved, but transcribing it failed: {exc}", flush=True)
        return
    print(
        f"Transcript ready: {len(transcript.segments)} lines, "
        f"{time.monotonic() - started:.1f} s after the take was finished.",
        flush=True,
    )


def _report(result: RecordingResult) -> None:
    print(
        f"Recorded {format_clock(result.duration_s)} ({result.duration_s:.1f} s) to {result.path}",
        flush=True,
    )
    if result.overflows:
        print(
            f"Warning: the computer fell behind {plural(result.overflows, 'time')}; tiny gaps are "
            f"marked in the take.",
            flush=True,
        )
    if result.message and result.status == "complete":
        print(result.message, flush=True)
