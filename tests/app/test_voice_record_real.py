"""``voice ID --participant NAME --record``: the real InputStream through a PulseAudio null sink."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app.audio.decode import load_audio
from app.paths import HOME_ENV, Paths
from app.speakers.embed import Embedder
from app.store import Store
from tests.app.audio_fixtures import PulseSink, pulse_sink_fixture  # noqa: F401
from tests.conftest import REPO, TESTDATA

pytestmark = pytest.mark.slow


def test_voice_sample_recorded_from_the_microphone(pulse_sink: PulseSink, tmp_path: Path) -> None:
    if not TESTDATA.is_dir():
        pytest.skip(f"shared test data not found at {TESTDATA}")
    home = tmp_path / "home"
    env = {**os.environ, **pulse_sink.env, HOME_ENV: str(home)}

    def cli(*args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "app.cli", *args],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    made = cli("new", "--title", "T", "--interviewer", "Ruth", "--interviewee", "Kieran")
    assert made.wait(60) == 0, made.stderr.read()  # type: ignore[union-attr]
    agreed = cli("consent", "1", "--participant", "Ruth", "--add", "record")
    assert agreed.wait(60) == 0, agreed.stderr.read()  # type: ignore[union-attr]
    # Ruth's line plays over and over until the command is done, however long it takes to
    # start on a busy machine: whenever its four seconds begin, they hear her.
    done = threading.Event()

    def keep_playing() -> None:
        while not done.is_set():
            pulse_sink.play(TESTDATA / "conversation.enrol.interviewer.wav").wait(timeout=30)

    player = threading.Thread(target=keep_playing, daemon=True)
    player.start()
    run = cli("voice", "1", "--participant", "Ruth", "--record", "--seconds", "4")
    try:
        out, err = run.communicate(timeout=120)
    finally:
        done.set()
        player.join(timeout=30)
    assert run.returncode == 0, err
    assert "Kept a 4." in out and "voice sample of Ruth" in out, out

    paths = Paths.from_env({HOME_ENV: str(home)})
    store = Store(paths.database)
    try:
        (sample,) = store.voice_samples(1)
    finally:
        store.close()
    audio = load_audio(paths.data / sample.path)
    assert 3.9 < audio.size / 16000 < 4.5
    # It is Ruth's voice that was heard, not silence or noise.
    embedder = Embedder()
    heard, ruth, kieran = embedder.embed(
        [
            audio,
            load_audio(TESTDATA / "conversation.enrol.interviewer.wav"),
            load_audio(TESTDATA / "conversation.enrol.interviewee.wav"),
        ]
    )
    assert heard @ ruth > heard @ kieran + 0.2, (heard @ ruth, heard @ kieran)
