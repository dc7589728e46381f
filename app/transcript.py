"""Pure edits of a transcript's segments, and read-only views of them.

Every edit takes a list of segments and returns a *new* list of new ``Segment`` objects, with
``position`` renumbered 0..n-1; the input is never changed. That lets the store persist the
result as a whole and the UI keep earlier lists as undo steps.

``edited`` means "a person changed this segment" (its text, speaker, or how it is cut), so that
transcribing again can warn before throwing that work away. Redaction has its own flag.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from app.errors import InvalidInput
from app.models import Interview, Segment, Word

_TOKEN_RE = re.compile(r"\S+")
_WHITESPACE_RE = re.compile(r"\s+")
_ALNUM_RE = re.compile(r"\w")


@dataclass
class QuestionGroup:
    """The segments under one question; ``index`` None is talk before the first question."""

    index: int | None
    question: str | None
    segments: list[Segment] = field(default_factory=list)


@dataclass
class Paragraph:
    """Consecutive segments by the same speaker, joined for reading."""

    speaker: str | None
    text: str
    start: float
    end: float


# --- helpers -----------------------------------------------------------------------------


def _clone(seg: Segment, **changes: object) -> Segment:
    # Words are copied too, so that nothing in a returned list is shared with the input.
    if "words" not in changes:
        changes["words"] = [replace(w) for w in seg.words]
    return replace(seg, **changes)  # type: ignore[arg-type]


def _copy_all(segments: Sequence[Segment]) -> list[Segment]:
    return [_clone(s) for s in segments]


def _renumber(segments: list[Segment]) -> list[Segment]:
    # Safe to set in place: callers only pass lists of fresh copies.
    for position, seg in enumerate(segments):
        seg.position = position
    return segments


def _check_index(segments: Sequence[Segment], index: int) -> None:
    if not 0 <= index < len(segments):
        raise InvalidInput(
            f"There is no segment number {index + 1}; the transcript has {len(segments)}.",
            "Reload the transcript and try again.",
        )


def tidy(text: str) -> str:
    """Collapse runs of whitespace (including line breaks) into single spaces."""
    return _WHITESPACE_RE.sub(" ", text).strip()


def word_spans(text: str, words: Sequence[Word]) -> list[tuple[int, int]] | None:
    """Character span of each word inside ``text``, or None if they cannot be matched up.

    Engines give word texts that, joined, spell the segment text; after an edit that may no
    longer hold, and then a one-to-one match of whitespace-separated tokens is the fallback.
    """
    if not words:
        return None
    spans: list[tuple[int, int]] = []
    cursor = 0
    for word in words:
        needle = word.text.strip()
        found = text.find(needle, cursor) if needle else -1
        # Skipping over letters or digits would mean we matched the wrong occurrence.
        if found < 0 or _ALNUM_RE.search(text, cursor, found):
            break
        spans.append((found, found + len(needle)))
        cursor = found + len(needle)
    else:
        return spans
    tokens = [(m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]
    return tokens if len(tokens) == len(words) else None


def _retext(seg: Segment, text: str) -> list[Word]:
    """Words for ``seg`` once its text becomes ``text``: kept if they still line up."""
    if text == seg.text:
        return [replace(w) for w in seg.words]
    old_tokens = _TOKEN_RE.findall(seg.text)
    new_tokens = _TOKEN_RE.findall(text)
    # Same number of words on both sides: a spelling or punctuation fix, so the timings (used
    # for click-to-play and caption splitting) still belong to the same spoken words.
    if seg.words and len(old_tokens) == len(new_tokens) == len(seg.words):
        return [
            replace(w, text=(" " if w.text[:1].isspace() else "") + token)
            for w, token in zip(seg.words, new_tokens, strict=True)
        ]
    return []


# --- edits -------------------------------------------------------------------------------


def set_text(segments: Sequence[Segment], index: int, text: str) -> list[Segment]:
    """Replace one segment's text; whitespace is tidied and blank text is refused."""
    _check_index(segments, index)
    new_text = tidy(text)
    if not new_text:
        raise InvalidInput(
            "A segment cannot be left empty.",
            "To leave it out of exports, redact it; or merge it with its neighbour.",
        )
    result = _copy_all(segments)
    old = segments[index]
    if new_text != old.text:
        result[index] = _clone(old, text=new_text, words=_retext(old, new_text), edited=True)
    return _renumber(result)


