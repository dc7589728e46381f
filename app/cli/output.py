"""Writing to standard output when it may be closed, full or a pipe that went away."""

from __future__ import annotations

import errno
import sys

from app.errors import DiskFull, InvalidInput


def write_stdout(text: str) -> None:
    """Write ``text`` to stdout, turning a closed or full stdout into a clear error.

    A reader that went away (``| head``) raises ``BrokenPipeError``, which ``main`` ends
    quietly: that is the reader's choice, not a failure.
    """
    stream = sys.stdout
    if stream is None:
        raise InvalidInput(
            "Standard output is closed, so the export has nowhere to go.",
            "Use --out FILE to write it to a file instead of '-'.",
        )
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskFull(
                "Standard output is full, so the export could not be written.",
                "Free some space or use --out FILE to write it elsewhere.",
            ) from exc
        if exc.errno == errno.EBADF:
            raise InvalidInput(
                "Standard output is closed, so the export has nowhere to go.",
                "Use --out FILE to write it to a file instead of '-'.",
            ) from exc
        raise InvalidInput(
            f"Standard output could not be written ({exc.strerror or exc}).",
            "Use --out FILE to write it to a file instead of '-'.",
        ) from exc
