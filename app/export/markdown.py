"""The Markdown blog draft: YAML front matter, an intro, and a heading per answered question.

Three flavours share one body and differ only in front matter and file name: "plain", "hugo"
and "jekyll". Transcript text is escaped so that speech can never turn into Markdown, HTML,
Hugo shortcodes or Liquid tags, whichever of CommonMark (Hugo) or kramdown (Jekyll) renders it.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from difflib import SequenceMatcher

import yaml

from app.errors import InvalidInput
from app.models import Interview, Segment
from app.transcript import Paragraph, group_by_question, paragraphs, speaker_name, tidy

FLAVOURS: tuple[str, ...] = ("plain", "hugo", "jekyll")

#: Words kept in the default summary before it is cut off with an ellipsis.
SUMMARY_WORDS = 30
#: How closely an interviewer's segment must match the question to count as reading it out.
ECHO_THRESHOLD = 0.75

# Characters that mean something inline in CommonMark or kramdown; all are ASCII punctuation
# and so backslash-escapable in both.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<])")
# In a heading, "#" too: a trailing run of them would be read as the closing sequence.
_HEADING_SPECIAL = re.compile(r"([\\`*_\[\]<#])")
# Braces become character references, not backslash escapes: Liquid (Jekyll) and Hugo's
# shortcode parser read the file before Markdown does and would still see "{%" after "\{".
_BRACES = {"{": "&#123;", "}": "&#125;"}
_ENTITY = re.compile(r"&(?=#?\w+;)")
_DOLLARS = re.compile(r"\$(?=\$)|(?<=\$)\$")
_TILDES = re.compile(r"~(?=~)|(?<=~)~|^~")
# What would open a heading, list, quote, table, definition or thematic break at line start.
_BLOCK_START = re.compile(r"^([#+\-=>:|])")
_ORDERED_START = re.compile(r"^(\d{1,9})([.)])")
_WORDS = re.compile(r"[\w']+")

# Letters that Unicode does not decompose into ASCII but that have a usual spelling.
_FOLD = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
    }
)


def _check_flavour(flavour: str) -> None:
    if flavour not in FLAVOURS:
        raise InvalidInput(
            f"'{flavour}' is not a Markdown flavour this app knows.",
            f"Choose one of: {', '.join(FLAVOURS)}.",
        )


def _escape(text: str, special: re.Pattern[str]) -> str:
    text = special.sub(r"\\\1", tidy(text))
    text = _ENTITY.sub("&amp;", text)
    text = re.sub(r"[{}]", lambda m: _BRACES[m.group()], text)
    text = _DOLLARS.sub(r"\\$", text)
    # kramdown cannot backslash-escape "~", so use the character reference both understand.
    return _TILDES.sub("&#126;", text)


def escape_inline(text: str) -> str:
    """Escape transcript text for use inside a Markdown line."""
    return _escape(text, _INLINE_SPECIAL)


def escape_block(text: str) -> str:
    """Escape text that starts a paragraph, so it cannot open a block construct."""
    text = _BLOCK_START.sub(r"\\\1", escape_inline(text), count=1)
    return _ORDERED_START.sub(r"\1\\\2", text, count=1)


def _escape_heading(text: str) -> str:
    return _escape(text, _HEADING_SPECIAL)


def slugify(text: str, *, max_length: int = 60) -> str:
    """A lowercase ASCII, hyphen-separated slug; "interview" when nothing is left."""
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > max_length:
        # Cut at a word boundary so the slug does not end in half a word.
        head = slug[: max_length + 1]
        slug = (head.rsplit("-", 1)[0] if "-" in head else head[:max_length]).strip("-")
    return slug or "interview"


def post_filename(interview: Interview, *, flavour: str = "plain", date: datetime.date) -> str:
    """File name for the post: Jekyll's _posts need a date prefix, Hugo and plain do not."""
    _check_flavour(flavour)
    slug = slugify(interview.title)
    if flavour == "jekyll":
        return f"{date:%Y-%m-%d}-{slug}.md"
    return f"{slug}.md"


def _normalised_words(text: str) -> list[str]:
    return _WORDS.findall(text.lower())


def _echoes(text: str, question: str) -> bool:
    words, q_words = _normalised_words(text), _normalised_words(question)
    if not words or not q_words:
        return False
    return SequenceMatcher(None, words, q_words, autojunk=False).ratio() >= ECHO_THRESHOLD


def _without_echo(text: str, question: str) -> str:
    """The text with the interviewer's reading of the question removed ("" if that is all)."""
    # Reading and follow-up can share a segment: drop just the opening sentences that echo.
    sentences = re.split(r"(?<=[.?!])\s+", text)
    for k in range(1, len(sentences)):
        if _echoes(" ".join(sentences[:k]), question):
            return " ".join(sentences[k:])
    return "" if _echoes(text, question) else text


