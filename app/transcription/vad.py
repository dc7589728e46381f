"""Speech detection (Silero VAD, bundled with faster-whisper) and cutting audio at pauses.

Whisper is a language model as well as a recogniser: fed silence or quiet room noise it
"hears" a polite "Thank you." or "You you you". So speech detection decides what reaches the
engine: only stretches the detector calls speech are transcribed, and they are cut into
chunks at pauses, never inside a word.

:class:`Chunker` is fed 16 kHz mono audio in blocks of any size (a recorder's blocks or a
file read piece by piece) and hands out :class:`Chunk` s as soon as a pause closes them, so
neither the live path nor the offline path ever holds a whole take.

Boundaries: each chunk carries a little of the pause on either side (``PAD_S``) so no word's
edge is clipped, and owns the half of each pause up to the pause's middle; the words the engine
finds outside what a chunk owns belong to its neighbour, so nothing at a cut is lost or doubled.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

SAMPLE_RATE = 16000
#: Silero works on windows of 512 samples (32 ms) at 16 kHz.
WINDOW = 512
WINDOW_S = WINDOW / SAMPLE_RATE
#: Probabilities above this start speech; below ``NEG_THRESHOLD`` end it (faster-whisper's
#: defaults, which kept every word of the test speech and none of the room noise).
THRESHOLD = 0.5
NEG_THRESHOLD = 0.35
#: Speech shorter than this is a click or a breath, not a word.
MIN_SPEECH_S = 0.25
#: Audio kept on each side of a chunk's speech so a soft word edge is not clipped. Measured
#: (WER buddy interview / conversation, whole-file run 5.1% / 9.2%): 0.3 s 7.6% / 8.7%,
#: 0.5 s 5.7% / 7.2%, 0.6 s 3.2% / 9.2%, 0.8 s 5.7% / 8.7%, 1.0 s 5.1% / 9.7%.
PAD_S = 0.6
#: A pause this long (or longer) may end a chunk.
MIN_PAUSE_S = 0.4
#: Silence this long always ends a chunk: whisper invents text when fed long silences.
LONG_PAUSE_S = 2.0
#: Whisper's window is 30 s; a chunk never exceeds it (minus room for the padding).
MAX_CHUNK_S = 28.0


class StreamingVad:
    """Speech probability per 32 ms window, with the model's state kept across blocks."""

    def __init__(self) -> None:
        from faster_whisper.vad import get_vad_model

        self._model = get_vad_model()  # cached by faster-whisper: loaded once per process
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(64, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)

    def feed(self, samples: np.ndarray) -> np.ndarray:
        """Probabilities for every whole window now available (leftover samples wait)."""
        audio = np.concatenate([self._pending, np.asarray(samples, dtype=np.float32)])
        whole = audio.size - audio.size % WINDOW
        self._pending = audio[whole:]
        if whole == 0:
            return np.zeros(0, dtype=np.float32)
        windows = audio[:whole].reshape(-1, WINDOW)
        # Each window is given the 64 samples before it, as faster-whisper's own call does.
        previous = np.concatenate([self._context[None, :], windows[:-1, -64:]], axis=0)
        batch = np.concatenate([previous, windows], axis=1)
        self._context = windows[-1, -64:].copy()
        out, self._h, self._c = self._model.session.run(
            None, {"input": batch, "h": self._h, "c": self._c}
        )
        return np.asarray(out, dtype=np.float32).reshape(-1)

    def flush(self) -> np.ndarray:
        """The last, partial window (zero-padded)."""
        if self._pending.size == 0:
            return np.zeros(0, dtype=np.float32)
        pad = np.zeros(WINDOW - self._pending.size, dtype=np.float32)
        return self.feed(pad)


@dataclass
class Chunk:
    """Audio to transcribe: ``audio`` starts at ``start_s`` on the take's timeline.

    ``own_start_s``..``own_end_s`` is the part of the timeline this chunk answers for;
    ``speech`` lists the detected speech spans (take times) inside it.
    """

    start_s: float
    audio: np.ndarray
    own_start_s: float
    own_end_s: float
    speech: list[tuple[float, float]] = field(default_factory=list)

    @property
    def end_s(self) -> float:
        return self.start_s + self.audio.size / SAMPLE_RATE


