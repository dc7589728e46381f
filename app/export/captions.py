"""Captions (SRT, WebVTT) and a plain-text transcript.

Cues follow common subtitling practice: at most two lines of at most 42 characters. A long
segment becomes several cues, timed by its words when the engine gave word timings and in
proportion to the characters otherwise. Cues never overlap and never go back in time, which
some players require.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.models import Interview, Segment
from app.transcript import group_by_question, paragraphs, speaker_name, tidy, word_spans

MAX_LINE_CHARS = 42
MAX_LINES = 2
#: A cue squeezed to nothing by its neighbours still stays on screen this long.
MIN_CUE_MS = 100

_TOKEN_RE = re.compile(r"\S+")


@dataclass
class Cue:
    start_ms: int
    end_ms: int
    lines: list[str]
    speaker: str | None
    #: First cue after the speaker changed: where SRT names who is talking.
    new_speaker: bool


def _tokens(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Character spans of the words, with any word longer than a line cut into pieces."""
    spans: list[tuple[int, int]] = []
    for m in _TOKEN_RE.finditer(text):
        for a in range(m.start(), m.end(), max_chars):
            spans.append((a, min(a + max_chars, m.end())))
    return spans


def _wrap(words: list[str], *, first_offset: int, max_chars: int) -> list[str]:
    """Greedy line filling (fewest lines); the first line is ``first_offset`` shorter."""
    lines: list[str] = []
    for word in words:
        if not lines and first_offset + len(word) > max_chars:
            # The speaker label fills the first line; the words start on the next one.
            lines.append("")
        if not lines:
            lines.append(word)
            continue
        budget = max_chars - (first_offset if len(lines) == 1 else 0)
        if lines[-1] and len(lines[-1]) + 1 + len(word) <= budget:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _balanced(words: list[str], *, first_offset: int, max_chars: int) -> list[str]:
    """Two lines of similar length read better than a full line over a short one."""
    lines = _wrap(words, first_offset=first_offset, max_chars=max_chars)
    if len(lines) != 2 or not lines[0]:
        return lines
    best = lines
    best_width = max(len(lines[0]) + first_offset, len(lines[1]))
    for k in range(1, len(words)):
        first, second = " ".join(words[:k]), " ".join(words[k:])
        width = max(len(first) + first_offset, len(second))
        if width < best_width:
            best, best_width = [first, second], width
    return best


def _chunks(
    text: str, *, first_offset: int, max_chars: int, max_lines: int
) -> list[list[tuple[int, int]]]:
    """Token spans grouped into cues that each wrap into at most ``max_lines`` lines."""
    chunks: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for span in _tokens(text, max_chars):
        trial = [*current, span]
        offset = first_offset if not chunks else 0
        words = [text[a:b] for a, b in trial]
        if current and len(_wrap(words, first_offset=offset, max_chars=max_chars)) > max_lines:
            chunks.append(current)
            current = [span]
        else:
            current = trial
    if current:
        chunks.append(current)
    return chunks


def _segment_cues(
    seg: Segment,
    *,
    speaker: str | None,
    prefix_len: int,
    new_speaker: bool,
    max_chars: int,
    max_lines: int,
) -> list[Cue]:
    text = tidy(seg.text)
    chunks = _chunks(text, first_offset=prefix_len, max_chars=max_chars, max_lines=max_lines)
    spans = word_spans(text, seg.words)
    duration = seg.end - seg.start

    def at_char(c: int) -> float:
        return seg.start + duration * c / max(len(text), 1)

    def chunk_start(chunk: list[tuple[int, int]]) -> float:
        a, b = chunk[0][0], chunk[-1][1]
        if spans is not None:
            pairs = zip(seg.words, spans, strict=True)
            starts = [w.start for w, (wa, wb) in pairs if wb > a and wa < b]
            if starts:
                return min(starts)
        return at_char(a)

    starts = [chunk_start(c) for c in chunks]
    starts[0] = seg.start
    cues = []
    for i, chunk in enumerate(chunks):
        # Cues of one segment follow on without a gap, so the text does not flicker.
        end = starts[i + 1] if i + 1 < len(chunks) else seg.end
        words = [text[a:b] for a, b in chunk]
        offset = prefix_len if i == 0 else 0
        lines = _balanced(words, first_offset=offset, max_chars=max_chars)
        cues.append(
            Cue(
                start_ms=round(starts[i] * 1000),
                end_ms=round(end * 1000),
                lines=lines,
                speaker=speaker,
                new_speaker=new_speaker and i == 0,
            )
        )
    return cues


