"""The default engine: faster-whisper (CTranslate2, int8 on the CPU)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from app.models import Segment, Word
from app.paths import Paths
from app.transcription.engine import (
    CancelCheck,
    ProgressCallback,
    engine_errors,
    glossary_prompt,
    make_segment,
    prepare,
    recites_prompt,
)
from app.transcription.models import ResolvedModel, unloadable, verify

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

#: bench/transcribe.py's "direct" row repeats these by hand (it must not use our code): keep
#: the two in step so that the overhead ratio it prints stays meaningful.
DECODE_OPTIONS: dict[str, object] = {
    "beam_size": 5,
    "word_timestamps": True,
    "vad_filter": False,
}


class FasterWhisperEngine:
    name = "faster-whisper"

    def __init__(
        self, model: ResolvedModel, *, paths: Paths | None = None, cpu_threads: int = 0
    ) -> None:
        self.model = model
        self.model_label = model.label
        self._paths = paths
        self._cpu_threads = cpu_threads
        self._whisper: WhisperModel | None = None
        # Two jobs sharing an engine must not both load the weights.
        self._load_lock = threading.Lock()

    def load(self) -> WhisperModel:
        """Verify and load the weights once; later calls return the same model."""
        with self._load_lock:
            if self._whisper is None:
                verify(self.model, paths=self._paths)
                from faster_whisper import WhisperModel

                try:
                    self._whisper = WhisperModel(
                        str(self.model.path),  # CTranslate2 rejects Path objects
                        device="cpu",
                        compute_type="int8",
                        cpu_threads=self._cpu_threads,
                    )
                except (RuntimeError, ValueError, OSError) as exc:
                    raise unloadable(self.model, exc) from exc
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
            multilingual=lambda: self.load().model.is_multilingual,
            on_progress=on_progress,
            should_cancel=should_cancel,
        )
        whisper = self.load()
        if samples.size == 0:
            progress.finish()
            return []
        hotwords = glossary_prompt(glossary)
        with engine_errors(self.name):
            segments = self._decode(whisper, samples, language, hotwords, progress)
            if recites_prompt(" ".join(s.text for s in segments), hotwords):
                # A small model sometimes recites the names instead of transcribing: the
                # unsteered text is worth more than a list of names.
                segments = self._decode(whisper, samples, language, None, progress)
        progress.finish()
        return segments

    def _decode(
        self,
        whisper: WhisperModel,
        samples: np.ndarray,
        language: str | None,
        hotwords: str | None,
        progress: Any,
    ) -> list[Segment]:
        options = dict(DECODE_OPTIONS)
        if hotwords is not None:
            # hotwords is put before every 30 s window, so the glossary keeps steering a long
            # interview; an initial_prompt scrolls out of the context as text accumulates.
            # Conditioning on the previous window's text as well made tiny.en drop whole
            # answers (see glossary_prompt): a steered run decodes each window on its own.
            options["condition_on_previous_text"] = False
        pieces, _info = whisper.transcribe(samples, language=language, hotwords=hotwords, **options)
        segments: list[Segment] = []
        # The generator decodes lazily: each step is one more segment decoded, so polling
        # here stops the work within one window of the user pressing cancel.
        for piece in pieces:
            progress.check_cancel()
            words = [
                Word(start=w.start, end=w.end, text=w.word.strip(), probability=w.probability)
                for w in piece.words or ()
            ]
            if piece.text.strip():
                segments.append(make_segment(piece.start, piece.end, piece.text, words))
            progress.reached(piece.end)
        return segments
