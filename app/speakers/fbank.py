"""Kaldi-compatible log-mel filterbank features, in numpy (the speaker model's front end).

The speaker model was trained on Kaldi ``fbank`` features; a front end that differs even
slightly shifts every embedding, so this follows Kaldi's defaults exactly: 25 ms frames every
10 ms (edges snipped), DC offset removed per frame, pre-emphasis 0.97, Povey window, a 512-point
power spectrum, 80 triangular mel bins from 20 Hz to Nyquist, natural log floored at float32
epsilon, no dither. ``resources/speaker/make_model.py`` checks it against the reference
implementation.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

SAMPLE_RATE = 16000
FRAME_LENGTH = 400  # 25 ms
FRAME_SHIFT = 160  # 10 ms
N_FFT = 512
N_MELS = 80
_PREEMPHASIS = 0.97
_LOW_HZ = 20.0
_EPS = float(np.finfo(np.float32).eps)


def _mel(freq: np.ndarray | float) -> np.ndarray:
    return 1127.0 * np.log(1.0 + np.asarray(freq, dtype=np.float64) / 700.0)


@lru_cache(maxsize=1)
def _povey_window() -> np.ndarray:
    n = np.arange(FRAME_LENGTH, dtype=np.float64)
    hann = 0.5 - 0.5 * np.cos(2 * np.pi * n / (FRAME_LENGTH - 1))
    return (hann**0.85).astype(np.float32)


@lru_cache(maxsize=1)
def _mel_banks() -> np.ndarray:
    """(N_FFT // 2 + 1, N_MELS) weights; Kaldi leaves the Nyquist bin out of every filter."""
    nyquist = SAMPLE_RATE / 2
    mel_low, mel_high = _mel(_LOW_HZ), _mel(nyquist)
    delta = (mel_high - mel_low) / (N_MELS + 1)
    edges = mel_low + delta * np.arange(N_MELS + 2)
    left, centre, right = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    mel = _mel(SAMPLE_RATE / N_FFT * np.arange(N_FFT // 2))[None, :]
    up = (mel - left) / (centre - left)
    down = (right - mel) / (right - centre)
    banks = np.maximum(0.0, np.minimum(up, down))
    banks = np.pad(banks, ((0, 0), (0, 1)))
    return banks.T.astype(np.float32)


def frame_count(samples: int) -> int:
    return 0 if samples < FRAME_LENGTH else 1 + (samples - FRAME_LENGTH) // FRAME_SHIFT


def fbank(audio: np.ndarray) -> np.ndarray:
    """(frames, 80) log-mel energies of 16 kHz mono float audio in [-1, 1]."""
    samples = np.asarray(audio, dtype=np.float32).reshape(-1) * 32768.0
    count = frame_count(samples.size)
    if count == 0:
        return np.zeros((0, N_MELS), dtype=np.float32)
    frames = np.lib.stride_tricks.sliding_window_view(samples, FRAME_LENGTH)[::FRAME_SHIFT]
    frames = frames[:count].astype(np.float32)
    frames = frames - frames.mean(axis=1, keepdims=True)
    # Kaldi pre-emphasises the first sample against itself.
    previous = np.concatenate([frames[:, :1], frames[:, :-1]], axis=1)
    frames = (frames - _PREEMPHASIS * previous) * _povey_window()
    spectrum = np.fft.rfft(frames, n=N_FFT, axis=1)
    power = (spectrum.real**2 + spectrum.imag**2).astype(np.float32)
    energies = power @ _mel_banks()
    return np.log(np.maximum(energies, _EPS)).astype(np.float32)


def normalised_fbank(audio: np.ndarray) -> np.ndarray:
    """Features as the speaker model expects them: each window's mean removed per bin."""
    feats = fbank(audio)
    return feats - feats.mean(axis=0, keepdims=True) if len(feats) else feats
