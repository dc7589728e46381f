"""What the player plays: a take as one mono mix, so both voices of a call take are heard in
both ears (a two-channel take would put one person in each ear, and a listener with one ear,
or one earbud, would miss a voice).

Mono takes play as they are. A take of several channels gets a mono mix beside the cache,
made once (in the background: an hour of call takes about two seconds to mix) and made again
only when the take's file is newer. Decoding for transcription mixes on its own
(``app.audio.decode.load_audio``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import numpy as np
import soundfile

from app.errors import AudioUnreadable
from app.models import Recording
from app.paths import Paths

_BLOCK_FRAMES = 1 << 16
#: The mix is brought up towards this peak (at most 2x, i.e. the level of one channel alone).
_PEAK = 0.9
_MAX_GAIN = 2.0


def mix_path(paths: Paths, recording: Recording) -> Path:
    return paths.cache / "playback" / f"take-{recording.id}-mono.wav"


def mix_is_current(paths: Paths, recording: Recording) -> bool:
    source, mix = paths.data / recording.path, mix_path(paths, recording)
    try:
        return mix.stat().st_mtime_ns >= source.stat().st_mtime_ns
    except OSError:
        return False


def needs_mix(paths: Paths, recording: Recording) -> bool:
    """True when the take has several channels and no up-to-date mix yet."""
    return recording.channels > 1 and not mix_is_current(paths, recording)


def playback_file(paths: Paths, recording: Recording) -> Path:
    """The file to play for ``recording``: itself when mono, else its mono mix (made if
    needed; slow for long takes, so not on a UI thread)."""
    source = paths.data / recording.path
    if recording.channels <= 1:
        return source
    if not mix_is_current(paths, recording):
        write_mono_mix(source, mix_path(paths, recording))
    return mix_path(paths, recording)


def write_mono_mix(source: Path, target: Path) -> Path:
    """Mix every channel of ``source`` into a mono PCM_16 WAV at ``target``, atomically."""
    try:
        info = soundfile.info(str(source))
        peak = 0.0
        with soundfile.SoundFile(str(source)) as sound:
            for block in sound.blocks(_BLOCK_FRAMES, dtype="float32", always_2d=True):
                peak = max(peak, float(np.max(np.abs(block.mean(axis=1)), initial=0.0)))
        gain = min(_MAX_GAIN, _PEAK / peak) if peak > 0 else 1.0
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            with (
                soundfile.SoundFile(str(source)) as sound,
                soundfile.SoundFile(
                    str(tmp),
                    "w",
                    samplerate=info.samplerate,
                    channels=1,
                    subtype="PCM_16",
                    format="WAV",
                ) as out,
            ):
                for block in sound.blocks(_BLOCK_FRAMES, dtype="float32", always_2d=True):
                    out.write(np.clip(block.mean(axis=1) * gain, -1.0, 1.0))
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    except (soundfile.LibsndfileError, RuntimeError) as exc:
        raise AudioUnreadable(f"The take {source.name} cannot be read to play it ({exc}).") from exc
    return target
