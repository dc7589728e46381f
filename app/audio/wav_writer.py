"""Writing a take to disk so that a crash, kill -9 or power cut costs at most the last second.

WAV (PCM_16) because it is the one container libsndfile reopens intact after its writer was
killed; FLAC, RF64 and CAF were lost in the same test. On every ``sync`` the data is fsynced and
then the RIFF/data sizes in the header are brought up to date, so even a take that recovery never
sees reads back everything that was synced.
"""

from __future__ import annotations

import errno
import os
import shutil
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import soundfile


class AudioWriter(Protocol):
    """What the recorder writes through; tests inject failing or slow ones."""

    frames: int

    def write(self, block: np.ndarray) -> None:
        """Append ``block`` (frames x channels, float32). Raises OSError when the disk fails."""

    def sync(self) -> None:
        """Make everything written so far survive a power cut."""

    def close(self) -> None:
        """Finish the file so that any player reads it; safe to call twice."""


WriterFactory = Callable[..., AudioWriter]  # (path, *, samplerate, channels) -> AudioWriter


@dataclass(frozen=True)
class WavLayout:
    """Where the samples are in a plain PCM WAV file."""

    data_offset: int  # first byte of the samples
    block_align: int  # bytes per frame
    samplerate: int
    channels: int
    header_data_bytes: int  # what the header claims
    file_bytes: int

    @property
    def frames_on_disk(self) -> int:
        return max(0, self.file_bytes - self.data_offset) // self.block_align


def read_layout(path: Path) -> WavLayout | None:
    """Parse a RIFF/WAVE header, or None when it is not a PCM WAV whose samples come last."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return None
        fmt: tuple[int, int, int, int] | None = None
        while True:
            chunk = fh.read(8)
            if len(chunk) < 8:
                return None
            chunk_id, chunk_size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if chunk_id == b"data":
                if fmt is None:
                    return None
                tag, channels, rate, align = fmt
                # 1 = PCM, 3 = float, 0xFFFE = extensible: all store plain interleaved frames.
                if tag not in (1, 3, 0xFFFE) or channels < 1 or align < 1:
                    return None
                return WavLayout(fh.tell(), align, rate, channels, chunk_size, size)
            body_start = fh.tell()
            if chunk_id == b"fmt ":
                body = fh.read(min(chunk_size, 64))
                if len(body) < 16:
                    return None
                tag, channels, rate, _byte_rate, align = struct.unpack("<HHIIH", body[:14])
                fmt = (tag, channels, rate, align)
            # Chunks are padded to an even length.
            fh.seek(body_start + chunk_size + (chunk_size & 1))
            if fh.tell() >= size:
                return None


def write_sizes(fd: int, layout: WavLayout, data_bytes: int) -> None:
    """Point the RIFF and data chunk sizes at ``data_bytes`` of samples, in place."""
    data_bytes = min(data_bytes, 0xFFFFFFFF - layout.data_offset)
    os.pwrite(fd, struct.pack("<I", layout.data_offset - 8 + data_bytes), 4)
    os.pwrite(fd, struct.pack("<I", data_bytes), layout.data_offset - 4)


def _looks_like_full_disk(folder: Path, needed: int) -> bool:
    try:
        return shutil.disk_usage(folder).free < max(needed, 4096)
    except OSError:
        return False


class WavWriter:
    """PCM_16 WAV through libsndfile, on a descriptor we own so that we can fsync it."""

    def __init__(self, path: Path, *, samplerate: int, channels: int) -> None:
        self.path = path
        self.samplerate = samplerate
        self.channels = channels
        self.frames = 0
        self._synced_frames = -1
        # O_EXCL: two recorders must never share (and truncate) one take.
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            self._file = soundfile.SoundFile(
                self._fd,
                "w",
                samplerate=samplerate,
                channels=channels,
                subtype="PCM_16",
                format="WAV",
                closefd=False,
            )
        except Exception:
            os.close(self._fd)
            path.unlink(missing_ok=True)
            raise
        self._layout = read_layout(path)
        self._closed = False
        self._failed = False
        self.sync()

    def write(self, block: np.ndarray) -> None:
        try:
            self._file.write(block)
        except (soundfile.LibsndfileError, AssertionError) as exc:
            self._failed = True
            # libsndfile reports a failed write(2) as "system error" without errno: tell a full
            # disk apart by looking, so the user gets the message that helps.
            full = _looks_like_full_disk(self.path.parent, block.nbytes)
            code = errno.ENOSPC if full else errno.EIO
            raise OSError(code, f"{os.strerror(code)} ({exc})", str(self.path)) from exc
        self.frames += len(block)

    def sync(self) -> None:
        """Safe to call from another thread while ``write`` runs (never during ``close``).

        It leaves libsndfile alone: libsndfile hands every frame to write(2) before ``write``
        returns (checked: a kill -9 straight after writing loses nothing), so fsync on our
        descriptor covers all frames counted before it started.
        """
        frames = self.frames
        if self._closed or self._synced_frames == frames:
            return
        # Data first, then the header that points at it: a power cut between the two leaves a
        # header that claims less than is there, never more.
        os.fsync(self._fd)
        if self._layout is not None:
            # pwrite leaves the file offset, where libsndfile appends, untouched.
            write_sizes(self._fd, self._layout, frames * self._layout.block_align)
        self._synced_frames = frames

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._file.close()  # libsndfile writes the final header here
            os.fsync(self._fd)
        finally:
            os.close(self._fd)
        if self._failed:
            # A failed write can still have stored part of its block, and the header counts it.
            self.frames = soundfile.info(str(self.path)).frames
