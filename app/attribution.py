"""Turn an engine's raw segments into a transcript split by question, with speakers.

Question markers are the spine: a segment belongs to the last question whose marker came before
it. Straddling segments are cut at the word nearest the marker. Within each question, the words
that echo the scripted question text are the interviewer reading it; the rest is the
interviewee's answer. Both can be corrected by hand afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from difflib import SequenceMatcher

from app.models import Segment, Word

#: People press "next question" a moment after they start reading; a segment starting this
#: close before a marker belongs to the new question.
MARKER_TOLERANCE_S = 0.6
#: How similar the opening words must be to the scripted question to count as its reading.
ECHO_THRESHOLD = 0.6

_WORD_RE = re.compile(r"[^\w']+")


def _norm(text: str) -> list[str]:
    return [w for w in _WORD_RE.split(text.lower()) if w]


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


def _echo_length(words: list[str], question: list[str]) -> int:
    """How many leading transcript words are the question being read out (0 if none)."""
    if not words or not question:
        return 0
    best_len, best_ratio = 0, 0.0
    n = len(question)
    for k in range(max(1, n - 3), min(len(words), n + 4) + 1):
        ratio = SequenceMatcher(None, words[:k], question, autojunk=False).ratio()
        if ratio > best_ratio + 1e-9:
            best_len, best_ratio = k, ratio
    return best_len if best_ratio >= ECHO_THRESHOLD else 0


def _split_echo(group: list[Segment], question: str) -> tuple[list[Segment], list[Segment]]:
    """Split a question's segments into (the interviewer's reading, the rest)."""
    q_words = _norm(question)
    if group and all(s.words for s in group):
        flat = [(si, w) for si, s in enumerate(group) for w in s.words]
        echo = _echo_length([_norm(w.text)[0] if _norm(w.text) else "" for _, w in flat], q_words)
        if not echo:
            return [], group
        last_seg, _ = flat[echo - 1]
        head = list(group[:last_seg])
        tail = list(group[last_seg + 1 :])
        words = group[last_seg].words
        cut = echo - sum(len(s.words) for s in group[:last_seg])
        head.append(_from_words(group[last_seg], words[:cut]))
        if cut < len(words):
            tail.insert(0, _from_words(group[last_seg], words[cut:]))
        return head, tail
    # Without word timings only whole segments can be attributed.
    head = []
    for seg in group:
        ratio = SequenceMatcher(None, _norm(seg.text), q_words, autojunk=False).ratio()
        if ratio < ECHO_THRESHOLD:
            break
        head.append(seg)
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
