"""The blog post an interview becomes: the choices a person makes on top of the transcript.

A ``Post`` stores only what someone chose. A field left ``None`` follows the transcript and
the script (the default intro, summary, suggested tags, scripted headings), so an edit to the
transcript still shows in the post until someone writes their own words for that field.
Every change is a new stored version, which is what undo and redo walk through.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from app.errors import InvalidInput

#: Longest summary: what search results and blog themes show of a description or excerpt.
SUMMARY_MAX_CHARS = 160
TITLE_MAX_CHARS = 120
TAG_MAX_CHARS = 40
MAX_TAGS = 12

HeadingSource = Literal["script", "asked", "custom"]
HEADING_SOURCES: tuple[HeadingSource, ...] = ("script", "asked", "custom")


@dataclass
class Heading:
    """Where one section's heading comes from: the script, the question as asked, or typed."""

    source: HeadingSource = "script"
    text: str = ""


@dataclass
class PullQuote:
    """A line of the transcript shown as a blockquote under the intro."""

    text: str
    speaker: str | None
    start: float
    end: float
    recording_id: int | None = None


@dataclass
class Post:
    title: str | None = None
    intro: str | None = None
    summary: str | None = None
    tags: list[str] | None = None
    headings: dict[int, Heading] = field(default_factory=dict)
    pull_quote: PullQuote | None = None
    #: Leave lines that are only "Right.", "Mm." out of the post (captions keep them).
    omit_fillers: bool = True

    def to_json(self) -> str:
        data: dict[str, Any] = asdict(self)
        data["headings"] = {str(k): asdict(v) for k, v in self.headings.items()}
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Post:
        data = json.loads(text)
        quote = data.get("pull_quote")
        return cls(
            title=data.get("title"),
            intro=data.get("intro"),
            summary=data.get("summary"),
            tags=data.get("tags"),
            headings={int(k): Heading(**v) for k, v in (data.get("headings") or {}).items()},
            pull_quote=PullQuote(**quote) if quote else None,
            omit_fillers=bool(data.get("omit_fillers", True)),
        )


@dataclass
class PostState:
    """The current post with where it stands in its history (for Undo/Redo buttons)."""

    post: Post
    version: int
    can_undo: bool
    can_redo: bool


def _clean(text: str | None) -> str | None:
    return None if text is None else " ".join(text.split())


def normalise_tags(tags: list[str]) -> list[str]:
    """Tags trimmed, "#" dropped, duplicates (ignoring case) removed, order kept."""
    seen: dict[str, str] = {}
    for tag in tags:
        tag = " ".join(tag.replace("#", " ").split()).strip(" ,")
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    return list(seen.values())


def parse_tags(text: str) -> list[str]:
    """Tags typed as one line, separated by commas."""
    return normalise_tags(text.split(","))


def validated(post: Post) -> Post:
    """A cleaned copy of ``post``; InvalidInput for what a blog would not take."""
    title = _clean(post.title)
    if title is not None and not title:
        raise InvalidInput("The post needs a title.", "Type a short title for the post.")
    if title and len(title) > TITLE_MAX_CHARS:
        raise InvalidInput(
            f"The title is {len(title)} characters long; at most {TITLE_MAX_CHARS} fit.",
            "Shorten the title.",
        )
    summary = _clean(post.summary)
    if summary and len(summary) > SUMMARY_MAX_CHARS:
        raise InvalidInput(
            f"The summary is {len(summary)} characters long; blogs show at most "
            f"{SUMMARY_MAX_CHARS}.",
            "Shorten the summary to a sentence or two.",
        )
    tags = normalise_tags(post.tags) if post.tags is not None else None
    if tags is not None:
        if len(tags) > MAX_TAGS:
            raise InvalidInput(
                f"There are {len(tags)} tags; at most {MAX_TAGS} are kept.",
                "Keep the tags that say most about the post.",
            )
        long = [t for t in tags if len(t) > TAG_MAX_CHARS]
        if long:
            raise InvalidInput(
                f"The tag '{long[0][:20]}…' is too long for a tag.", "Use one to three words."
            )
    headings = {}
    for index, heading in post.headings.items():
        if heading.source not in HEADING_SOURCES:
            raise InvalidInput(
                f"'{heading.source}' is not a kind of heading.",
                f"Use one of: {', '.join(HEADING_SOURCES)}.",
            )
        text = _clean(heading.text) or ""
        if heading.source == "custom" and not text:
            raise InvalidInput(
                f"The heading of question {index + 1} is empty.",
                "Type a heading, or use the script's wording.",
            )
        headings[int(index)] = Heading(heading.source, text)
    return replace(
        post,
        title=title,
        intro=_clean(post.intro) or None,
        summary=summary,
        tags=tags,
        headings=headings,
    )
