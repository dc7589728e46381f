"""The engine protocol and the helpers both engines share.

(Choosing and building an engine is :mod:`app.transcription.loader`, so the engines can
import this module without a circle.)

An engine turns 16 kHz mono float32 samples into segments with word timings. Engines import
their libraries and load weights lazily (on first use) so that the window opens fast, then keep
the loaded model for every later call.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from app.errors import BuddyError, Cancelled, InvalidInput, TranscriptionFailed
from app.models import Segment, Word

ENGINES: tuple[str, ...] = ("faster-whisper", "openai-whisper")
SAMPLE_RATE = 16000

ProgressCallback = Callable[[float], None]
CancelCheck = Callable[[], bool]


@runtime_checkable
class Engine(Protocol):
    name: str
    model_label: str

    def transcribe(
        self,
        audio: np.ndarray,
        *,
        language: str | None = None,
        glossary: Sequence[str] = (),
        on_progress: ProgressCallback | None = None,
        should_cancel: CancelCheck | None = None,
    ) -> list[Segment]:
        """Segments (with words, speaker=None) for 16 kHz mono float32 ``audio``.

        ``on_progress`` receives the fraction of the audio done (monotonic, ends at 1.0);
        ``should_cancel`` is polled at least once per decoded segment and a True answer raises
        Cancelled. Engine failures arrive as TranscriptionFailed.
        """
        ...


def glossary_prompt(glossary: Sequence[str]) -> str | None:
    """The text both engines prime the decoder with so that names and jargon come out right.

    Just the terms, comma-separated, each once: a term inside a longer one ("Priya" beside
    "Priya Shah") is dropped, as a repeated name is what small models start reciting.
    Measured with tiny.en (WER on conversation.wav / buddy-interview.wav with a glossary /
    without): no prompt 9.2% (writes Karen for Kieran) / 5.1% / 5.1%; "Glossary: ..." as
    hotwords 80.5% / 4.5% / 5.1%; the bare terms as hotwords, with the decoder not
    conditioned on its own previous text, 12.3% (Kieran right) / 7.0% / 8.9%, the only
    setting without a collapse, and how the faster-whisper engine uses it.
    """
    terms = [" ".join(term.split()) for term in glossary]
    terms = list(dict.fromkeys(term for term in terms if term))
    terms = [
        t
        for t in terms
        if not any(
            t != other and re.search(rf"(?<!\w){re.escape(t)}(?!\w)", other, re.IGNORECASE)
            for other in terms
        )
    ]
    if not terms:
        return None
    return ", ".join(terms)


def recites_prompt(text: str, prompt: str | None) -> bool:
    """True when the decoder copied the prompt instead of transcribing ("A, B, B, B")."""
    if not prompt:
        return False
    terms = [t for t in prompt.split(", ") if t]
    flat = " ".join(text.split())
    if len(terms) >= 2 and ", ".join(terms[:2]) in flat:
        return True
    return any(flat.count(f"{t}, {t}") for t in terms)


def check_audio(audio: np.ndarray) -> np.ndarray:
    samples = np.asarray(audio)
    if samples.ndim != 1:
        raise InvalidInput(
            f"Audio for transcription must be mono (one dimension), not shape {samples.shape}."
        )
    return np.ascontiguousarray(samples, dtype=np.float32)


def check_language(language: str | None, *, multilingual: bool, model_label: str) -> str | None:
    """English-only models would silently transcribe other speech as English: refuse instead."""
    if language is None:
        return None if multilingual else "en"
    code = language.strip().lower()
    if not multilingual and code not in ("en", "english"):
        raise InvalidInput(
            f"The model {model_label} only understands English, not '{language}'.",
            "Choose a multilingual model (e.g. --model small), or leave the language unset.",
        )
    return "en" if code == "english" else code


def prepare(
    audio: np.ndarray,
    *,
    language: str | None,
    model_label: str,
    multilingual: Callable[[], bool],
    on_progress: ProgressCallback | None,
    should_cancel: CancelCheck | None,
) -> tuple[np.ndarray, Progress, str | None]:
    """What both engines check before decoding, in an order that lets a cancel pressed during
    the (slow, first-time) model load land before any decoding starts.

    ``multilingual`` loads the model if needed and says whether it knows other languages.
    """
    samples = check_audio(audio)
    duration = samples.size / SAMPLE_RATE
    progress = Progress(duration, on_progress, should_cancel)
    progress.check_cancel()
    language = check_language(language, multilingual=multilingual(), model_label=model_label)
    progress.check_cancel()
    return samples, progress, language


class Progress:
    """Turns positions in seconds into a monotonic 0..1 fraction and polls for cancel."""

    def __init__(
        self,
        duration_s: float,
        on_progress: ProgressCallback | None,
        should_cancel: CancelCheck | None,
    ) -> None:
        self._duration = duration_s
        self._on_progress = on_progress
        self._should_cancel = should_cancel
        self._done = 0.0

    def check_cancel(self) -> None:
        if self._should_cancel is not None and self._should_cancel():
            raise Cancelled("Transcription was cancelled.")

    def reached(self, position_s: float) -> None:
        fraction = (
            1.0 if self._duration <= 0 else min(1.0, max(0.0, float(position_s) / self._duration))
        )
        # Only report forward movement: whisper may re-decode a window after a fallback.
        if fraction > self._done:
            self._done = fraction
            if self._on_progress is not None and fraction < 1.0:
                self._on_progress(fraction)

    def finish(self) -> None:
        self._done = 1.0
        if self._on_progress is not None:
            self._on_progress(1.0)


@contextlib.contextmanager
def engine_errors(engine_name: str) -> Iterator[None]:
    """Our own errors pass through; anything the engine library raises is reported plainly."""
    try:
        yield
    except BuddyError:
        raise
    except MemoryError as exc:
        raise TranscriptionFailed(
            f"{engine_name} ran out of memory while transcribing.",
            "Close other programs or choose a smaller model, then try again.",
        ) from exc
    except Exception as exc:
        raise TranscriptionFailed(
            f"{engine_name} failed while transcribing.", details=f"{type(exc).__name__}: {exc}"
        ) from exc


def make_segment(start: float, end: float, text: str, words: Sequence[Word]) -> Segment:
    """A Segment whose words all lie within its bounds (what click-to-play relies on)."""
    start = max(0.0, float(start))
    end = max(start, float(end))
    clamped = []
    for word in words:
        # float(): the engines hand out numpy scalars, which must not leak into the store.
        word_start = min(max(float(word.start), start), end)
        clamped.append(
            Word(
                start=word_start,
                end=min(max(float(word.end), word_start), end),
                text=word.text,
                probability=float(word.probability),
            )
        )
    return Segment(start=start, end=end, text=text.strip(), words=clamped)
