"""Decoding real speech files in every format a user might import, and the ways it fails."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import soundfile

from app.audio.decode import AudioInfo, load_audio, probe
from app.errors import AudioEmpty, AudioUnreadable

TESTDATA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata"
needs_testdata = pytest.mark.skipif(
    not (TESTDATA / "jfk.wav").is_file(), reason=f"speech samples not found in {TESTDATA}"
)

JFK_SECONDS = 11.0


@pytest.fixture(scope="module")
def jfk() -> np.ndarray:
    if not (TESTDATA / "jfk.wav").is_file():
        pytest.skip(f"speech samples not found in {TESTDATA}")
    samples, rate = soundfile.read(TESTDATA / "jfk.wav", dtype="float32")
    assert rate == 16000
    return samples


def _similar(a: np.ndarray, b: np.ndarray) -> float:
    """Correlation of two signals over their common length (1.0 = same waveform)."""
    n = min(a.size, b.size)
    return float(np.corrcoef(a[:n], b[:n])[0, 1])


@needs_testdata
def test_wav_at_16k_comes_back_unchanged(jfk: np.ndarray) -> None:
    info = probe(TESTDATA / "jfk.wav")
    assert info == AudioInfo(duration_s=JFK_SECONDS, sample_rate=16000, channels=1, format="WAV")
    samples = load_audio(TESTDATA / "jfk.wav")
    assert samples.dtype == np.float32 and samples.ndim == 1
    np.testing.assert_array_equal(samples, jfk)


@needs_testdata
def test_mp3(jfk: np.ndarray) -> None:
    info = probe(TESTDATA / "jfk.mp3")
    assert info.format == "MP3"
    assert info.duration_s == pytest.approx(JFK_SECONDS, abs=0.1)
    samples = load_audio(TESTDATA / "jfk.mp3")
    assert samples.dtype == np.float32
    assert samples.size == pytest.approx(jfk.size, abs=1600)
    assert _similar(samples, jfk) > 0.9


@needs_testdata
def test_m4a_goes_through_pyav(jfk: np.ndarray, tmp_path: Path) -> None:
    import av

    m4a = tmp_path / "interview.m4a"
    with av.open(str(m4a), "w", format="mp4") as container:
        stream = container.add_stream("aac", rate=16000, layout="mono")
        frame = av.AudioFrame.from_ndarray(jfk.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = 16000
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    with pytest.raises(soundfile.LibsndfileError):
        soundfile.info(str(m4a))  # the reason for the fallback

    info = probe(m4a)
    assert info.format == "AAC"
    assert (info.sample_rate, info.channels) == (16000, 1)
    assert info.duration_s == pytest.approx(JFK_SECONDS, abs=0.2)
    samples = load_audio(m4a)
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert samples.size == pytest.approx(jfk.size, abs=3200)  # AAC adds priming samples
    assert np.abs(samples).max() > 0.1


@needs_testdata
@pytest.mark.parametrize(
    ("suffix", "fmt", "subtype"), [("flac", "FLAC", "PCM_16"), ("ogg", "OGG", "VORBIS")]
)
def test_flac_and_ogg_stereo_at_44k1_are_mixed_and_resampled(
    jfk: np.ndarray, tmp_path: Path, suffix: str, fmt: str, subtype: str
) -> None:
    import av

    # Make a 44.1 kHz stereo file from the speech with PyAV's resampler, as a phone would record.
    resampler = av.AudioResampler(format="flt", layout="mono", rate=44100)
    frame = av.AudioFrame.from_ndarray(jfk.reshape(1, -1), format="flt", layout="mono")
    frame.sample_rate = 16000
    up = np.concatenate(
        [
            f.to_ndarray().reshape(-1)
            for f in [*resampler.resample(frame), *resampler.resample(None)]
        ]
    )
    stereo = np.stack([up, up * 0.5], axis=1)
    path = tmp_path / f"take.{suffix}"
    soundfile.write(path, stereo, 44100, format=fmt, subtype=subtype)

    info = probe(path)
    assert (info.sample_rate, info.channels, info.format) == (44100, 2, fmt)
    assert info.duration_s == pytest.approx(JFK_SECONDS, abs=0.05)

    samples = load_audio(path)
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert samples.size == pytest.approx(jfk.size, abs=160)
    # Mixed down to (1 + 0.5) / 2 of the original level, same waveform.
    assert _similar(samples, jfk) > 0.95
    assert np.abs(samples).max() == pytest.approx(0.75 * np.abs(jfk).max(), rel=0.15)

    at_8k = load_audio(path, sample_rate=8000)
    assert at_8k.size == pytest.approx(jfk.size / 2, abs=160)


def test_text_renamed_to_wav_is_unreadable(tmp_path: Path) -> None:
    fake = tmp_path / "notes.wav"
    fake.write_text("Questions for Priya: what have you been working on?\n" * 20)
    with pytest.raises(AudioUnreadable) as probed:
        probe(fake)
    assert "notes.wav" in probed.value.message
    with pytest.raises(AudioUnreadable) as loaded:
        load_audio(fake)
    assert "notes.wav" in loaded.value.message
    assert not isinstance(loaded.value, AudioEmpty)
    assert loaded.value.hint


def test_zero_byte_file_is_unreadable(tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.touch()
    for read in (probe, load_audio):
        with pytest.raises(AudioUnreadable, match=re.escape("empty.wav")):
            read(empty)


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    for read in (probe, load_audio):
        with pytest.raises(AudioUnreadable, match=re.escape("gone.mp3")):
            read(tmp_path / "gone.mp3")


def test_folder_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(AudioUnreadable, match="folder"):
        load_audio(tmp_path)


def test_wav_without_frames_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "silent-take.wav"
    soundfile.write(path, np.zeros((0, 1), dtype=np.float32), 16000, subtype="PCM_16")
    assert path.stat().st_size > 0  # a valid header, just no samples
    for read in (probe, load_audio):
        with pytest.raises(AudioEmpty, match=re.escape("silent-take.wav")):
            read(path)


def test_m4a_container_without_audio_is_unreadable(tmp_path: Path) -> None:
    import av

    # An MP4 whose audio track never received a packet: FFmpeg opens it but finds no stream.
    path = tmp_path / "nothing.m4a"
    container = av.open(str(path), "w", format="mp4")
    container.add_stream("aac", rate=16000, layout="mono")
    container.start_encoding()
    container.close()
    assert path.stat().st_size > 0
    for read in (probe, load_audio):
        with pytest.raises(AudioUnreadable, match=re.escape("nothing.m4a")):
            read(path)
