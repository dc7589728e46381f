"""Cut long engine segments at sentence ends, using the word timings.

A prompt (the names that steer recognition) makes Whisper's small models emit few, very long
segments: measured on conversation.wav, 3 segments instead of 28. A segment is what a person
edits, plays and redacts, so one per sentence is what they need; the words' own times say
where each sentence starts and ends.
"""

from __future__ import annotations

import re
from dataclasses import replace

from app.models import Segment, Word

_ENDS = re.compile(r"[.?!…]['\")\]’”]*$")


def _join(words: list[Word]) -> str:
    return " ".join(t for w in words if (t := w.text.strip()))


def split_at_sentences(segments: list[Segment]) -> list[Segment]:
    """Each segment with word timings becomes one segment per sentence (others unchanged)."""
    result: list[Segment] = []
    for seg in segments:
        if len(seg.words) < 2 or _join(seg.words).split() != seg.text.split():
            result.append(seg)  # without words that spell the text there is nowhere to cut
            continue
        start = 0
        for i, word in enumerate(seg.words):
            last = i == len(seg.words) - 1
            if last or _ENDS.search(word.text.strip()):
                piece = seg.words[start : i + 1]
                result.append(
                    replace(
                        seg,
                        start=seg.start if start == 0 else piece[0].start,
                        end=seg.end if last else piece[-1].end,
                        text=_join(piece),
                        words=list(piece),
                        id=None,
                    )
                )
                start = i + 1
    for position, seg in enumerate(result):
        seg.position = position
    return result
