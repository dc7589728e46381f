"""Writing a text file all or nothing.

The text goes to a temporary name in the target folder, is flushed to disk, then moved over
the target in one step, so a crash or a full disk never leaves half a file behind and never
damages a file that was already there. Exports, scripts and settings all write this way.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import logging
import os
import secrets
import stat
import time
from pathlib import Path

from app.errors import DiskFull, FileExists, InvalidInput

try:
    import fcntl
except ImportError:  # Windows: no flock; leftovers are then cleaned by age alone
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

#: Without a lock to ask (Windows), a temporary file this old is taken to be left over.
STALE_TMP_S = 3600


def fsync_folder(folder: Path) -> None:
    """Make a new or renamed file's name durable: fsync on the file alone does not cover it.

    The one place this is done (takes, imports, exports, scripts and settings all call it);
    not every platform can open a folder (Windows), and that is not an error.
    """
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        log.debug("fsync of %s failed: %s", folder, exc)
    finally:
        os.close(fd)


def _lock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _is_abandoned(tmp: Path) -> bool:
    """True when no live writer holds ``tmp`` (its writer was killed)."""
    if fcntl is None:
        try:
            return time.time() - tmp.stat().st_mtime > STALE_TMP_S
        except OSError:
            return False
    try:
        fd = os.open(tmp, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # a writer in this or another process is still at work
    finally:
        os.close(fd)
    return True


def clean_leftovers(path: Path) -> list[Path]:
    """Remove temporary files a killed writer of ``path`` left beside it."""
    removed = []
    for tmp in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        if tmp.is_file() and not tmp.is_symlink() and _is_abandoned(tmp):
            with contextlib.suppress(OSError):
                tmp.unlink()
                removed.append(tmp)
    return removed


def _check_replaceable(path: Path) -> None:
    """Only a regular file may be replaced: never a link, a pipe or a device (/dev/full)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISREG(info.st_mode):
        return
    kind = (
        "a symbolic link"
        if stat.S_ISLNK(info.st_mode)
        else "a folder"
        if stat.S_ISDIR(info.st_mode)
        else "a named pipe"
        if stat.S_ISFIFO(info.st_mode)
        else "a device"
        if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
        else "not a regular file"
    )
    raise InvalidInput(
        f"{path} is {kind}, not a regular file, so it is not replaced.",
        "Choose the path of a new or ordinary file to write.",
    )


def _as_buddy_error(exc: OSError, path: Path) -> Exception:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull(f"The disk is full, so {path} could not be written.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return InvalidInput(
            f"You do not have permission to write to {path.parent}.",
            "Choose a folder you can write to.",
        )
    return InvalidInput(
        f"{path} could not be written: {exc.strerror or exc}.",
        "Check the folder and try again, or choose another one.",
    )


def _link_new(tmp: Path, path: Path) -> bool:
    """Put ``tmp`` at ``path`` only if nothing is there; False if links are unsupported.

    A hard link fails if the target exists, so unlike check-then-rename no file that appears
    in between can be overwritten.
    """
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:
        return False
    os.unlink(tmp)
    return True


def write_atomic(path: Path, text: str | bytes, *, force: bool = False) -> Path:
    """Write ``text`` (UTF-8; bytes as they are) to ``path`` atomically and return the path.

    Without ``force`` an existing file is refused (``FileExists``). The folder must exist: a
    mistyped folder is far more likely than a wish to create one, so it is an
    ``InvalidInput`` rather than a silent new folder tree. On any failure the temporary file is
    removed and an existing file at ``path`` is left as it was.
    """
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise InvalidInput(
            f"The folder {folder} does not exist.",
            "Create the folder first, or choose another place to save the file.",
        )
    if path.is_dir():
        raise InvalidInput(
            f"{path} is a folder, not a file.", "Choose a file name inside that folder."
        )
    if os.path.lexists(path) and not force:
        raise FileExists(f"{path} already exists.")
    _check_replaceable(path)
    clean_leftovers(path)
    tmp = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        # os.open with 0o666 lets the umask decide the mode, as for any new file.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        _lock(fd)  # held until the file is closed: tells clean_leftovers it is in use
        with os.fdopen(fd, "wb") as handle:
            handle.write(text if isinstance(text, bytes) else text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        if force:
            _check_replaceable(path)  # again: something may have appeared meanwhile
            with contextlib.suppress(FileNotFoundError):
                # Replacing a file keeps its permissions, as editing it in place would.
                os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))
            os.replace(tmp, path)
        elif not _link_new(tmp, path):
            if path.exists():
                raise FileExists(f"{path} already exists.")
            os.replace(tmp, path)
    except FileExistsError:
        _remove(tmp)
        raise FileExists(f"{path} already exists.") from None
    except OSError as exc:
        _remove(tmp)
        raise _as_buddy_error(exc, path) from exc
    except BaseException:
        _remove(tmp)
        raise
    fsync_folder(folder)
    return path


def _remove(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        tmp.unlink()