def set_speaker(segments: Sequence[Segment], index: int, speaker: str | None) -> list[Segment]:
    """Attribute one segment to ``speaker`` (a name; None for unknown)."""
    _check_index(segments, index)
    result = _copy_all(segments)
    if segments[index].speaker != speaker:
        result[index] = _clone(segments[index], speaker=speaker, edited=True)
    return _renumber(result)


def set_speaker_for_question(
    segments: Sequence[Segment],
    question_index: int | None,
    speaker: str | None,
    *,
    only_unknown: bool = False,
) -> list[Segment]:
    """Attribute every segment under one question (None: the introduction) to ``speaker``."""
    result = _copy_all(segments)
    for i, seg in enumerate(segments):
        if seg.question_index != question_index or seg.speaker == speaker:
            continue
        if only_unknown and seg.speaker is not None:
            continue
        result[i] = _clone(seg, speaker=speaker, edited=True)
    return _renumber(result)


def redact(segments: Sequence[Segment], index: int, *, redacted: bool = True) -> list[Segment]:
    """Mark one segment as left out of every export (or bring it back)."""
    _check_index(segments, index)
    result = _copy_all(segments)
    result[index].redacted = redacted
    return _renumber(result)


def _split_words(seg: Segment, at_char: int) -> tuple[list[Word], list[Word], float, float] | None:
    """Words of both halves and the times where the halves end and begin, from word timings."""
    spans = word_spans(seg.text, seg.words)
    if spans is None:
        return None
    left: list[Word] = []
    right: list[Word] = []
    for word, (a, b) in zip(seg.words, spans, strict=True):
        if b <= at_char:
            left.append(replace(word))
        elif a >= at_char:
            right.append(replace(word))
        else:
            # The cut falls inside this word: share its time out by characters.
            t = word.start + (word.end - word.start) * (at_char - a) / (b - a)
            left.append(replace(word, end=t, text=seg.text[a:at_char]))
            right.append(replace(word, start=t, text=" " + seg.text[at_char:b]))
    if not left or not right:
        return None
    return left, right, left[-1].end, right[0].start


def split(segments: Sequence[Segment], index: int, at_char: int) -> list[Segment]:
    """Cut one segment in two at a character offset of its text.

    The time of the cut comes from the word timings when they match the text (the halves end
    and begin with their own words), otherwise it is proportional to the characters.
    """
    _check_index(segments, index)
    seg = segments[index]
    head, tail = seg.text[:at_char].rstrip(), seg.text[at_char:].lstrip()
    if not 0 < at_char < len(seg.text) or not head or not tail:
        raise InvalidInput(
            "There is nothing to split off at that point.",
            "Place the cursor between two words of the segment.",
        )
    by_words = _split_words(seg, at_char)
    if by_words is not None:
        left_words, right_words, left_end, right_start = by_words
    else:
        cut = seg.start + (seg.end - seg.start) * at_char / len(seg.text)
        left_end = right_start = cut
        left_words = [replace(w) for w in seg.words if (w.start + w.end) / 2 < cut]
        right_words = [replace(w) for w in seg.words if (w.start + w.end) / 2 >= cut]
    left_end = min(max(left_end, seg.start), seg.end)
    right_start = min(max(right_start, left_end), seg.end)
    first = _clone(seg, end=left_end, text=head, words=left_words, edited=True)
    second = _clone(seg, start=right_start, text=tail, words=right_words, edited=True, id=None)
    result = [*_copy_all(segments[:index]), first, second, *_copy_all(segments[index + 1 :])]
    return _renumber(result)


def merge(segments: Sequence[Segment], index: int) -> list[Segment]:
    """Join segment ``index`` with the one after it.

    Both must belong to the same question and share a redaction state. The speaker (and the
    stored id) of the first is kept, even when the second had another speaker: merging is how
    a wrongly split sentence is repaired, and the sentence began with the first speaker.
    """
    _check_index(segments, index)
    if index + 1 >= len(segments):
        raise InvalidInput(
            "The last segment has nothing after it to merge with.",
            "Choose a segment that has another one after it.",
        )
    first, second = segments[index], segments[index + 1]
    if first.question_index != second.question_index:
        raise InvalidInput(
            "These two segments belong to different questions, so they cannot be merged.",
            "Move the question boundary first, or edit each segment on its own.",
        )
    if first.redacted != second.redacted:
        raise InvalidInput(
            "Only one of these two segments is redacted, so they cannot be merged.",
            "Redact both or neither, then merge them.",
        )
    joined = _clone(
        first,
        end=max(first.end, second.end),
        text=tidy(f"{first.text} {second.text}"),
        words=[replace(w) for w in first.words + second.words],
        edited=True,
    )
    result = [*_copy_all(segments[:index]), joined, *_copy_all(segments[index + 2 :])]
    return _renumber(result)


