"""Benchmark: what telling speakers apart costs beside transcription, on the same take.

    .venv/bin/python bench/speakers.py [--audio FILE] [--repeats 3]

One process loads the speech model and the voice model once (their load times are printed
apart), then runs round-robin ``--repeats`` times on the same take:

- transcription alone: the engine, then the text rule (``attribute()``), as before voices
- + voices, samples: the same, then ``speakers_for_take`` with the two voice samples
- + voices, no samples: the same, voices found in the take itself
- + channels: the two-channel remote take, attributed by channel (no model)

and prints the medians side by side with their ratio to transcription alone (target: at most
1.4x) and the speaker step's own real-time factor. Prints figures; never asserts.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from app.attribution import attribute
from app.audio.decode import load_audio, load_channels
from app.paths import Paths
from app.speakers.embed import Embedder
from app.speakers.take import speakers_for_take
from app.transcription import load_engine

REPO = Path(__file__).resolve().parents[1]
TESTDATA = REPO.parent / "shared" / "testdata"
TARGET_RATIO = 1.4


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audio", type=Path, default=TESTDATA / "conversation.wav")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    truth = json.loads(args.audio.with_name(args.audio.stem + ".truth.json").read_text())
    names = {
        "interviewer": truth["interviewer"]["name"],
        "interviewee": truth["interviewee"]["name"],
    }
    audio = load_audio(args.audio)
    seconds = audio.size / 16000
    samples = {
        role: load_audio(args.audio.with_name(f"{args.audio.stem}.enrol.{role}.wav"))
        for role in names
        if args.audio.with_name(f"{args.audio.stem}.enrol.{role}.wav").is_file()
    }
    remote = args.audio.with_name(args.audio.stem + "-remote.wav")
    channels = load_channels(remote) if remote.is_file() else None

    started = time.perf_counter()
    engine = load_engine("faster-whisper", model=None, paths=Paths.from_env())
    engine.transcribe(audio[: 5 * 16000])
    print(f"speech model load + warm-up: {time.perf_counter() - started:.2f} s")
    embedder = Embedder()
    started = time.perf_counter()
    embedder.embed([audio[:24000]])
    print(f"voice model load + first window: {time.perf_counter() - started:.2f} s")

    def transcribe() -> list:
        raw = engine.transcribe(audio)
        return attribute(
            raw,
            markers=[(t, i) for i, t in enumerate(truth["markers"])],
            questions=truth["questions"],
            interviewer=names["interviewer"],
            interviewee=names["interviewee"],
        )

    rows: dict[str, list[float]] = {}
    steps: dict[str, list[float]] = {}

    def timed(label: str, speakers) -> None:  # type: ignore[no-untyped-def]
        begin = time.perf_counter()
        segments = transcribe()
        middle = time.perf_counter()
        if speakers is not None:
            speakers(segments)
        end = time.perf_counter()
        rows.setdefault(label, []).append(end - begin)
        if speakers is not None:
            steps.setdefault(label, []).append(end - middle)

    variants = {
        "transcription alone": None,
        "+ voices, samples": lambda segs: speakers_for_take(
            segs, audio, names=names, samples=samples, embedder=embedder
        ),
        "+ voices, no samples": lambda segs: speakers_for_take(
            segs, audio, names=names, embedder=embedder
        ),
    }
    if channels is not None:
        variants["+ channels"] = lambda segs: speakers_for_take(
            segs,
            audio,
            names=names,
            channels=channels[: audio.size],
            channel_roles=["interviewer", "interviewee"],
        )
    for _ in range(args.repeats):
        for label, speakers in variants.items():
            timed(label, speakers)

    base = statistics.median(rows["transcription alone"])
    print(f"\n{args.audio.name}: {seconds:.1f} s, median of {args.repeats} runs")
    print(f"{'':24} {'total s':>8} {'ratio':>7} {'speaker step s':>15} {'step RTF':>9}")
    for label, times in rows.items():
        total = statistics.median(times)
        step = statistics.median(steps[label]) if label in steps else 0.0
        print(f"{label:24} {total:8.2f} {total / base:6.2f}x {step:15.2f} {step / seconds:9.3f}")
    print(f"target: transcription + attribution at most {TARGET_RATIO}x transcription alone")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
