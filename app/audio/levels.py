"""Input level maths for meters and warnings: pure functions over float32 blocks.

"Too quiet" is judged on speech only. A quiet room and a quiet voice read the same on a plain
level meter, so silence used to be reported as a microphone problem. Each block is cut into
short frames; a frame counts as voice when most of its energy lies in the voice band and it
stands clearly above the room's own level (the quiet end of the last few seconds). Only
when voice was heard recently is its level judged; otherwise there is nothing to judge.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
class Frame:
    seconds: float
    rms_db: float
    voice_share: float  # of the frame's energy, in the voice band


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
    frames: tuple[Frame, ...] = field(default=(), repr=False, compare=False)

    @property
    def judged(self) -> bool:
        """Enough has been heard to say anything about the voice."""
        return self.heard_s >= JUDGE_AFTER_S


SILENT = Level()


def frames_of(block: np.ndarray, rate: float, frame_s: float = FRAME_S) -> list[Frame]:
    """Short frames of ``block`` (mono or the first channel) with level and voice share."""
    mono = np.asarray(block, dtype=np.float32)
    if mono.ndim > 1:
        mono = mono[:, 0]
    size = max(16, int(rate * frame_s))
    count = len(mono) // size
    if count == 0:
        if len(mono) == 0:
            return []
        count, size = 1, len(mono)
    chunks = mono[: count * size].reshape(count, size).astype(np.float64)
    rms = np.sqrt(np.mean(np.square(chunks), axis=1))
    power = np.abs(np.fft.rfft(chunks * np.hanning(size), axis=1)) ** 2
    freqs = np.fft.rfftfreq(size, 1.0 / rate)
    band = (freqs >= VOICE_BAND_HZ[0]) & (freqs <= VOICE_BAND_HZ[1])
    total = power[:, 1:].sum(axis=1)  # without DC: an offset is not sound
    share = np.where(total > 0, power[:, band].sum(axis=1) / np.maximum(total, 1e-30), 0.0)
    seconds = size / rate
    return [Frame(seconds, to_dbfs(float(r)), float(v)) for r, v in zip(rms, share, strict=True)]


def judge_voice(frames: tuple[Frame, ...]) -> tuple[bool, float]:
    """(voice heard, its level) over ``frames``: the room's level is their quiet end."""
    if not frames:
        return False, FLOOR_DBFS
    levels = np.array([f.rms_db for f in frames])
    room = float(np.percentile(levels, 10))
    voiced = [
        f
        for f in frames
        if f.voice_share >= VOICE_BAND_SHARE
        and f.rms_db >= max(room + VOICE_OVER_ROOM_DB, VOICE_MIN_DBFS)
    ]
    if sum(f.seconds for f in voiced) < VOICE_SECONDS:
        return False, FLOOR_DBFS
    # The louder part of what was said: soft syllables and word ends are always quieter.
    return True, float(np.percentile([f.rms_db for f in voiced], 80))


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
    history = list(previous.frames) + frames_of(block, rate)
    kept, total = [], 0.0
    for frame in reversed(history):  # the newest HISTORY_S seconds
        if total >= HISTORY_S:
            break
        kept.append(frame)
        total += frame.seconds
    frames = tuple(reversed(kept))
    heard_s = previous.heard_s + seconds
    speech, speech_db = judge_voice(frames) if heard_s >= JUDGE_AFTER_S else (False, FLOOR_DBFS)
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
    )
