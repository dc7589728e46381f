"""The WordPress post made from the same Markdown the export writes.

One source for every face of the post: the front matter gives title, excerpt and tags, the
body is rendered to HTML with markdown-it-py (CommonMark, raw HTML off: the export escapes
speech so it can never become markup, and this keeps it that way).
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark", {"html": False})


@dataclass(frozen=True)
class DraftPost:
    title: str
    html: str
    excerpt: str
    tags: tuple[str, ...]
    slug: str = ""


def split_front_matter(text: str) -> tuple[dict, str]:
    """(front matter fields, body); no front matter gives ({}, text)."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end > 0:
            fields = yaml.safe_load(text[4:end]) or {}
            return (fields if isinstance(fields, dict) else {}), text[end + 5 :]
    return {}, text


def render_html(body: str) -> str:
    html = _MARKDOWN.render(body)
    # WordPress runs shortcodes such as [audio] or [embed] in post content; speech that reads
    # like one must stay text, so square brackets become character references.
    return html.replace("[", "&#91;").replace("]", "&#93;")


def post_from_markdown(text: str) -> DraftPost:
    fields, body = split_front_matter(text)
    excerpt = fields.get("summary") or fields.get("excerpt") or fields.get("description") or ""
    tags = fields.get("tags") or []
    return DraftPost(
        title=str(fields.get("title") or "").strip(),
        html=render_html(body),
        excerpt=str(excerpt).strip(),
        tags=tuple(dict.fromkeys(str(t).strip() for t in tags if str(t).strip())),
        slug=str(fields.get("slug") or ""),
    )
