"""A guard against a reference-counting bug in the PySide6 6.12 wheels on CPython < 3.12.

Measured here (PySide6 6.12.0, CPython 3.11): every call of a void Qt method (setText,
processEvents, ...) returns ``None`` without taking a reference to it, and every
``Signal.emit()`` does the same with ``True``. CPython 3.12 made these objects immortal, so
the bindings get away with it there; on 3.11 each call lowers the count by one until Python
aborts with "Fatal Python error: none_dealloc" (or bool_dealloc) after some thousands of
calls: minutes into a session, or seconds into a transcription with a live progress bar.

The remedy is what CPython 3.12 does: give the three singletons a reference count so large
that no number of stray decrements can bring it to zero. Remove this module once the project
requires Python >= 3.12 or a PySide6 release without the bug.
"""

from __future__ import annotations

import ctypes
import sys

#: About 10^12 spare references: a void call every microsecond would need 12 days to use them.
_SPARE = 1 << 40

_done = False


def protect_singletons() -> None:
    global _done
    if _done or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    for obj in (None, True, False):
        # ob_refcnt is the first field of every PyObject in a release build of CPython.
        ctypes.c_ssize_t.from_address(id(obj)).value += _SPARE
    _done = True