class Chunker:
    """Cuts a stream of 16 kHz mono audio into chunks of speech, at pauses.

    ``max_chunk_s`` bounds a chunk; ``eager_after_s`` (live) lets any pause of ``MIN_PAUSE_S``
    close a chunk once it holds that much speech, so captions follow the talk closely, while
    offline it is ``max_chunk_s`` and chunks fill whisper's window (fewer, cheaper calls).
    """

    def __init__(
        self, *, max_chunk_s: float = MAX_CHUNK_S, eager_after_s: float | None = None
    ) -> None:
        self._vad = StreamingVad()
        self._max = int(max_chunk_s * SAMPLE_RATE)
        self._eager = int((eager_after_s or max_chunk_s) * SAMPLE_RATE)
        self._min_pause = int(MIN_PAUSE_S / WINDOW_S)
        self._long_pause = int(LONG_PAUSE_S / WINDOW_S)
        self._min_speech = int(MIN_SPEECH_S / WINDOW_S)
        self._pad = int(PAD_S * SAMPLE_RATE)
        # Audio kept from ``_base`` (a sample index on the take) onwards.
        self._audio = np.zeros(0, dtype=np.float32)
        self._base = 0
        self._received = 0  # samples fed so far
        self._windows = 0  # windows judged so far
        self._triggered = False
        self._speech_start = 0  # window index
        self._silence_run = 0  # windows below NEG_THRESHOLD since speech last went quiet
        self._spans: list[tuple[int, int]] = []  # closed speech spans (window indices)
        self._owned_from = 0  # sample where the next chunk's own part starts
        self._open_probs: list[float] = []  # probabilities since the open speech began

    @property
    def received_s(self) -> float:
        return self._received / SAMPLE_RATE

    @property
    def settled_s(self) -> float:
        """How far the take is dealt with: up to the speech still waiting for a pause."""
        if self._spans:
            return self._owned_from / SAMPLE_RATE
        if self._triggered:
            return max(self._owned_from, self._speech_start * WINDOW - self._pad) / SAMPLE_RATE
        return self._windows * WINDOW / SAMPLE_RATE

    @property
    def in_speech(self) -> bool:
        return self._triggered

    def feed(self, samples: np.ndarray) -> Iterator[Chunk]:
        samples = np.asarray(samples, dtype=np.float32).reshape(-1)
        self._audio = np.concatenate([self._audio, samples])
        self._received += samples.size
        yield from self._judge(self._vad.feed(samples))
        self._trim_idle()

    def draft(self) -> Chunk | None:
        """The chunk the speech so far would make if the audio ended now, up to its last
        pause; None until a pause as long as the padding has closed some speech.

        Live transcription transcribes drafts while it has nothing else to do, so that when
        the take ends only the speech after the draft is left (:func:`split_after`). Asked
        after every block, so its audio is a view, not a copy: the chunker never writes into
        its buffer (it only makes new arrays or slices), so the view stays as it was.
        """
        if not self._spans:
            return None
        first, last = self._spans[0][0] * WINDOW, self._spans[-1][1] * WINDOW
        end = last + self._pad
        # The pause must already be judged silent for the whole padding, so the draft holds
        # no part of the next word.
        if self._windows * WINDOW < end or (self._triggered and self._speech_start * WINDOW < end):
            return None
        start = max(self._base, first - self._pad, 0)
        return Chunk(
            start_s=start / SAMPLE_RATE,
            audio=self._audio[start - self._base : end - self._base],
            own_start_s=self._owned_from / SAMPLE_RATE,
            own_end_s=end / SAMPLE_RATE,
            speech=[(a * WINDOW_S, b * WINDOW_S) for a, b in self._spans],
        )

    def finish(self) -> Iterator[Chunk]:
        """The audio has ended: whatever speech is open becomes the last chunk."""
        yield from self._judge(self._vad.flush())
        if self._triggered:
            self._close_span(self._windows - self._silence_run)
        if self._spans:
            yield self._emit(len(self._spans), end_sample=self._received)

    def _judge(self, probs: np.ndarray) -> Iterator[Chunk]:
        for prob in probs:
            index = self._windows
            self._windows += 1
            if not self._triggered:
                if prob >= THRESHOLD:
                    self._triggered = True
                    self._speech_start = index
                    self._silence_run = 0
                    self._open_probs = []
                elif self._spans and index - self._spans[-1][1] >= self._long_pause:
                    yield self._emit(len(self._spans), end_sample=None)
                continue
            if prob < NEG_THRESHOLD:
                self._silence_run += 1
                if self._silence_run >= self._min_pause:
                    self._close_span(index + 1 - self._silence_run)
                    chunk = self._maybe_close_at_pause()
                    if chunk is not None:
                        yield chunk
            elif prob >= THRESHOLD:
                self._silence_run = 0
            if self._triggered:
                self._open_probs.append(float(prob))
                if self._span_samples(index + 1) >= self._max:
                    yield self._cut_long(index + 1)

    def _cut_long(self, until_window: int) -> Chunk:
        """The chunk is full: cut at the last pause, or, when someone spoke for the whole of
        it without one, at the quietest moment of the open speech's second half."""
        if self._spans:
            return self._emit(len(self._spans), end_sample=None)
        probs = self._open_probs
        half = len(probs) // 2
        cut = self._speech_start + half + int(np.argmin(probs[half:])) if probs else until_window
        cut = max(cut, self._speech_start + 1)
        self._spans.append((self._speech_start, cut))
        chunk = self._emit(1, end_sample=cut * WINDOW)
        self._open_probs = probs[cut - self._speech_start :]
        self._speech_start = cut
        return chunk

    def _span_samples(self, until_window: int) -> int:
        first = self._spans[0][0] if self._spans else self._speech_start
        return (until_window - first) * WINDOW + 2 * self._pad

    def _close_span(self, end_window: int) -> None:
        self._triggered = False
        if end_window - self._speech_start >= self._min_speech:
            self._spans.append((self._speech_start, end_window))
        self._silence_run = 0

    def _maybe_close_at_pause(self) -> Chunk | None:
        if not self._spans:
            return None
        if self._span_samples(self._spans[-1][1]) >= self._eager:
            return self._emit(len(self._spans), end_sample=None)
        return None

    def _emit(self, count: int, *, end_sample: int | None) -> Chunk:
        spans, self._spans = self._spans[:count], self._spans[count:]
        first = spans[0][0] * WINDOW
        last = spans[-1][1] * WINDOW
        start = max(self._base, first - self._pad, 0)
        end = min(self._received, last + self._pad)
        # The chunk owns up to the middle of the pause after it (or all, at the end).
        if end_sample is not None:
            own_end = end_sample
        else:
            next_speech = self._spans[0][0] * WINDOW if self._spans else None
            if next_speech is None and self._triggered:
                next_speech = self._speech_start * WINDOW
            own_end = (last + next_speech) // 2 if next_speech is not None else end
            own_end = max(own_end, end)
        audio = self._audio[start - self._base : end - self._base].copy()
        chunk = Chunk(
            start_s=start / SAMPLE_RATE,
            audio=audio,
            own_start_s=self._owned_from / SAMPLE_RATE,
            own_end_s=own_end / SAMPLE_RATE,
            speech=[(a * WINDOW_S, b * WINDOW_S) for a, b in spans],
        )
        self._owned_from = own_end
        # Keep only what a later chunk may still need (its padding reaches back PAD_S).
        keep_from = max(self._base, min(own_end, end) - self._pad)
        self._audio = self._audio[keep_from - self._base :]
        self._base = keep_from
        self._trim_idle()
        return chunk

    def _trim_idle(self) -> None:
        """During long silences nothing is needed but the padding before the next word."""
        if self._spans or self._triggered:
            return
        keep_from = max(self._base, self._windows * WINDOW - self._pad)
        self._audio = self._audio[keep_from - self._base :]
        self._base = keep_from


