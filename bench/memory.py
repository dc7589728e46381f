"""Benchmark: peak memory of transcribing long takes, whole (before) vs chunked at pauses (after).

    .venv/bin/python bench/memory.py [--minutes 10 60] [--modes before after] [--threads 2]

A long take is made from the test speech with pauses and quiet room noise between the pieces
(as a real conversation has), written as a 16 kHz WAV. Each (mode, length) runs in its own
child process so its peak RSS is its own:

- before: the whole file decoded into memory and given to the engine in one call (what the job
  did until chunking: whisper then computes the features of the whole take at once);
- after: ``app.transcription.chunked.transcribe_file``: read, detected and transcribed chunk by
  chunk, as the job does now;
- job: the whole job on an imported take (``Services.transcribe``): the chunked run, and the
  voices told apart from the same chunks' windows, then attribution and saving.

Prints figures; never asserts. The machine may be shared: compare within one run.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import soundfile

REPO = Path(__file__).resolve().parents[1]
TESTDATA = REPO.parent / "shared" / "testdata"
RATE = 16000


def room_noise(seconds: float, rng: np.random.Generator) -> np.ndarray:
    white = rng.standard_normal(int(seconds * RATE))
    freqs = np.fft.rfftfreq(white.size, 1 / RATE)
    noise = np.fft.irfft(np.fft.rfft(white) / np.sqrt(np.maximum(freqs, 20.0)), white.size)
    return (noise * 10 ** (-55 / 20) / np.sqrt(np.mean(noise**2))).astype(np.float32)


def make_take(minutes: float, folder: Path) -> Path:
    path = folder / f"take-{minutes:g}min.wav"
    said = path.with_suffix(".txt")
    if path.exists() and said.exists():
        return path
    rng = np.random.default_rng(0)
    names = ("buddy-interview", "conversation", "jfk", "librivox-0870")
    pieces = [soundfile.read(TESTDATA / f"{name}.wav", dtype="float32")[0] for name in names]
    texts = [reference_of(name) for name in names]
    spoken: list[str] = []
    total = int(minutes * 60 * RATE)
    with soundfile.SoundFile(path, "w", RATE, 1, "PCM_16") as out:
        written = 0
        i = 0
        while written < total:
            speech = pieces[i % len(pieces)]
            if written + speech.size <= total:
                spoken.append(texts[i % len(pieces)])
            gap = room_noise(rng.uniform(1.0, 20.0), rng) if i % 3 else np.zeros(RATE * 3)
            for part in (speech, gap):
                part = part[: total - written]
                out.write(part)
                written += part.size
            i += 1
    said.write_text(" ".join(spoken), encoding="utf-8")
    return path


def reference_of(name: str) -> str:
    truth = TESTDATA / f"{name}.truth.json"
    if truth.exists():
        return " ".join(t["text"] for t in json.loads(truth.read_text())["turns"])
    return (TESTDATA / f"{name}.txt").read_text(encoding="utf-8").strip()


def child(mode: str, path: Path, threads: int) -> dict[str, object]:
    sys.path.insert(0, str(REPO))
    from app.transcription import load_engine

    engine = load_engine("faster-whisper", cpu_threads=threads)
    engine.load()
    started = time.perf_counter()
    if mode == "before":
        from app.audio.decode import load_audio

        segments = engine.transcribe(load_audio(path), language="en")
    elif mode == "job":
        segments = _job(path, threads)
    else:
        from app.transcription.chunked import transcribe_file

        segments = transcribe_file(engine, path, language="en")
    took = time.perf_counter() - started
    from app.wer import word_error_rate

    # The last piece may be cut off by the take's end: compare whole pieces only.
    said = path.with_suffix(".txt").read_text(encoding="utf-8")
    heard = " ".join(s.text for s in segments)
    return {
        "wer": word_error_rate(said, heard),
        "mode": mode,
        "audio_min": soundfile.info(str(path)).duration / 60,
        "seconds": took,
        "segments": len(segments),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _job(path: Path, threads: int) -> list:  # type: ignore[type-arg]
    import tempfile

    from app.context import AppContext
    from app.paths import HOME_ENV, Paths
    from app.services import Services

    home = tempfile.mkdtemp(prefix="buddy-memory-bench-")
    services = Services(AppContext.open(Paths.from_env({HOME_ENV: home})))
    services.ctx.settings.language = "en"
    interview = services.new_interview("Bench", interviewer="Ada", interviewee="Grace")
    services.import_audio(interview.id, path)
    return services.transcribe(interview.id).segments


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, nargs="+", default=[10, 60])
    parser.add_argument("--modes", nargs="+", default=["before", "after"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/buddy-bench"))
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FILE"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]), args.threads)))
        return
    args.folder.mkdir(parents=True, exist_ok=True)
    print(
        f"{'audio':>8} {'mode':>7} {'peak RSS':>10} {'time':>8} {'segments':>9} {'WER':>6}",
        flush=True,
    )
    for minutes in args.minutes:
        path = make_take(minutes, args.folder)
        for mode in args.modes:
            command = [sys.executable, __file__, "--child", mode, str(path)]
            command += ["--threads", str(args.threads)]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(f"{minutes:>6g} m {mode:>7} failed: {done.stderr[-300:]}", flush=True)
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"{r['audio_min']:>6.1f} m {mode:>7} {r['peak_rss_mb']:>7.0f} MB "
                f"{r['seconds']:>7.0f} s {r['segments']:>9} {r['wer']:>6.1%}",
                flush=True,
            )


if __name__ == "__main__":
    main()
