"""What the post says, before any format: the one source for Markdown, HTML and Word.

The transcript plus the person's choices (``app.post.Post``) become a ``PostContent``: title,
intro, summary, tags, an optional pull quote and the sections with their paragraphs. The text
rules apply here once, so every output reads the same:

- the interviewer putting the section's own question is left out under its heading, however
  it was worded (``app.textrules.question_span``, the same rule attribution uses);
- follow-up questions and interjections stay, with the interviewer's name;
- each paragraph starts with a capital and ends with final punctuation, also where a
  redaction or a merge cut a sentence;
- filler-only lines ("Right.", "Mm.") are left out when the post says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from app.models import Interview, Segment
from app.post import SUMMARY_MAX_CHARS, Post, PullQuote
from app.textrules import (
    capitalise_first,
    finish_sentence,
    is_filler,
    question_span,
    sentences,
    tidy_paragraph,
)
from app.transcript import group_by_question, speaker_name, tidy


@dataclass
class PostParagraph:
    speaker: str | None
    text: str
    start: float
    end: float
    recording_id: int | None = None


@dataclass
class Section:
    #: None for talk before the first question (no heading).
    index: int | None
    heading: str | None
    #: The question in the words the interviewer used, when it could be found.
    asked: str | None
    paragraphs: list[PostParagraph] = field(default_factory=list)


@dataclass
class PostContent:
    title: str
    intro: str
    summary: str | None
    tags: list[str]
    interviewer: str | None
    interviewee: str | None
    pull_quote: PullQuote | None
    sections: list[Section]


def _first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


def default_intro(interview: Interview, *, title: str | None = None) -> str:
    """Names both people and what each does in the conversation."""
    title = title or interview.title
    er = interview.interviewer.name if interview.interviewer else None
    ee = interview.interviewee.name if interview.interviewee else None
    if er and ee:
        return (
            f"{ee} talks to {er} about “{title}”. In this buddy interview "
            f"{_first_name(er)} asks the questions and {_first_name(ee)} answers them."
        )
    if ee or er:
        return f"{ee or er} talks about “{title}” in this buddy interview."
    return f"Two colleagues talk about “{title}” in this buddy interview."


def _strip_question(
    interview: Interview, segments: list[Segment], question: str
) -> tuple[str | None, dict[int, str]]:
    """(the question as asked, new texts by list index) for a section's opening segments."""
    interviewer = interview.interviewer.name if interview.interviewer else None
    lead: list[int] = []
    for i, seg in enumerate(segments):
        if seg.redacted or not tidy(seg.text):
            continue
        name = speaker_name(interview, seg.speaker)
        if name is not None and name != interviewer:
            break
        lead.append(i)
    tokens_by_seg = [(i, segments[i].text.split()) for i in lead]
    flat = [t for _i, tokens in tokens_by_seg for t in tokens]
    span = question_span(flat, question)
    if not span:
        return None, {}
    asked = " ".join(flat[:span])
    changed: dict[int, str] = {}
    left = span
    for i, tokens in tokens_by_seg:
        if left <= 0:
            break
        take = min(left, len(tokens))
        changed[i] = " ".join(tokens[take:])
        left -= take
    return asked, changed


def _paragraphs(
    interview: Interview,
    segments: list[Segment],
    texts: dict[int, str],
    *,
    omit_fillers: bool,
) -> list[PostParagraph]:
    result: list[PostParagraph] = []
    gap = False  # a redaction (or the removed question) since the last kept words
    for i, seg in enumerate(segments):
        text = tidy(texts.get(i, seg.text))
        if seg.redacted or not text:
            gap = True
            continue
        if omit_fillers and is_filler(text):
            continue
        name = speaker_name(interview, seg.speaker)
        recording_id = getattr(seg, "recording_id", None)
        if result and result[-1].speaker == name:
            last = result[-1]
            if gap:
                # A cut sentence must not run on into the next one.
                last.text = finish_sentence(last.text)
                text = capitalise_first(text)
            last.text = f"{last.text} {text}"
            last.end = max(last.end, seg.end)
        else:
            result.append(PostParagraph(name, text, seg.start, seg.end, recording_id))
        gap = False
    kept = []
    for para in result:
        para.text = tidy_paragraph(para.text)
        if not (omit_fillers and is_filler(para.text)):
            kept.append(para)
    return kept


