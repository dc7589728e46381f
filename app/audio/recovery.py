"""Repairing takes that were interrupted (crash, kill -9, power cut) while recording.

Any recording still marked "recording" whose file nobody holds locked was cut off. Its WAV
header may still say "no samples" (or fewer than there are); the samples themselves are on disk.
We point the header at every whole frame the file holds, recompute the duration, keep the
markers, and mark the take "recovered". Running this again finds nothing left to do.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import soundfile

from app.audio import takes
from app.audio.wav_writer import WavLayout, read_layout, write_sizes
from app.clock import format_clock
from app.errors import AudioUnreadable
from app.models import Recording
from app.paths import Paths
from app.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecoveryReport:
    recording_id: int
    interview_id: int
    path: Path
    status: str  # what the take is marked now: "recovered" or "stopped-early" (nothing saved)
    duration_s: float
    markers: int
    message: str

    def __str__(self) -> str:
        return f"interview {self.interview_id}, take {self.path.name}: {self.message}"


@dataclass(frozen=True)
class RepairedWav:
    frames: int
    samplerate: int
    channels: int
    how: str  # "header rewritten", "libsndfile", "intact"


def repair_wav(path: Path) -> RepairedWav:
    """Make ``path``'s header describe every whole frame in the file; raises AudioUnreadable."""
    layout = read_layout(path)
    if layout is not None:
        how = _rewrite_sizes(path)
    else:
        # Not a layout we can fix byte by byte (e.g. extra chunks after the samples): libsndfile
        # notices a WAV whose writer was killed and fixes it when opened read/write.
        how = "libsndfile"
        try:
            with soundfile.SoundFile(path, "r+"):
                pass
        except (soundfile.LibsndfileError, RuntimeError, OSError) as exc:
            raise AudioUnreadable(
                f"The take {path} cannot be repaired.", details=f"{type(exc).__name__}: {exc}"
            ) from exc
    try:
        info = soundfile.info(str(path))
        if info.frames:
            # Reading the last frames proves the header and the data agree.
            with soundfile.SoundFile(path) as fh:
                fh.seek(max(0, info.frames - 16))
                fh.read(16, dtype="int16")
    except (soundfile.LibsndfileError, RuntimeError, OSError) as exc:
        raise AudioUnreadable(
            f"The take {path} is damaged beyond repair.", details=f"{type(exc).__name__}: {exc}"
        ) from exc
    return RepairedWav(int(info.frames), int(info.samplerate), int(info.channels), how)


def _rewrite_sizes(path: Path) -> str:
    layout = read_layout(path)
    assert layout is not None
    whole_bytes = layout.frames_on_disk * layout.block_align
    stray = layout.file_bytes - layout.data_offset - whole_bytes
    if layout.header_data_bytes == whole_bytes and stray <= 0:
        return "intact"
    if _chunk_follows_data(path, layout):
        return "intact"  # a complete file with a chunk after the samples: nothing was cut off
    fd = os.open(path, os.O_RDWR)
    try:
        if stray > 0:
            # Half a frame was being written when the process died: it is noise, not sound.
            os.ftruncate(fd, layout.data_offset + whole_bytes)
        write_sizes(fd, layout, whole_bytes)
        os.fsync(fd)
    finally:
        os.close(fd)
    return "header rewritten"


def _chunk_follows_data(path: Path, layout: WavLayout) -> bool:
    """True when the header's data size ends exactly where a well-formed chunk starts that ends
    the file (e.g. LIST after the samples), rather than where syncing stopped. Samples rarely
    look like that (four printable bytes and a size that lands exactly on the end)."""
    end = layout.data_offset + layout.header_data_bytes + (layout.header_data_bytes & 1)
    if layout.header_data_bytes == 0 or end + 8 > layout.file_bytes:
        return False
    with open(path, "rb") as fh:
        fh.seek(end)
        head = fh.read(8)
    chunk_id, size = head[:4], int.from_bytes(head[4:], "little")
    printable = len(chunk_id) == 4 and all(48 <= c < 123 or c == 32 for c in chunk_id)
    return printable and end + 8 + size + (size & 1) == layout.file_bytes


def recover_interrupted(store: Store, paths: Paths) -> list[RecoveryReport]:
    """Repair every take left "recording" by a process that is gone; returns what was done."""
    reports = []
    for recording in store.recordings_with_status("recording"):
        path = paths.data / recording.path
        if takes.is_live(path):
            continue  # another window or process is recording it right now
        try:
            reports.append(_recover(store, recording, path))
        except Exception:
            # One bad take must not stop the app from opening; it is tried again next start.
            log.exception("Recovering take %s failed", recording.id)
    return reports


def _recover(store: Store, recording: Recording, path: Path) -> RecoveryReport:
    markers = len(recording.markers)

    def nothing_kept(message: str) -> RecoveryReport:
        return _mark(store, recording, path, status="stopped-early", duration=0.0, message=message)

    if not path.exists():
        return nothing_kept(
            "The take was interrupted before its audio file was written; there is no sound to keep."
        )
    if path.stat().st_size == 0:
        return nothing_kept("The take was interrupted before any sound was saved.")
    try:
        repaired = repair_wav(path)
    except AudioUnreadable as exc:
        return nothing_kept(
            f"The take was interrupted and its file cannot be read ({exc.message})."
        )
    duration = repaired.frames / repaired.samplerate if repaired.samplerate else 0.0
    if repaired.frames == 0:
        return nothing_kept("The take was interrupted before any sound was saved.")
    log.info("Recovered %s (%s): %d frames", path, repaired.how, repaired.frames)
    message = (
        f"Recovered after the app stopped unexpectedly: {format_clock(duration)} of audio "
        f"kept, with its {markers} marker{'s' if markers != 1 else ''}."
    )
    partial = _keep_live_transcript(store, recording)
    if partial:
        message = f"{message} {partial}"
    report = _mark(
        store,
        recording,
        path,
        status="recovered",
        duration=duration,
        message=message,
        samplerate=repaired.samplerate,
        channels=repaired.channels,
    )
    interview = store.interview(recording.interview_id)
    if interview.status == "new":
        store.update_interview(recording.interview_id, status="recovered")
    return report


def _keep_live_transcript(store: Store, recording: Recording) -> str:
    from app.transcription.partial import keep_partial

    try:
        partial = keep_partial(store, recording)
    except Exception:
        log.exception("Keeping the live transcript of take %s failed", recording.id)
        return ""
    return partial.describe() if partial else ""


def _mark(
    store: Store,
    recording: Recording,
    path: Path,
    *,
    status: str,
    duration: float,
    message: str,
    samplerate: int | None = None,
    channels: int | None = None,
) -> RecoveryReport:
    store.update_recording(
        recording.id,
        status=status,
        duration_s=duration,
        message=message,
        sample_rate=samplerate,
        channels=channels,
    )
    return RecoveryReport(
        recording_id=recording.id,
        interview_id=recording.interview_id,
        path=path,
        status=status,
        duration_s=duration,
        markers=len(recording.markers),
        message=message,
    )