def _sequential(cues: list[Cue]) -> list[Cue]:
    """Make start times monotonic and remove overlaps, trimming the earlier cue if needed."""
    cues = sorted(cues, key=lambda c: c.start_ms)
    out: list[Cue] = []
    for cue in cues:
        cue.start_ms = max(cue.start_ms, 0)
        if out and cue.start_ms < out[-1].end_ms:
            if cue.start_ms > out[-1].start_ms:
                out[-1].end_ms = cue.start_ms
            else:
                cue.start_ms = out[-1].end_ms
        cue.end_ms = max(cue.end_ms, cue.start_ms + MIN_CUE_MS)
        out.append(cue)
    return out


def build_cues(
    segments: Sequence[Segment],
    *,
    interview: Interview | None = None,
    speaker_prefix: bool = False,
    max_chars: int = MAX_LINE_CHARS,
    max_lines: int = MAX_LINES,
) -> list[Cue]:
    """Caption cues for the segments that are not redacted, in time order.

    ``speaker_prefix`` reserves room on the first line of a new speaker's first cue for a
    "Name: " label (SRT has no other way to say who speaks).
    """
    ordered = sorted(
        (s for s in segments if not s.redacted and tidy(s.text)), key=lambda s: s.start
    )
    cues: list[Cue] = []
    previous: str | None = None
    for seg in ordered:
        name = speaker_name(interview, seg.speaker)
        new_speaker = name is not None and name != previous
        prefix_len = len(name) + 2 if speaker_prefix and new_speaker and name else 0
        cues += _segment_cues(
            seg,
            speaker=name,
            prefix_len=min(prefix_len, max_chars),
            new_speaker=new_speaker,
            max_chars=max_chars,
            max_lines=max_lines,
        )
        previous = name
    return _sequential(cues)


def _timestamp(ms: int, *, separator: str) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def render_srt(segments: Sequence[Segment], *, interview: Interview | None = None) -> str:
    """SubRip captions; a new speaker's first cue starts with "Name: "."""
    blocks = []
    cues = build_cues(segments, interview=interview, speaker_prefix=True)
    for number, cue in enumerate(cues, start=1):
        lines = list(cue.lines)
        if cue.new_speaker and cue.speaker:
            lines[0] = f"{cue.speaker}: {lines[0]}".rstrip()
        start = _timestamp(cue.start_ms, separator=",")
        end = _timestamp(cue.end_ms, separator=",")
        blocks.append(f"{number}\n{start} --> {end}\n" + "\n".join(lines))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_vtt(segments: Sequence[Segment], *, interview: Interview | None = None) -> str:
    """WebVTT captions; every cue with a known speaker carries a ``<v Name>`` voice tag."""
    blocks = ["WEBVTT"]
    for cue in build_cues(segments, interview=interview):
        lines = [_vtt_escape(line) for line in cue.lines]
        if cue.speaker:
            lines[0] = f"<v {_vtt_escape(cue.speaker)}>{lines[0]}"
        start = _timestamp(cue.start_ms, separator=".")
        end = _timestamp(cue.end_ms, separator=".")
        blocks.append(f"{start} --> {end}\n" + "\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def render_text(interview: Interview, segments: Sequence[Segment]) -> str:
    """A plain-text transcript: title, then each question and who said what under it.

    Unlike the blog post this is a record of the conversation, so the interviewer's reading of
    each question stays in; redacted segments and unanswered questions are left out.
    """
    title = tidy(interview.title) or "Interview"
    parts = [f"{title}\n{'=' * len(title)}"]
    for group in group_by_question(segments, interview.questions, include_empty=False):
        paras = paragraphs(group.segments, interview=interview)
        if not paras:
            continue
        if group.index is not None:
            parts.append(group.question or f"Question {group.index + 1}")
        parts += [f"{p.speaker}: {p.text}" if p.speaker else p.text for p in paras]
    return "\n\n".join(parts) + "\n"
