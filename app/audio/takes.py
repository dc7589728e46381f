"""Take files: their names, and the lock that tells recovery a take is still being recorded.

The lock is an advisory ``flock`` on the audio file itself, held for as long as the recorder
runs. The kernel drops it when the process dies (crash, kill -9, power cut), so "locked" means
"live" and recovery never touches a take another window or process is still writing.
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: no flock; recovery then relies on the status alone
    fcntl = None  # type: ignore[assignment]

from app.atomic import fsync_folder
from app.audio.wav_writer import AudioWriter, WriterFactory
from app.clock import format_clock
from app.errors import BuddyError, DiskFull
from app.paths import Paths
from app.store import Store

log = logging.getLogger(__name__)

__all__ = ["format_clock", "fsync_folder"]  # kept here for older imports

#: Refuse to start unless this much audio fits on the disk.
MIN_FREE_MINUTES = 30


def take_name(interview_id: int, take: int) -> str:
    return f"interview-{interview_id}-take-{take}.wav"


def relative_take_path(interview_id: int, take: int) -> str:
    """The path stored in the database: relative to the data folder, always with '/'."""
    return f"audio/{take_name(interview_id, take)}"


def hold_lock(path: Path) -> int | None:
    """Lock ``path`` for this process; returns the descriptor to pass to ``release_lock``."""
    if fcntl is None:
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise
    return fd


def release_lock(fd: int | None) -> None:
    if fd is None:
        return
    try:
        os.close(fd)  # closing the only descriptor of the open file releases the flock
    except OSError as exc:
        log.warning("Releasing a take lock failed: %s", exc)


def is_live(path: Path) -> bool:
    """True when another open file (any process, this one included) holds the take's lock."""
    if fcntl is None or not path.exists():
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # also drops the lock we may just have taken
    return False


def check_free_space(
    folder: Path,
    *,
    bytes_per_second: int,
    rate: int,
    free_space: Callable[[Path], Any],
    minutes: int = MIN_FREE_MINUTES,
) -> None:
    """Raise DiskFull unless ``minutes`` of audio fit in ``folder``'s file system."""
    folder.mkdir(parents=True, exist_ok=True)
    needed = minutes * 60 * bytes_per_second
    free = int(free_space(folder).free)
    if free < needed:
        raise DiskFull(
            f"Only {free / 1e6:.0f} MB is free in {folder}, not enough for {minutes} minutes "
            f"of recording ({needed / 1e6:.0f} MB at {rate} Hz)."
        )


def create_take_file(
    store: Store,
    paths: Paths,
    interview_id: int,
    *,
    writer_factory: WriterFactory,
    samplerate: int,
    channels: int,
) -> tuple[AudioWriter, Path, str]:
    """A new take file (the next free take number) and its writer; returns (writer, absolute
    path, path relative to the data folder)."""
    take = len(store.recordings(interview_id)) + 1
    while True:
        relative = relative_take_path(interview_id, take)
        path = paths.data / relative
        try:
            writer = writer_factory(path, samplerate=samplerate, channels=channels)
        except FileExistsError:  # left by an older take whose row was deleted
            take += 1
            continue
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise DiskFull(f"The disk is full: {path} cannot be created.") from exc
            raise BuddyError(
                f"The recording file {path} cannot be created ({exc.strerror or exc}).",
                "Check that the data folder exists and is writable.",
            ) from exc
        fsync_folder(path.parent)
        return writer, path, relative