def _heading(post: Post, index: int, scripted: str | None, asked: str | None) -> str:
    choice = post.headings.get(index)
    fallback = scripted or f"Question {index + 1}"
    if choice is None or choice.source == "script":
        return fallback
    if choice.source == "asked":
        return capitalise_first(asked) if asked else fallback
    return choice.text or fallback


def build_sections(interview: Interview, segments: Sequence[Segment], post: Post) -> list[Section]:
    sections: list[Section] = []
    for group in group_by_question(segments, interview.questions, include_empty=False):
        members = list(group.segments)
        asked, texts = None, {}
        if group.index is not None:
            asked, texts = _strip_question(
                interview, members, group.question or f"Question {group.index + 1}"
            )
        paras = _paragraphs(interview, members, texts, omit_fillers=post.omit_fillers)
        if not paras:
            continue
        heading = None
        if group.index is not None:
            heading = _heading(post, group.index, group.question, asked)
        sections.append(Section(group.index, heading, asked, paras))
    return sections


def _summary_from(sections: list[Section], interviewee: str | None) -> str | None:
    """Whole sentences of the interviewee's first answer that fit where blogs show them."""
    ordered = [s for s in sections if s.index is not None] + [
        s for s in sections if s.index is None
    ]
    for section in ordered:
        for para in section.paragraphs:
            if interviewee is not None and para.speaker not in (interviewee, None):
                continue
            chosen: list[str] = []
            for sentence in sentences(para.text):
                usable = (
                    sentence[:1].isupper()
                    and not sentence.rstrip("'\")”’").endswith("?")
                    and len(sentence.split()) >= 2
                )
                fits = len(" ".join([*chosen, sentence])) <= SUMMARY_MAX_CHARS
                if usable and fits:
                    chosen.append(sentence)
                elif chosen:
                    break
            if chosen:
                return " ".join(chosen)
    return None


def default_summary(interview: Interview, segments: Sequence[Segment]) -> str | None:
    """Whole sentences from the interviewee's first answer, at most SUMMARY_MAX_CHARS long."""
    interviewee = interview.interviewee.name if interview.interviewee else None
    return _summary_from(build_sections(interview, segments, Post()), interviewee)


def _quote_still_there(quote: PullQuote, segments: Sequence[Segment]) -> bool:
    """A quote whose words were redacted since it was picked must not be printed."""
    for seg in segments:
        same_take = quote.recording_id is None or getattr(seg, "recording_id", None) in (
            None,
            quote.recording_id,
        )
        if same_take and seg.redacted and seg.start < quote.end and seg.end > quote.start:
            return False
    return True


def build_post(
    interview: Interview,
    segments: Sequence[Segment],
    post: Post | None = None,
    *,
    suggested_tags: Sequence[str] = (),
) -> PostContent:
    post = post or Post()
    sections = build_sections(interview, segments, post)
    interviewee = interview.interviewee.name if interview.interviewee else None
    title = post.title or interview.title
    if post.summary is None:
        summary = _summary_from(sections, interviewee)
    else:
        summary = finish_sentence(capitalise_first(tidy(post.summary))) or None
    quote = post.pull_quote
    if quote is not None and not _quote_still_there(quote, segments):
        quote = None
    return PostContent(
        title=title,
        intro=tidy_paragraph(post.intro) if post.intro else default_intro(interview, title=title),
        summary=summary,
        tags=list(post.tags) if post.tags is not None else list(suggested_tags),
        interviewer=interview.interviewer.name if interview.interviewer else None,
        interviewee=interviewee,
        pull_quote=quote,
        sections=sections,
    )
