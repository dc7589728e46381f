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

import yaml

from app.errors import InvalidInput
from app.export.post_text import PostContent, build_post
from app.models import Interview, Segment
from app.post import Post
from app.transcript import tidy

FLAVOURS: tuple[str, ...] = ("plain", "hugo", "jekyll")

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


def post_filename(
    interview: Interview,
    *,
    flavour: str = "plain",
    date: datetime.date | None = None,
    title: str | None = None,
) -> str:
    """File name for the post: the slug. The post is a draft, and Jekyll names a draft in
    ``_drafts/`` without the date prefix that a published file in ``_posts/`` carries."""
    _check_flavour(flavour)
    return f"{slugify(title or interview.title)}.md"


def _authors(content: PostContent) -> list[str]:
    return [name for name in (content.interviewer, content.interviewee) if name]


def front_matter(
    content: PostContent, *, flavour: str, date: datetime.date | None
) -> dict[str, object]:
    """The front matter as a mapping, in the keys each generator reads, in writing order.

    Hugo: ``description`` (meta description), ``summary`` (list pages), ``slug``, ``tags``,
    ``author``/``authors``. Jekyll (with jekyll-seo-tag): ``description``, ``excerpt``,
    ``slug``, ``tags``, ``author``; a Jekyll draft is a file in ``_drafts/``, not a flag.
    ``date`` None leaves the date out (the text that is approved must not change daily).
    """
    _check_flavour(flavour)
    matter: dict[str, object] = {"title": content.title}
    if date is not None:
        matter["date"] = date
    # Hugo leaves a draft out of a build; Jekyll ignores the key (its drafts are the files
    # in _drafts/) but it still tells a reader of the file what it is.
    matter["draft"] = True
    if flavour == "jekyll":
        matter["layout"] = "post"
    matter["slug"] = slugify(content.title)
    people = _authors(content)
    matter["author"] = " and ".join(people) if people else ""
    matter["authors"] = people
    if content.interviewer:
        matter["interviewer"] = content.interviewer
    if content.interviewee:
        matter["interviewee"] = content.interviewee
    matter["tags"] = [str(t) for t in content.tags]
    if content.summary:
        matter["description"] = content.summary
        matter["excerpt" if flavour == "jekyll" else "summary"] = content.summary
    return matter


def markdown_body(content: PostContent) -> str:
    """The post's Markdown after the front matter: intro, pull quote and sections."""
    parts = [escape_block(content.intro)]
    if content.pull_quote is not None:
        quote = content.pull_quote
        lines = [f"> {escape_inline(tidy(quote.text))}"]
        if quote.speaker:
            lines += [">", f"> — {escape_inline(quote.speaker)}"]
        parts.append("\n".join(lines))
    for section in content.sections:
        if section.heading is not None:
            parts.append(f"## {_escape_heading(section.heading)}")
        for para in section.paragraphs:
            if para.speaker:
                parts.append(f"**{escape_inline(para.speaker)}:** {escape_inline(para.text)}")
            else:
                parts.append(escape_block(para.text))
    return "\n\n".join(parts) + "\n"


def render_post(content: PostContent, *, flavour: str = "plain", date: datetime.date | None) -> str:
    matter = front_matter(content, flavour=flavour, date=date)
    # A wide line width keeps the summary on one line, which reads better when editing.
    yaml_text = yaml.safe_dump(matter, sort_keys=False, allow_unicode=True, width=4096)
    return f"---\n{yaml_text}---\n\n" + markdown_body(content)


def render_markdown(
    interview: Interview,
    segments: Sequence[Segment],
    *,
    flavour: str = "plain",
    date: datetime.date | None,
    tags: Sequence[str] | None = None,
    summary: str | None = None,
    post: Post | None = None,
    suggested_tags: Sequence[str] = (),
) -> str:
    """The whole post as Markdown text; redacted segments appear nowhere in it.

    ``tags`` and ``summary``, when given, win over the stored post's.
    """
    _check_flavour(flavour)
    post = post or Post()
    if tags is not None:
        post = replace(post, tags=list(tags))
    if summary is not None:
        post = replace(post, summary=summary)
    content = build_post(interview, segments, post, suggested_tags=suggested_tags)
    return render_post(content, flavour=flavour, date=date)