def split_after(chunk: Chunk, head: Chunk) -> tuple[Chunk, Chunk] | None:
    """``chunk`` cut in two where ``head`` ends: ``head``'s part exactly as drafted, then the
    rest, owning the timeline after it (a cut at a pause, like the chunker's own).

    ``head`` is an earlier :meth:`Chunker.draft` of the same chunk; None unless its speech
    is the start of ``chunk``'s, with more speech after it.
    """
    count = len(head.speech)
    if not 0 < count < len(chunk.speech) or chunk.speech[:count] != head.speech:
        return None
    if (chunk.start_s, chunk.own_start_s) != (head.start_s, head.own_start_s):
        return None
    size = head.audio.size
    rest_speech = chunk.speech[count][0]
    if size > chunk.audio.size or rest_speech < head.end_s:
        return None
    if not np.array_equal(chunk.audio[:size], head.audio):
        return None
    first = Chunk(
        start_s=head.start_s,
        audio=chunk.audio[:size].copy(),
        own_start_s=head.own_start_s,
        own_end_s=head.own_end_s,
        speech=list(head.speech),
    )
    # As the chunker keeps it: from the padding before the rest's speech, never before the
    # head's last word ends.
    rest_start = max(head.end_s - PAD_S, rest_speech - PAD_S)
    offset = round((rest_start - chunk.start_s) * SAMPLE_RATE)
    rest = Chunk(
        start_s=chunk.start_s + offset / SAMPLE_RATE,
        audio=chunk.audio[offset:].copy(),
        own_start_s=head.own_end_s,
        own_end_s=chunk.own_end_s,
        speech=list(chunk.speech[count:]),
    )
    return first, rest
