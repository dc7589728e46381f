"""Input level maths for meters and warnings: pure functions over float32 blocks.

"Too quiet" is judged on speech only. A quiet room and a quiet voice read the same on a plain
level meter, so silence used to be reported as a microphone problem. Each block is cut into
short frames; a frame counts as voice when most of its energy lies in the voice band and it
stands clearly above the room's own level (the quiet end of the last few seconds). Only
when voice was heard recently is its level judged; otherwise there is nothing to judge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

#: What an all-zero block reads as, instead of minus infinity.
FLOOR_DBFS = -120.0
#: Peaks at or above this have (almost certainly) been clipped by the converter.
CLIP_DBFS = -0.1
#: Speech into a working microphone sits well above this; a muted or wrong input sits below.
QUIET_DBFS = -50.0
#: How long the input must stay quiet before we say so: pauses in speech are shorter.
QUIET_SECONDS = 3.0
#: Speech whose louder parts stay under this is too quiet to transcribe well: about 25 dB
#: below a voice at a comfortable distance from a laptop microphone.
QUIET_SPEECH_DBFS = -45.0
#: Frames (and the history kept) for the voice judgement.
FRAME_S = 0.032
HISTORY_S = 6.0
#: A voice frame stands this far above the room's level ...
VOICE_OVER_ROOM_DB = 10.0
#: ... carries at least this share of its energy between these frequencies ...
VOICE_BAND_HZ = (250.0, 4000.0)
VOICE_BAND_SHARE = 0.6
#: ... and is not below what any converter produces on its own.
VOICE_MIN_DBFS = -90.0
#: This much voice in the history counts as "someone spoke".
VOICE_SECONDS = 0.25
#: Judge only after hearing this long (the room's level is unknown before).
JUDGE_AFTER_S = 1.0
#: ... and then this often: the words beside the meter need no more, and a block every few
#: milliseconds would otherwise pay for a percentile each.
JUDGE_EVERY_S = 0.1


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
    #: Someone spoke recently, but too quietly (never set by silence alone).
    too_quiet: bool = False
    #: How long the input has been below ``QUIET_DBFS`` without a break.
    quiet_s: float = 0.0
    #: Voice was heard in the last few seconds.
    speech: bool = False
    #: How loud that voice was (its louder frames), or FLOOR_DBFS without voice.
    speech_db: float = FLOOR_DBFS
    #: How long has been heard in all (the judgement waits for JUDGE_AFTER_S).
    heard_s: float = 0.0
    #: How long since voice was last heard (or since listening began).
    since_speech_s: float = 0.0
    #: The last HISTORY_S seconds as frames: rows of (seconds, rms dBFS, voice-band share).
    frames: np.ndarray = field(default_factory=lambda: _NO_FRAMES, repr=False, compare=False)
    #: Audio heard since the voice was last judged (it is judged every JUDGE_EVERY_S).
    unjudged_s: float = field(default=0.0, repr=False, compare=False)

    @property
    def judged(self) -> bool:
        """Enough has been heard to say anything about the voice."""
        return self.heard_s >= JUDGE_AFTER_S


_NO_FRAMES = np.zeros((0, 3))
SILENT = Level()


@lru_cache(maxsize=16)
def _window_and_band(size: int, rate: float) -> tuple[np.ndarray, np.ndarray]:
    freqs = np.fft.rfftfreq(size, 1.0 / rate)
    band = (freqs >= VOICE_BAND_HZ[0]) & (freqs <= VOICE_BAND_HZ[1])
    return np.hanning(size), band


def frames_of(block: np.ndarray, rate: float, frame_s: float = FRAME_S) -> np.ndarray:
    """Short frames of ``block`` (mono or the first channel): rows of (seconds, rms dBFS,
    share of the energy in the voice band). A block shorter than a frame is one frame."""
    mono = np.asarray(block, dtype=np.float32)
    if mono.ndim > 1:
        mono = mono[:, 0]
    size = max(16, int(rate * frame_s))
    count = len(mono) // size
    if count == 0:
        if len(mono) == 0:
            return _NO_FRAMES
        count, size = 1, len(mono)
    chunks = mono[: count * size].reshape(count, size).astype(np.float64)
    rms = np.sqrt(np.mean(np.square(chunks), axis=1))
    window, band = _window_and_band(size, round(rate))
    power = np.abs(np.fft.rfft(chunks * window, axis=1)) ** 2
    total = power[:, 1:].sum(axis=1)  # without DC: an offset is not sound
    share = np.where(total > 0, power[:, band].sum(axis=1) / np.maximum(total, 1e-30), 0.0)
    db = np.maximum(FLOOR_DBFS, 20.0 * np.log10(np.maximum(rms, 1e-30)))
    return np.column_stack([np.full(count, size / rate), db, share])


def judge_voice(frames: np.ndarray) -> tuple[bool, float]:
    """(voice heard, its level) over ``frames``: the room's level is their quiet end."""
    if len(frames) == 0:
        return False, FLOOR_DBFS
    seconds, db, share = frames[:, 0], frames[:, 1], frames[:, 2]
    room = float(np.percentile(db, 10))
    voiced = (share >= VOICE_BAND_SHARE) & (db >= max(room + VOICE_OVER_ROOM_DB, VOICE_MIN_DBFS))
    if float(seconds[voiced].sum()) < VOICE_SECONDS:
        return False, FLOOR_DBFS
    # The louder part of what was said: soft syllables and word ends are always quieter.
    return True, float(np.percentile(db[voiced], 80))


def measure(
    block: np.ndarray,
    *,
    seconds: float,
    previous: Level = SILENT,
    quiet_dbfs: float = QUIET_DBFS,
    quiet_after_s: float = QUIET_SECONDS,
    clip_dbfs: float = CLIP_DBFS,
    quiet_speech_dbfs: float = QUIET_SPEECH_DBFS,
) -> Level:
    """The level of ``block`` (``seconds`` long), carrying the history on from ``previous``.

    ``too_quiet`` means a voice was heard and it was quiet: silence alone never sets it.
    """
    peak = peak_dbfs(block)
    rms = rms_dbfs(block)
    quiet_s = previous.quiet_s + seconds if rms < quiet_dbfs else 0.0
    rate = len(block) / seconds if seconds > 0 else 16000.0
    frames = np.concatenate([previous.frames, frames_of(block, rate)])
    # Keep the newest HISTORY_S seconds.
    newest_first = np.cumsum(frames[::-1, 0])
    keep = int(np.searchsorted(newest_first, HISTORY_S)) + 1
    frames = frames[-keep:]
    heard_s = previous.heard_s + seconds
    unjudged_s = previous.unjudged_s + seconds
    speech, speech_db = previous.speech, previous.speech_db
    if heard_s >= JUDGE_AFTER_S and unjudged_s >= JUDGE_EVERY_S:
        speech, speech_db = judge_voice(frames)
        unjudged_s = 0.0
    return Level(
        peak_db=peak,
        rms_db=rms,
        clipping=peak >= clip_dbfs,
        too_quiet=speech and speech_db < quiet_speech_dbfs,
        quiet_s=quiet_s,
        speech=speech,
        speech_db=speech_db,
        heard_s=heard_s,
        since_speech_s=0.0 if speech else previous.since_speech_s + seconds,
        frames=frames,
        unjudged_s=unjudged_s,
    )
