"""Give each word its own speaker, and split segments where the speaker changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from app.models import Segment, Word

#: One label per word of a segment (one for the whole segment when it has no words); None
#: keeps the speaker the segment already had.
Labels = Sequence[Sequence[str | None]]


def _join(words: Sequence[Word]) -> str:
    return " ".join(t for w in words if (t := w.text.strip()))


def smooth(labels: Sequence[str | None]) -> list[str | None]:
    """A lone word flanked on both sides by the other voice is noise, not a turn: no one
    says one word in the middle of the other person's sentence without a pause around it."""
    out = list(labels)
    for i in range(1, len(out) - 1):
        if out[i - 1] is not None and out[i - 1] == out[i + 1] != out[i]:
            out[i] = out[i - 1]
    return out


def apply_word_speakers(segments: Sequence[Segment], labels: Labels) -> list[Segment]:
    """New segments, split wherever consecutive words have different speakers.

    Each piece keeps the segment's question, flags and words; positions are renumbered.
    """
    if len(labels) != len(segments):
        raise ValueError(f"{len(labels)} label lists for {len(segments)} segments")
    result: list[Segment] = []
    for seg, seg_labels in zip(segments, labels, strict=True):
        if not seg.words:
            speaker = seg_labels[0] if seg_labels and seg_labels[0] is not None else seg.speaker
            result.append(replace(seg, speaker=speaker, words=[], id=None))
            continue
        if len(seg_labels) != len(seg.words):
            raise ValueError(f"{len(seg_labels)} labels for {len(seg.words)} words")
        who = [label if label is not None else seg.speaker for label in seg_labels]
        runs: list[tuple[str | None, list[Word]]] = []
        for word, speaker in zip(seg.words, who, strict=True):
            if runs and runs[-1][0] == speaker:
                runs[-1][1].append(replace(word))
            else:
                runs.append((speaker, [replace(word)]))
        if len(runs) == 1:
            result.append(replace(seg, speaker=runs[0][0], words=runs[0][1]))
            continue
        for speaker, words in runs:
            result.append(
                replace(
                    seg,
                    start=words[0].start,
                    end=words[-1].end,
                    text=_join(words),
                    words=words,
                    speaker=speaker,
                    id=None,
                )
            )
    for position, seg in enumerate(result):
        seg.position = position
    return result
