"""Turn an engine's raw segments into a transcript split by question, with speakers.

Question markers are the spine: a segment belongs to the last question whose marker came before
it. Straddling segments are cut at the word nearest the marker. Within each question, the words
that put the question (read as scripted, or asked in the interviewer's own words up to its
question mark) are the interviewer's; the rest is the
interviewee's answer. Both can be corrected by hand afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from app.models import Segment, Word
from app.textrules import question_span

#: People press "next question" a moment after they start reading; a segment starting this
#: close before a marker belongs to the new question.
MARKER_TOLERANCE_S = 0.6


def _join(words: list[Word]) -> str:
    # Engines differ on whether word texts carry their leading space; normalise both.
    return " ".join(t for w in words if (t := w.text.strip()))


def _from_words(template: Segment, words: list[Word]) -> Segment:
    return replace(
        template,
        start=words[0].start,
        end=words[-1].end,
        text=_join(words),
        words=list(words),
        id=None,
    )


def _anchor(seg: Segment) -> float:
    """When a segment is taken to begin: Whisper often stretches a first word back into the
    silence before it, so the end of that word is a steadier clue than the segment's start."""
    return seg.words[0].end if seg.words else seg.start


def split_at_markers(segments: list[Segment], marker_times: list[float]) -> list[Segment]:
    """Cut any segment whose words straddle a marker, so no segment spans two questions."""
    result: list[Segment] = []
    for seg in segments:
        pending = [seg]
        for t in marker_times:
            current = pending[-1]
            if not current.words:
                continue
            cut = next(
                (i for i, w in enumerate(current.words) if w.end > t - MARKER_TOLERANCE_S), None
            )
            if cut is None or cut == 0:
                continue
            pending[-1:] = [
                _from_words(current, current.words[:cut]),
                _from_words(current, current.words[cut:]),
            ]
        result.extend(pending)
    return result


def question_index_at(time_s: float, marker_times: list[float]) -> int | None:
    index = None
    for i, t in enumerate(marker_times):
        if time_s + MARKER_TOLERANCE_S >= t:
            index = i
    return index


def _split_echo(group: list[Segment], question: str) -> tuple[list[Segment], list[Segment]]:
    """Split a question's segments into (the interviewer putting the question, the rest).

    The rule is the one the exports use to keep the question out of the post
    (``app.textrules.question_span``): the scripted wording read out, or the question asked
    in the interviewer's own words up to its question mark.
    """
    if group and all(s.words for s in group):
        flat = [w for s in group for w in s.words]
        span = question_span([w.text.strip() for w in flat], question)
        if not span:
            return [], group
        seen = 0
        for si, seg in enumerate(group):
            if seen + len(seg.words) >= span:
                cut = span - seen
                head = [*group[:si], _from_words(seg, seg.words[:cut])]
                tail = list(group[si + 1 :])
                if cut < len(seg.words):
                    tail.insert(0, _from_words(seg, seg.words[cut:]))
                return head, tail
            seen += len(seg.words)
        return group, []
    # Without word timings only whole segments can be attributed.
    tokens = [t for s in group for t in s.text.split()]
    span = question_span(tokens, question)
    head, seen = [], 0
    for seg in group:
        count = len(seg.text.split())
        if not span or seen + count > span:
            break
        head.append(seg)
        seen += count
    return head, group[len(head) :]


def attribute(
    segments: list[Segment],
    *,
    markers: Sequence[tuple[float, int]],
    questions: Sequence[str],
    interviewer: str,
    interviewee: str,
) -> list[Segment]:
    """New segments with ``question_index`` and ``speaker`` set and positions renumbered.

    ``markers`` are (time, index into ``questions``) in time order. A question visited twice
    ("previous question") gets two marker groups, each recognising its own reading.
    """
    times = [t for t, _ in markers]
    pieces = split_at_markers(segments, times)
    groups: dict[int | None, list[Segment]] = {}
    for seg in pieces:
        group = question_index_at(_anchor(seg), times) if times else None
        question_index = markers[group][1] if group is not None else None
        groups.setdefault(group, []).append(replace(seg, question_index=question_index))
    result: list[Segment] = []
    for group, members in groups.items():
        index = markers[group][1] if group is not None else None
        question = questions[index] if index is not None and index < len(questions) else ""
        head, tail = _split_echo(members, question) if question else ([], members)
        result += [replace(s, speaker=interviewer) for s in head]
        result += [replace(s, speaker=interviewee) for s in tail]
    for position, seg in enumerate(result):
        seg.position = position
    return result