def _answer_segments(
    interview: Interview, segments: Sequence[Segment], question: str | None
) -> list[Segment]:
    """The segments worth printing under a heading: redactions and the question echo gone."""
    interviewer = interview.interviewer.name if interview.interviewer else None
    kept: list[Segment] = []
    for seg in segments:
        if seg.redacted:
            continue
        text = seg.text
        name = speaker_name(interview, seg.speaker)
        if question and (name is None or name == interviewer):
            text = _without_echo(tidy(text), question)
        if tidy(text):
            kept.append(seg if text == seg.text else replace(seg, text=text, words=[]))
    return kept


def _sections(
    interview: Interview, segments: Sequence[Segment]
) -> list[tuple[str | None, list[Paragraph]]]:
    """(heading or None, paragraphs) for the introduction and each answered question."""
    sections: list[tuple[str | None, list[Paragraph]]] = []
    for group in group_by_question(segments, interview.questions, include_empty=False):
        heading = None
        if group.index is not None:
            heading = group.question or f"Question {group.index + 1}"
        kept = _answer_segments(interview, group.segments, group.question)
        paras = paragraphs(kept, interview=interview)
        if paras:
            sections.append((heading, paras))
    return sections


def default_summary(interview: Interview, segments: Sequence[Segment]) -> str | None:
    """The opening words of the interviewee's first answer, or None when there is none."""
    interviewee = interview.interviewee.name if interview.interviewee else None
    interviewer = interview.interviewer.name if interview.interviewer else None
    sections = _sections(interview, segments)
    # Answers under questions first; small talk before the first question only as a fallback.
    ordered = [s for s in sections if s[0] is not None] + [s for s in sections if s[0] is None]
    for _heading, paras in ordered:
        for para in paras:
            is_answer = para.speaker == interviewee if interviewee else para.speaker != interviewer
            if is_answer:
                words = para.text.split()
                if len(words) <= SUMMARY_WORDS:
                    return para.text
                return " ".join(words[:SUMMARY_WORDS]).rstrip(",;:.") + "…"
    return None


def _intro(interview: Interview) -> str:
    interviewer = interview.interviewer.name if interview.interviewer else None
    interviewee = interview.interviewee.name if interview.interviewee else None
    if interviewer and interviewee:
        who = f"{escape_inline(interviewer)} talks with {escape_inline(interviewee)}"
    elif interviewee or interviewer:
        who = f"{escape_inline(interviewee or interviewer or '')} talks"
    else:
        who = "two colleagues talk"
    return f"In this buddy interview, {who} about their work."


def front_matter(
    interview: Interview,
    *,
    flavour: str,
    date: datetime.date,
    tags: Sequence[str],
    summary: str | None,
) -> dict[str, object]:
    """The front matter as a mapping, keys in the order they are written."""
    _check_flavour(flavour)
    matter: dict[str, object] = {"title": interview.title, "date": date, "draft": True}
    if flavour == "jekyll":
        matter["layout"] = "post"
    people = [p.name for p in (interview.interviewer, interview.interviewee) if p is not None]
    matter["authors"] = people
    if interview.interviewer:
        matter["interviewer"] = interview.interviewer.name
    if interview.interviewee:
        matter["interviewee"] = interview.interviewee.name
    matter["tags"] = [str(t) for t in tags]
    if summary:
        matter["excerpt" if flavour == "jekyll" else "summary"] = summary
    return matter


def render_markdown(
    interview: Interview,
    segments: Sequence[Segment],
    *,
    flavour: str = "plain",
    date: datetime.date,
    tags: Sequence[str] = (),
    summary: str | None = None,
) -> str:
    """The whole post as Markdown text; redacted segments appear nowhere in it."""
    _check_flavour(flavour)
    summary = default_summary(interview, segments) if summary is None else tidy(summary) or None
    matter = front_matter(interview, flavour=flavour, date=date, tags=tags, summary=summary)
    # A wide line width keeps the summary on one line, which reads better when editing.
    yaml_text = yaml.safe_dump(matter, sort_keys=False, allow_unicode=True, width=4096)
    parts = [f"---\n{yaml_text}---", _intro(interview)]
    for heading, paras in _sections(interview, segments):
        if heading is not None:
            parts.append(f"## {_escape_heading(heading)}")
        for para in paras:
            if para.speaker:
                parts.append(f"**{escape_inline(para.speaker)}:** {escape_inline(para.text)}")
            else:
                parts.append(escape_block(para.text))
    return "\n\n".join(parts) + "\n"
