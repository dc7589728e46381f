"""Exports: pure renderers that return text, and an atomic writer that puts it on disk."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from app.atomic import write_atomic
from app.errors import InvalidInput
from app.export.captions import build_cues, render_srt, render_text, render_vtt
from app.export.markdown import (
    FLAVOURS,
    escape_block,
    escape_inline,
    post_filename,
    render_markdown,
    slugify,
)
from app.export.post_text import PostContent, build_post, default_intro, default_summary
from app.export.writer import check_publish_consent
from app.models import Interview, Segment
from app.post import Post

FORMATS: tuple[str, ...] = ("markdown", "srt", "vtt", "txt")
_EXTENSIONS = {"markdown": "md", "srt": "srt", "vtt": "vtt", "txt": "txt"}

__all__ = [
    "FLAVOURS",
    "FORMATS",
    "PostContent",
    "build_cues",
    "build_post",
    "check_publish_consent",
    "default_filename",
    "default_intro",
    "default_summary",
    "escape_block",
    "escape_inline",
    "post_filename",
    "render",
    "render_markdown",
    "render_srt",
    "render_text",
    "render_vtt",
    "slugify",
    "write_atomic",
]


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise InvalidInput(
            f"'{fmt}' is not an export format this app knows.",
            f"Choose one of: {', '.join(FORMATS)}.",
        )


def render(
    fmt: str,
    interview: Interview,
    segments: Sequence[Segment],
    *,
    flavour: str = "plain",
    date: datetime.date,
    tags: Sequence[str] | None = None,
    summary: str | None = None,
    post: Post | None = None,
    suggested_tags: Sequence[str] = (),
) -> str:
    """Render one export format; the post's choices and ``flavour`` apply to Markdown only."""
    _check_format(fmt)
    if fmt == "markdown":
        return render_markdown(
            interview,
            segments,
            flavour=flavour,
            date=date,
            tags=tags,
            summary=summary,
            post=post,
            suggested_tags=suggested_tags,
        )
    if fmt == "srt":
        return render_srt(segments, interview=interview)
    if fmt == "vtt":
        return render_vtt(segments, interview=interview)
    return render_text(interview, segments)


def default_filename(
    fmt: str,
    interview: Interview,
    *,
    flavour: str = "plain",
    date: datetime.date | None = None,
    title: str | None = None,
) -> str:
    """A file name for the export: the post's own convention for Markdown, else slug.ext."""
    _check_format(fmt)
    if fmt == "markdown":
        return post_filename(interview, flavour=flavour, date=date, title=title)
    return f"{slugify(title or interview.title)}.{_EXTENSIONS[fmt]}"
