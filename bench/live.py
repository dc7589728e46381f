"""Benchmark: recording with live transcription vs record-then-transcribe, same audio.

    .venv/bin/python bench/live.py [--minutes 10] [--source pulse|fake] [--speed 1]

``pulse`` (the default) starts a private PulseAudio with a null sink (as the tests do), plays
a long take made from the test speech into it and records its monitor with the real
``sounddevice`` stream: once with live transcription, once without and then transcribed the
usual way. ``fake`` feeds the recorder from the file (``--speed`` times real time) for runs
too long to play in real time; it still runs the real writer, live worker and engine.

Printed per run: input overflows, the writer's worst lag, how far live transcription fell
behind at worst ("behind": text behind the talk, which includes waiting for a pause to close a
chunk; "backlog": audio queued for the worker), time from Stop to a ready transcript (the
last chunk plus the job), and peak memory. Never asserts. The
machine may be shared: compare the two rows of one run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def child(
    mode: str, take: Path, source: str, speed: float, drafts: bool = True
) -> dict[str, object]:
    import soundfile

    from app.audio.recorder import Recorder
    from app.context import AppContext
    from app.paths import HOME_ENV, Paths
    from app.services import Services

    home = tempfile.mkdtemp(prefix="buddy-live-bench-")
    ctx = AppContext.open(Paths.from_env({HOME_ENV: home}))
    ctx.settings.live_transcription = mode == "live"
    services = Services(ctx)
    interview = services.new_interview("Bench", interviewer="Ada", interviewee="Grace")
    duration = soundfile.info(str(take)).duration
    # With captions, as the window and 'record' run it: both passes share the worker.
    live = services.live_transcriber(on_segments=lambda _lines: None)
    if live is not None and not drafts:
        from app.transcription.drafts import Drafts

        live.drafts = Drafts(every_s=float("inf"))  # to compare: what drafting costs and saves
    factory = None
    device = None
    player = None
    if source == "fake":
        from tests.app.audio_fixtures import FakeStreamFactory, fake_device

        audio, rate = soundfile.read(take, dtype="float32")
        factory = FakeStreamFactory(audio, options={"speed": speed})
        device = fake_device(samplerate=rate)
    recorder = Recorder(ctx.store, ctx.paths, interview.id, device=device, stream_factory=factory)
    if live is not None:
        recorder.add_block_consumer(live)
    worst_behind = worst_backlog = 0.0
    recorder.start()
    finisher = None
    if live is not None:
        assert recorder.recording_id is not None
        live.start(recorder.recording_id)
        finisher = services.prepare_finishing_engine()  # as 'record' does
    started = time.monotonic()
    if source == "pulse":
        player = subprocess.Popen(["paplay", "-d", "testsink", str(take)])
    while True:
        time.sleep(0.5)
        if live is not None:
            worst_behind = max(worst_behind, live.behind_s)
            worst_backlog = max(worst_backlog, live.backlog_s)
        if player is not None and player.poll() is not None:
            break
        if factory is not None and factory.streams[0].delivered >= len(audio):
            break
    time.sleep(0.5)
    result = recorder.stop()
    stopped = time.monotonic()
    # Audio not yet in the stored transcript when Stop was pressed: the open chunk (speech
    # still waiting for a pause) and anything queued.
    left_at_stop = live.behind_s if live is not None else 0.0
    undrafted = live.undrafted_s if live is not None else 0.0
    outcome = None
    if live is not None:
        outcome = live.finish(engine=finisher)
        worst_behind = max(worst_behind, outcome.max_behind_s)
        worst_backlog = max(worst_backlog, outcome.max_backlog_s)
    job_started = time.monotonic()
    transcript = services.transcribe(interview.id)
    ready = time.monotonic() - stopped
    job_s = time.monotonic() - job_started
    return {
        "mode": mode,
        "audio_min": duration / 60,
        "recorded_min": result.duration_s / 60,
        "wall_min": (stopped - started) / 60,
        "overflows": result.overflows,
        "writer_lag_s": result.max_writer_lag_s,
        "behind_s": worst_behind,
        "backlog_s": worst_backlog,
        "last_chunk_s": outcome.finish_s if outcome is not None else 0.0,
        "left_at_stop_s": left_at_stop,
        "undrafted_at_stop_s": undrafted,
        "drafts_made": live.drafts.made if live is not None else 0,
        "drafts_used": live.drafts.used if live is not None else 0,
        "stop_to_ready_s": ready,
        "job_s": job_s,
        "speakers": sorted({seg.speaker for seg in transcript.segments}),
        "lines": len(transcript.segments),
        "lowered_priority": bool(live and live.lowered_priority),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        # CPU the whole run used (recording, live worker, finishing, the job): what drafting
        # ahead costs shows here.
        "cpu_s": sum(resource.getrusage(resource.RUSAGE_SELF)[:2]),
    }


def end_in_speech(take: Path) -> Path:
    """A copy of ``take`` cut at the moment the stored pass's open chunk is longest (speech
    that has waited longest for a pause), in its second half: Stop pressed there leaves the
    most to do after it."""
    import soundfile

    from app.transcription.vad import Chunker

    audio, rate = soundfile.read(take, dtype="float32")
    chunker = Chunker()
    worst, cut = -1.0, audio.size
    block = rate // 10
    for start in range(0, audio.size, block):
        list(chunker.feed(audio[start : start + block]))
        waiting = chunker.received_s - chunker.settled_s
        if start >= audio.size // 2 and waiting > worst:
            worst, cut = waiting, start + block
    out = take.with_name(f"{take.stem}-stop-in-speech.wav")
    soundfile.write(out, audio[:cut], rate)
    print(f"take cut at {cut / rate:.1f} s, {worst:.1f} s of it waiting for a pause", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--source", choices=("pulse", "fake"), default="pulse")
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--modes", nargs="+", default=["live", "plain"])
    parser.add_argument(
        "--end-in-speech",
        action="store_true",
        help="cut the take where the most speech waits for a pause: the worst moment to stop",
    )
    parser.add_argument(
        "--no-drafts", action="store_true", help="live without drafting ahead, to compare"
    )
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FILE"))
    args = parser.parse_args()
    if args.child:
        result = child(
            args.child[0], Path(args.child[1]), args.source, args.speed, not args.no_drafts
        )
        print(json.dumps(result), flush=True)
        return
    from bench.memory import make_take

    folder = Path("/tmp/buddy-bench")
    folder.mkdir(parents=True, exist_ok=True)
    take = make_take(args.minutes, folder)
    if args.end_in_speech:
        take = end_in_speech(take)
    env = dict(os.environ)
    sink = None
    if args.source == "pulse":
        from tests.app.audio_fixtures import start_pulse

        sink = start_pulse(Path(tempfile.mkdtemp(prefix="buddy-live-pulse-")))
        env.update(sink.env)
    print(
        f"{'mode':>6} {'audio':>7} {'overflows':>9} {'writer lag':>10} {'behind':>8} "
        f"{'backlog':>8} "
        f"{'stop->ready':>11} {'left':>6} {'undrafted':>9} {'last chunk':>10} {'job':>6} "
        f"{'peak RSS':>9}",
        flush=True,
    )
    try:
        for mode in args.modes:
            command = [sys.executable, __file__, "--child", mode, str(take)]
            command += ["--source", args.source, "--speed", str(args.speed)]
            command += ["--no-drafts"] if args.no_drafts else []
            done = subprocess.run(
                command, capture_output=True, text=True, env=env, check=False, cwd=REPO
            )
            if done.returncode != 0:
                print(f"{mode} failed:\n{done.stderr[-1500:]}", flush=True)
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"{r['mode']:>6} {r['recorded_min']:>5.1f} m {r['overflows']:>9} "
                f"{r['writer_lag_s']:>8.3f} s {r['behind_s']:>6.1f} s "
                f"{r.get('backlog_s', 0):>6.1f} s "
                f"{r['stop_to_ready_s']:>9.1f} s {r['left_at_stop_s']:>4.1f} s "
                f"{r.get('undrafted_at_stop_s', 0):>7.1f} s "
                f"{r['last_chunk_s']:>8.1f} s {r['job_s']:>4.1f} s "
                f"{r['peak_rss_mb']:>6.0f} MB  {json.dumps(r)}",
                flush=True,
            )
    finally:
        if sink is not None:
            sink.close()


if __name__ == "__main__":
    main()