# --- search ------------------------------------------------------------------------------


def _pattern(query: str, *, case_sensitive: bool) -> re.Pattern[str]:
    # A regex (not str.lower) keeps offsets right for letters whose lower case is longer.
    return re.compile(re.escape(query), 0 if case_sensitive else re.IGNORECASE)


def find(
    segments: Sequence[Segment], query: str, *, case_sensitive: bool = False
) -> list[tuple[int, int]]:
    """Every (segment index, character offset) where ``query`` occurs, in reading order."""
    if not query:
        return []
    pattern = _pattern(query, case_sensitive=case_sensitive)
    return [(i, m.start()) for i, seg in enumerate(segments) for m in pattern.finditer(seg.text)]


def replace_all(
    segments: Sequence[Segment],
    query: str,
    replacement: str,
    *,
    case_sensitive: bool = False,
) -> tuple[list[Segment], int]:
    """Replace every occurrence of ``query``; returns the new list and how many were replaced.

    The replacement is literal text (no backreferences). A segment left blank is kept, so that
    a replacement never deletes segments; exports skip blank segments.
    """
    result = _copy_all(segments)
    if not query:
        return _renumber(result), 0
    pattern = _pattern(query, case_sensitive=case_sensitive)
    total = 0
    for i, seg in enumerate(segments):
        new_text, count = pattern.subn(lambda _m: replacement, seg.text)
        if not count:
            continue
        total += count
        new_text = tidy(new_text)
        result[i] = _clone(seg, text=new_text, words=_retext(seg, new_text), edited=True)
    return _renumber(result), total


# --- views -------------------------------------------------------------------------------


def group_by_question(
    segments: Sequence[Segment], questions: Sequence[str], *, include_empty: bool = True
) -> list[QuestionGroup]:
    """Segments grouped under their questions, in question order.

    Segments before the first question (``question_index`` None) form a leading group with
    index None, present only when it has segments. A segment without a question index later
    on stays with the segment before it, so nothing moves away from its context. Segments
    pointing past the script's questions get a group with ``question`` None rather than being
    dropped. The groups share the input's segment objects: this is a view, not an edit.
    """
    buckets: dict[int | None, list[Segment]] = {}
    current: int | None = None
    for seg in segments:
        if seg.question_index is not None:
            current = seg.question_index
        buckets.setdefault(current, []).append(seg)
    groups: list[QuestionGroup] = []
    if buckets.get(None):
        groups.append(QuestionGroup(None, None, buckets[None]))
    indices = {i for i in buckets if i is not None}
    if include_empty:
        indices |= set(range(len(questions)))
    for i in sorted(indices):
        question = questions[i] if 0 <= i < len(questions) else None
        groups.append(QuestionGroup(i, question, buckets.get(i, [])))
    return groups


def segment_at(segments: Sequence[Segment], time_s: float) -> int | None:
    """Index of the segment playing at ``time_s`` (segments sorted by start), or None."""
    index = bisect_right(segments, time_s, key=lambda s: s.start) - 1
    if index >= 0 and time_s < segments[index].end:
        return index
    return None


def speaker_name(interview: Interview | None, speaker: str | None) -> str | None:
    """The name to show for a segment's speaker; a role word is resolved to the person."""
    if interview is not None and speaker in ("interviewer", "interviewee"):
        person = interview.participant(speaker)
        if person is not None:
            return person.name
    return speaker


def paragraphs(
    segments: Sequence[Segment], *, interview: Interview | None = None
) -> list[Paragraph]:
    """Readable paragraphs: redacted and blank segments left out, same-speaker runs joined."""
    result: list[Paragraph] = []
    for seg in segments:
        text = tidy(seg.text)
        if seg.redacted or not text:
            continue
        name = speaker_name(interview, seg.speaker)
        if result and result[-1].speaker == name:
            last = result[-1]
            last.text = f"{last.text} {text}"
            last.end = max(last.end, seg.end)
        else:
            result.append(Paragraph(name, text, seg.start, seg.end))
    return result
