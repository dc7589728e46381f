"""Read any audio file a user might import into mono float32 samples at a fixed rate.

soundfile (libsndfile) reads WAV, FLAC, OGG/Vorbis/Opus and MP3 quickly and exactly, so it goes
first. M4A/AAC and anything else it refuses go through PyAV (FFmpeg bundled in the wheel), via
faster-whisper's ``decode_audio``. No ``ffmpeg`` binary is needed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from app.errors import AudioEmpty, AudioUnreadable

#: Whisper's native rate: both engines expect 16 kHz mono float32.
WHISPER_RATE = 16000

#: Frames per block when streaming through soundfile; bounds the extra memory for long takes.
_BLOCK_FRAMES = 1 << 18


@dataclass(frozen=True)
class AudioInfo:
    duration_s: float
    sample_rate: int
    channels: int
    #: A short container/codec name for display, e.g. "WAV", "FLAC", "MP3", "AAC".
    format: str


def probe(path: Path) -> AudioInfo:
    """Describe an audio file without decoding it all.

    Raises AudioUnreadable when the file is missing or not audio, AudioEmpty when it holds no
    sound at all.
    """
    path = Path(path)
    _check_file(path)
    try:
        info = soundfile.info(str(path))
    except (soundfile.LibsndfileError, RuntimeError):
        info = None
    if info is not None:
        if info.frames <= 0 or info.samplerate <= 0:
            raise _empty(path)
        return AudioInfo(
            duration_s=info.frames / info.samplerate,
            sample_rate=int(info.samplerate),
            channels=int(info.channels),
            format=str(info.format),
        )
    return _probe_with_av(path)


def load_audio(path: Path, *, sample_rate: int = WHISPER_RATE) -> np.ndarray:
    """Decode ``path`` into a 1-D float32 array at ``sample_rate`` (channels mixed down)."""
    path = Path(path)
    if sample_rate <= 0:
        raise ValueError(f"sample_rate must be positive, not {sample_rate}")
    _check_file(path)
    sound = _open_with_soundfile(path)
    if sound is not None:
        with sound:
            if sound.frames == 0:
                raise _empty(path)
            try:
                samples = _read_soundfile(sound, sample_rate)
            except (soundfile.LibsndfileError, RuntimeError):
                # A damaged stream can open yet fail mid-way; FFmpeg is more forgiving.
                samples = _decode_with_av(path, sample_rate)
    else:
        samples = _decode_with_av(path, sample_rate)
    if samples.size == 0:
        raise _empty(path)
    return samples


def load_channels(path: Path, *, sample_rate: int = WHISPER_RATE) -> np.ndarray:
    """Decode ``path`` into (frames, channels) float32 at ``sample_rate``, channels kept apart.

    Used where who is speaking comes from which channel carries the voice (a call's take).
    """
    path = Path(path)
    _check_file(path)
    sound = _open_with_soundfile(path)
    if sound is None:
        from faster_whisper.audio import decode_audio

        try:
            left, right = decode_audio(str(path), sampling_rate=sample_rate, split_stereo=True)
        except Exception as exc:  # PyAV raises many kinds; all mean "cannot read this"
            raise _unreadable(path) from exc
        return np.stack([left, right], axis=1).astype(np.float32)
    with sound:
        if sound.frames == 0:
            raise _empty(path)
        data = sound.read(dtype="float32", always_2d=True)
        rate = sound.samplerate
    if rate == sample_rate:
        return data
    columns = [
        np.concatenate(list(_resample(iter([data[:, c : c + 1]]), rate, sample_rate)))
        for c in range(data.shape[1])
    ]
    frames = min(len(c) for c in columns)
    return np.stack([c[:frames] for c in columns], axis=1).astype(np.float32)


def iter_audio(path: Path, *, sample_rate: int = WHISPER_RATE) -> Iterator[np.ndarray]:
    """Decode ``path`` piece by piece (mono float32 at ``sample_rate``), so a long take is
    never in memory whole. Formats only FFmpeg reads (M4A/AAC) are decoded at once."""
    path = Path(path)
    _check_file(path)
    sound = _open_with_soundfile(path)
    if sound is None:
        samples = _decode_with_av(path, sample_rate)
        if samples.size == 0:
            raise _empty(path)
        for start in range(0, samples.size, _BLOCK_FRAMES):
            yield samples[start : start + _BLOCK_FRAMES]
        return
    with sound:
        if sound.frames == 0:
            raise _empty(path)
        blocks: Iterator[np.ndarray] = (
            _mono(block)
            for block in sound.blocks(blocksize=_BLOCK_FRAMES, dtype="float32", always_2d=True)
        )
        if sound.samplerate != sample_rate:
            blocks = _resample(blocks, sound.samplerate, sample_rate)
        yield from blocks


def _check_file(path: Path) -> None:
    if not path.exists():
        raise AudioUnreadable(f"The audio file {path} does not exist.")
    if path.is_dir():
        raise AudioUnreadable(f"{path} is a folder, not an audio file.")
    if not path.is_file():
        # A device (/dev/zero), a FIFO or a socket would be read forever or block.
        raise AudioUnreadable(f"{path} is not a regular audio file (it is a device or a pipe).")
    if path.stat().st_size == 0:
        raise AudioUnreadable(f"The audio file {path.name} is empty (0 bytes).")


def _empty(path: Path) -> AudioEmpty:
    return AudioEmpty(f"The audio file {path.name} contains no sound (zero length).")


def _unreadable(path: Path) -> AudioUnreadable:
    return AudioUnreadable(f"Could not read {path.name}: it is not a supported audio file.")


def _read_soundfile(sound: soundfile.SoundFile, sample_rate: int) -> np.ndarray:
    blocks = (
        _mono(block)
        for block in sound.blocks(blocksize=_BLOCK_FRAMES, dtype="float32", always_2d=True)
    )
    if sound.samplerate != sample_rate:
        blocks = _resample(blocks, sound.samplerate, sample_rate)
    chunks = list(blocks)
    if not chunks:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate(chunks).astype(np.float32, copy=False)


def _mono(block: np.ndarray) -> np.ndarray:
    if block.shape[1] == 1:
        return block[:, 0]
    return block.mean(axis=1, dtype=np.float32)


def _resample(blocks: Iterator[np.ndarray], from_rate: int, to_rate: int) -> Iterator[np.ndarray]:
    """Stream blocks through libswresample, which keeps its filter state between blocks.

    PyAV is already a dependency (through faster-whisper) and its resampler is a proper
    band-limited one; scipy is not installed and linear interpolation would alias.
    """
    import av

    resampler = av.AudioResampler(format="flt", layout="mono", rate=to_rate)
    for block in blocks:
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(block, dtype=np.float32).reshape(1, -1),
            format="flt",
            layout="mono",
        )
        frame.sample_rate = from_rate
        for out in resampler.resample(frame):
            yield out.to_ndarray().reshape(-1)
    # None flushes the samples still held in the filter.
    for out in resampler.resample(None):
        yield out.to_ndarray().reshape(-1)


def _decode_with_av(path: Path, sample_rate: int) -> np.ndarray:
    import av
    from faster_whisper.audio import decode_audio

    try:
        samples = decode_audio(str(path), sampling_rate=sample_rate)
    except (av.error.FFmpegError, IndexError, ValueError, OSError) as exc:
        # IndexError/ValueError: FFmpeg opened the file but found no audio stream in it.
        raise _unreadable(path) from exc
    return np.asarray(samples, dtype=np.float32)


def _probe_with_av(path: Path) -> AudioInfo:
    import av

    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise _unreadable(path)
            stream = container.streams.audio[0]
            if stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            elif container.duration is not None:
                duration = container.duration / av.time_base
            else:
                duration = 0.0
            rate = int(stream.codec_context.sample_rate or 0)
            channels = int(stream.codec_context.channels or 0)
            codec = stream.codec_context.name or container.format.name
    except av.error.FFmpegError as exc:
        raise _unreadable(path) from exc
    if duration <= 0 or rate <= 0:
        raise _empty(path)
    return AudioInfo(
        duration_s=duration, sample_rate=rate, channels=channels, format=str(codec).upper()
    )


def _open_with_soundfile(path: Path) -> soundfile.SoundFile | None:
    """The file opened by libsndfile, or None for a format only FFmpeg reads (M4A/AAC)."""
    try:
        return soundfile.SoundFile(str(path))
    except (soundfile.LibsndfileError, RuntimeError):
        return None
