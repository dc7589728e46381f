"""Input level maths for meters and warnings: pure functions over float32 blocks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: What an all-zero block reads as, instead of minus infinity.
FLOOR_DBFS = -120.0
#: Peaks at or above this have (almost certainly) been clipped by the converter.
CLIP_DBFS = -0.1
#: Speech into a working microphone sits well above this; a muted or wrong input sits below.
QUIET_DBFS = -50.0
#: How long the input must stay quiet before we say so: pauses in speech are shorter.
QUIET_SECONDS = 3.0


def to_dbfs(amplitude: float) -> float:
    if amplitude <= 0.0:
        return FLOOR_DBFS
    return max(FLOOR_DBFS, 20.0 * float(np.log10(amplitude)))


def peak_dbfs(block: np.ndarray) -> float:
    if block.size == 0:
        return FLOOR_DBFS
    return to_dbfs(float(np.max(np.abs(block))))


def rms_dbfs(block: np.ndarray) -> float:
    if block.size == 0:
        return FLOOR_DBFS
    # float64 accumulation: float32 squares of long blocks lose the quiet end of the range.
    return to_dbfs(float(np.sqrt(np.mean(np.square(block, dtype=np.float64)))))


@dataclass(frozen=True)
class Level:
    peak_db: float = FLOOR_DBFS
    rms_db: float = FLOOR_DBFS
    clipping: bool = False
    too_quiet: bool = False
    #: How long the input has been below ``QUIET_DBFS`` without a break.
    quiet_s: float = 0.0


SILENT = Level()


def measure(
    block: np.ndarray,
    *,
    seconds: float,
    previous: Level = SILENT,
    quiet_dbfs: float = QUIET_DBFS,
    quiet_after_s: float = QUIET_SECONDS,
    clip_dbfs: float = CLIP_DBFS,
) -> Level:
    """The level of ``block`` (``seconds`` long), carrying the quiet time on from ``previous``."""
    peak = peak_dbfs(block)
    rms = rms_dbfs(block)
    quiet_s = previous.quiet_s + seconds if rms < quiet_dbfs else 0.0
    return Level(
        peak_db=peak,
        rms_db=rms,
        clipping=peak >= clip_dbfs,
        too_quiet=quiet_s >= quiet_after_s,
        quiet_s=quiet_s,
    )
