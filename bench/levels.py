"""Cost of the level meter's voice judgement, per block, on real speech and on silence.

Run:  .venv/bin/python bench/levels.py
Prints the median time per block (of several runs) for 10 ms and 20 ms blocks at 16 kHz and
48 kHz, and the share of real time that is: the mic check works this out on the meter's
poll (not in the audio callback), the recorder on its writer thread.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import soundfile

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)

from app.audio import levels  # noqa: E402

SPEECH = ROOT.parent / "shared" / "testdata" / "jfk.wav"


def per_block_us(samples: np.ndarray, rate: int, block: int) -> float:
    level = levels.SILENT
    started = time.perf_counter()
    count = 0
    for start in range(0, len(samples) - block, block):
        level = levels.measure(samples[start : start + block], seconds=block / rate, previous=level)
        count += 1
    return (time.perf_counter() - started) / count * 1e6


def plain_us(samples: np.ndarray, block: int) -> float:
    """The meter without a voice judgement (peak and RMS only), for the ratio."""
    started = time.perf_counter()
    count = 0
    for start in range(0, len(samples) - block, block):
        part = samples[start : start + block]
        levels.peak_dbfs(part), levels.rms_dbfs(part)
        count += 1
    return (time.perf_counter() - started) / count * 1e6


def main() -> int:
    speech, rate = soundfile.read(SPEECH, dtype="float32")
    assert rate == 16000
    silence = np.random.default_rng(1).standard_normal(len(speech)).astype(np.float32) * 3e-4
    print(
        f"{'input':<8} {'rate':>6} {'block':>6} {'median us/block':>16} {'% of real time':>15}"
        f" {'x plain meter':>14}"
    )
    for rate_out in (16000, 48000):
        factor = rate_out // 16000
        for name, sound in (("speech", speech), ("silence", silence)):
            sound = np.repeat(sound, factor)  # crude upsampling: the cost is what matters
            for block_ms in (10, 20):
                block = rate_out * block_ms // 1000
                runs, plain = [], []
                for _ in range(5):  # side by side, so load on the machine hits both alike
                    runs.append(per_block_us(sound, rate_out, block))
                    plain.append(plain_us(sound, block))
                us = statistics.median(runs)
                ratio = us / statistics.median(plain)
                share = us / (block_ms * 1000) * 100
                print(
                    f"{name:<8} {rate_out:>6} {block_ms:>4}ms {us:>16.0f} {share:>14.2f}%"
                    f" {ratio:>13.1f}x"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
