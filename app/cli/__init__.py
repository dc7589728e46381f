"""The ``buddy-interviews`` command: every capability of the app, headless.

Errors are one line saying what happened and one saying what to do, on stderr, with exit
status 2 for bad input; never a traceback for a problem the user can fix.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from app.cli import (
    edit_cmds,
    interview_cmds,
    post_cmds,
    publish_cmd,
    record_cmd,
    script_cmds,
    voice_cmd,
    work_cmds,
)
from app.context import AppContext
from app.errors import BuddyError

log = logging.getLogger("app.cli")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="buddy-interviews",
        description="Interview a colleague, transcribe it offline and turn it into a blog post. "
        "Run without a command to start the desktop app.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    interview_cmds.register(sub)
    work_cmds.register(sub)
    script_cmds.register(sub)
    record_cmd.register(sub)
    edit_cmds.register(sub)
    voice_cmd.register(sub)
    post_cmds.register(sub)
    publish_cmd.register(sub)
    return parser


def _start_desktop() -> int:
    try:
        from ui.main import main as ui_main
    except ImportError as exc:
        print(f"The desktop app cannot start: {exc}.", file=sys.stderr)
        print(
            "Install it with 'make run', or use a command: buddy-interviews --help", file=sys.stderr
        )
        return 2
    return ui_main()


def print_error(error: BuddyError) -> None:
    # The technical details first, so the last lines are what happened and what to do.
    if error.details:
        print(f"Details: {error.details}", file=sys.stderr)
    print(f"Error: {error.message}", file=sys.stderr)
    if error.hint:
        print(f"Hint: {error.hint}", file=sys.stderr)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, AttributeError, ValueError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # The handler gets its own level: the desktop app later lowers the root level to INFO for
    # its log file, and those lines must not spill onto the terminal.
    console = logging.StreamHandler()
    console.setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        handlers=[console],
    )
    if args.version:
        from app.version import version

        print(f"buddy-interviews {version()}")
        return 0
    if not args.command:
        return _start_desktop()
    handler = getattr(args, "handler", None)
    if handler is None:  # a command group such as "scripts" without its subcommand
        parser.parse_args([*(argv or sys.argv[1:]), "--help"])
        return 2
    ctx = None
    try:
        ctx = AppContext.open(recover=getattr(args, "recover_on_start", True))
        for report in ctx.recovered:
            print(f"Recovered an interrupted take: {report}", file=sys.stderr)
        for warning in ctx.warnings:
            print(f"Warning: {warning}", file=sys.stderr)
        for path in ctx.cleaned:
            print(f"Removed {path.name}, left by an interrupted import.", file=sys.stderr)
        code = int(handler(args, ctx) or 0)
        if sys.stdout is not None:
            sys.stdout.flush()  # a pipe that went away says so here, not at exit
        return code
    except BrokenPipeError:
        # The reader stopped reading (``show --json | head``): its choice, not an error.
        _silence_stdout()
        return 0
    except BuddyError as error:
        print_error(error)
        return error.exit_code
    except KeyboardInterrupt:
        print("Stopped. Nothing was changed by the interrupted step.", file=sys.stderr)
        return 130
    finally:
        if ctx is not None:
            ctx.close()


if __name__ == "__main__":
    sys.exit(main())
