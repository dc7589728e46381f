"""What went wrong with the database file, said honestly.

SQLite reports a locked file, a read-only disk, a full disk and a damaged file as different
error codes; each becomes its own ``BuddyError`` here so that a healthy database is never
called damaged and a missing row is the only thing that reads "there is no interview".
"""

from __future__ import annotations

import errno
import functools
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from app.errors import (
    BuddyError,
    DatabaseDamaged,
    DatabaseLocked,
    DatabaseReadOnly,
    DiskFull,
    StorageTrouble,
)

#: Below this much free space a write to the database is refused before it starts: SQLite
#: needs room for its log and new pages, and a half-done job is worse than none.
MIN_FREE_BYTES = 512 * 1024

DISK_FULL_HINT = "Free some disk space (or choose another data folder), then try again."

F = TypeVar("F", bound=Callable[..., Any])


def storage_problem(folder: Path, *, need_bytes: int = 0) -> BuddyError | None:
    """Why nothing can be written in ``folder`` (read-only or full), or None if it can."""
    try:
        if not os.access(folder, os.W_OK):
            return DatabaseReadOnly(f"The data folder {folder} is read-only.")
        free = shutil.disk_usage(folder).free
    except OSError as exc:
        return StorageTrouble(f"The data folder {folder} cannot be reached ({exc.strerror}).")
    if free < MIN_FREE_BYTES + need_bytes:
        return DiskFull(
            f"The disk holding {folder} is full ({free / 1e6:.1f} MB free).", DISK_FULL_HINT
        )
    return None


def translate(exc: sqlite3.Error, path: Path) -> BuddyError:
    """The user-facing error for an SQLite failure on the database at ``path``."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return DatabaseLocked(f"The interview database {path} is locked by another program.")
    if name.startswith("SQLITE_READONLY") or "readonly" in text:
        return DatabaseReadOnly(f"The interview database {path} is read-only.")
    if name == "SQLITE_FULL" or "disk is full" in text:
        return DiskFull(f"The disk holding {path} is full.", DISK_FULL_HINT)
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text:
        return DatabaseDamaged(f"The interview database {path} is damaged.", details=text)
    # An I/O error or a file that cannot be opened: usually the folder, not the file, is at
    # fault, so say which when we can tell.
    problem = storage_problem(path.parent)
    if problem is not None:
        return problem
    return StorageTrouble(
        f"The interview database {path} could not be read or written.", details=text
    )


def translate_os(exc: OSError, path: Path) -> BuddyError:
    """The user-facing error for a file operation in the data folder."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull(f"The disk is full, so {path} could not be written.", DISK_FULL_HINT)
    if exc.errno == errno.EROFS or (
        exc.errno in (errno.EACCES, errno.EPERM) and not os.access(path.parent, os.W_OK)
    ):
        return DatabaseReadOnly(f"The data folder {path.parent} is read-only.")
    return StorageTrouble(f"{path} could not be read or written ({exc.strerror or exc}).")


def guarded(path_of: Callable[[Any], Path]) -> Callable[[type], type]:
    """Class decorator: every public method turns SQLite errors into ``BuddyError``s."""

    def decorate(cls: type) -> type:
        for name, value in list(vars(cls).items()):
            if name.startswith("_") or not callable(value):
                continue
            setattr(cls, name, _wrap(value, path_of))
        return cls

    return decorate


def is_storage_error(exc: BaseException) -> bool:
    """A failure of the file or disk, as opposed to a bug (a broken constraint, bad SQL)."""
    return isinstance(exc, sqlite3.OperationalError) or type(exc) is sqlite3.DatabaseError


def _wrap(method: F, path_of: Callable[[Any], Path]) -> F:
    @functools.wraps(method)
    def inner(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            if not is_storage_error(exc):
                raise
            raise translate(exc, path_of(self)) from exc

    return inner  # type: ignore[return-value]
