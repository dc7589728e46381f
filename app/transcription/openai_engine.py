"""The optional second engine: openai-whisper (PyTorch, fp32 on the CPU).

``whisper.transcribe`` takes no callbacks. The only live signal it gives is its tqdm progress
bar, advanced once per 30 s window by the number of mel frames consumed, which is exactly the
progress we want. So during our call (and only then) ``whisper.transcribe``'s ``tqdm`` name is
pointed at a small stand-in whose ``update()`` reports progress and raises Cancelled; the
original is put back in ``finally``. A module lock keeps two concurrent calls from swapping it
under each other. Cancel is also polled before every decode attempt (including temperature
fallbacks) through a wrapper on our own model instance's ``decode``, so nothing global is
touched for that. The alternatives were worse: cutting the audio into windows ourselves would
lose whisper's conditioning on the previous text and its seek logic, and a thread that cannot
be stopped cannot honour cancel at all.
"""

from __future__ import annotations

import contextlib
import importlib
import threading
import types
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from app.models import Segment, Word
from app.paths import Paths
from app.transcription.engine import (
    CancelCheck,
    Progress,
    ProgressCallback,
    engine_errors,
    glossary_prompt,
    make_segment,
    prepare,
)
from app.transcription.models import ResolvedModel, import_whisper, unloadable, verify

#: whisper counts progress in mel frames: 100 per second of audio.
_FRAMES_PER_SECOND = 100

#: Held while whisper.transcribe's tqdm is replaced.
_TQDM_SWAP_LOCK = threading.Lock()


class OpenAIWhisperEngine:
    name = "openai-whisper"

    def __init__(
        self, model: ResolvedModel, *, paths: Paths | None = None, cpu_threads: int = 0
    ) -> None:
        self.model = model
        self.model_label = model.label
        self._paths = paths
        self._cpu_threads = cpu_threads
        self._whisper: Any = None
        self._load_lock = threading.Lock()

    def load(self) -> Any:
        """Verify and load the weights once; later calls return the same model."""
        with self._load_lock:
            if self._whisper is None:
                verify(self.model, paths=self._paths)
                whisper = import_whisper()
                try:
                    # Always a file path, never a name: given a name, load_model re-downloads
                    # a cached file whose checksum it dislikes. Nothing here touches the network.
                    loaded = whisper.load_model(
                        str(self.model.path),
                        device="cpu",
                        download_root=str(self.model.path.parent),
                    )
                except Exception as exc:  # torch raises many kinds for a bad checkpoint
                    raise unloadable(self.model, exc) from exc
                heads = self.model.alignment_heads or _heads_in_checkpoint(self.model)
                if heads is not None:
                    # Word timings use these attention heads; without them whisper falls
                    # back to a generic guess that places words less precisely, which is
                    # still better than refusing a checkpoint whose heads entry is garbled.
                    with contextlib.suppress(Exception):
                        loaded.set_alignment_heads(heads)
                self._whisper = loaded
            return self._whisper

    def transcribe(
        self,
        audio: np.ndarray,
        *,
        language: str | None = None,
        glossary: Sequence[str] = (),
        on_progress: ProgressCallback | None = None,
        should_cancel: CancelCheck | None = None,
    ) -> list[Segment]:
        samples, progress, language = prepare(
            audio,
            language=language,
            model_label=self.model_label,
            multilingual=lambda: self.load().is_multilingual,
            on_progress=on_progress,
            should_cancel=should_cancel,
        )
        model = self.load()
        if samples.size == 0:
            progress.finish()
            return []
        # whisper/__init__ rebinds the name "transcribe" to the function, so fetch the module.
        whisper_transcribe = importlib.import_module("whisper.transcribe")
        prompt = glossary_prompt(glossary)
        with (
            engine_errors(self.name),
            _torch_threads(self._cpu_threads),
            _progress_bar(whisper_transcribe, progress),
            _cancel_before_decode(model, progress),
        ):
            result = whisper_transcribe.transcribe(
                model,
                samples,
                verbose=None,
                fp16=False,
                beam_size=5,
                best_of=5,
                word_timestamps=True,
                language=language,
                initial_prompt=prompt,
                # Keep the glossary in front of every window, as faster-whisper's hotwords do.
                carry_initial_prompt=prompt is not None,
            )
        segments = [
            make_segment(
                piece["start"],
                piece["end"],
                piece["text"],
                [
                    Word(
                        start=float(w["start"]),
                        end=float(w["end"]),
                        text=str(w["word"]).strip(),
                        probability=float(w.get("probability", 1.0)),
                    )
                    for w in piece.get("words") or ()
                ],
            )
            for piece in result["segments"]
            if str(piece["text"]).strip()
        ]
        progress.finish()
        return segments


def _heads_in_checkpoint(model: ResolvedModel) -> bytes | None:
    """Alignment heads saved inside a .pt file (as our test checkpoint does), if any."""
    import torch

    try:
        # mmap: only the small header is read, not the 75+ MB of weights a second time.
        checkpoint = torch.load(model.path, map_location="cpu", mmap=True, weights_only=True)
    except Exception:
        return None
    heads = checkpoint.get("alignment_heads_b85") if isinstance(checkpoint, dict) else None
    return heads if isinstance(heads, bytes) else None


@contextlib.contextmanager
def _torch_threads(cpu_threads: int) -> Iterator[None]:
    import torch

    if cpu_threads <= 0:
        yield
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(cpu_threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


class _ProgressBar:
    """Stands in for ``tqdm.tqdm`` inside ``whisper.transcribe``: counts frames, never prints."""

    def __init__(self, progress: Progress, *, total: int, **_ignored: object) -> None:
        self._progress = progress
        self._seconds_per_unit = 1 / _FRAMES_PER_SECOND
        self.n = 0
        self.total = total

    def __enter__(self) -> _ProgressBar:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def update(self, n: int = 1) -> None:
        self.n += n
        self._progress.reached(self.n * self._seconds_per_unit)
        self._progress.check_cancel()


@contextlib.contextmanager
def _progress_bar(module: types.ModuleType, progress: Progress) -> Iterator[None]:
    def make_bar(*_args: object, total: int = 0, **kwargs: object) -> _ProgressBar:
        return _ProgressBar(progress, total=total, **kwargs)

    with _TQDM_SWAP_LOCK:
        original = module.tqdm
        module.tqdm = types.SimpleNamespace(tqdm=make_bar)  # the module calls tqdm.tqdm(...)
        try:
            yield
        finally:
            module.tqdm = original


@contextlib.contextmanager
def _cancel_before_decode(model: Any, progress: Progress) -> Iterator[None]:
    # An attribute on this instance shadows Whisper.decode for our model object only.
    original: Callable[..., Any] = model.decode

    def decode(*args: Any, **kwargs: Any) -> Any:
        progress.check_cancel()
        return original(*args, **kwargs)

    model.decode = decode
    try:
        yield
    finally:
        del model.decode
