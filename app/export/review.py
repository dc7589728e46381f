"""A review copy of the post for someone not at the laptop: one HTML file, or a Word document.

Both are marked "Draft for review", carry the audio time of every paragraph (so a reviewer can
say "at 01:23 I meant...") and read exactly as the post: each paragraph is the Markdown the
post contains, rendered by markdown-it-py, so escapes and quotes come out as the blog shows
them. The HTML file is self-contained (styles inline, no scripts, no outside requests).
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable

from markdown_it import MarkdownIt

from app.clock import format_clock
from app.export.markdown import escape_block, escape_inline
from app.export.post_text import PostContent, PostParagraph

REVIEW_FORMATS: tuple[str, ...] = ("review-html", "review-docx")
REVIEW_MARK = "Draft for review"
_MD = MarkdownIt("commonmark", {"html": False})

_CSS = """
body { font-family: system-ui, sans-serif; font-size: 1.1rem; line-height: 1.6;
       max-width: 42rem; margin: 2rem auto; padding: 0 1rem; color: #111; background: #fff; }
.mark { border: 3px solid #8a4b00; background: #fff4e0; color: #3d2100; padding: .5rem 1rem;
        font-weight: bold; }
.time { font-family: monospace; color: #444; margin-right: .5rem; }
blockquote { border-left: 4px solid #555; margin-left: 0; padding-left: 1rem; }
p.summary { font-style: italic; }
"""


def _time_labeller(content: PostContent) -> Callable[[PostParagraph], str]:
    """Times are on each take's own timeline; with several takes the take is named too."""
    takes: list[int] = []
    for section in content.sections:
        for para in section.paragraphs:
            if para.recording_id is not None and para.recording_id not in takes:
                takes.append(para.recording_id)

    def label(para: PostParagraph) -> str:
        if len(takes) > 1 and para.recording_id in takes:
            return f"take {takes.index(para.recording_id) + 1}, {format_clock(para.start)}"
        return format_clock(para.start)

    return label


def _inline_html(markdown_text: str) -> str:
    return _MD.renderInline(markdown_text)


def render_review_html(content: PostContent) -> str:
    label = _time_labeller(content)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(REVIEW_MARK)}: {html.escape(content.title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f'<p class="mark" role="note">{REVIEW_MARK}: not published. Please read it and tell '
        "your buddy what to change. Times are where each paragraph is in the recording.</p>",
        f"<h1>{html.escape(content.title)}</h1>",
    ]
    if content.summary:
        out.append(f'<p class="summary">{_inline_html(escape_inline(content.summary))}</p>')
    out.append(f"<p>{_inline_html(escape_block(content.intro))}</p>")
    if content.pull_quote is not None:
        quote = content.pull_quote
        who = f"<br>— {html.escape(quote.speaker)}" if quote.speaker else ""
        out.append(
            f"<blockquote><p>{_inline_html(escape_inline(quote.text))}{who}</p></blockquote>"
        )
    for section in content.sections:
        if section.heading is not None:
            out.append(f"<h2>{html.escape(section.heading)}</h2>")
        for para in section.paragraphs:
            who = f"<strong>{html.escape(para.speaker)}:</strong> " if para.speaker else ""
            out.append(
                f'<p><span class="time">[{label(para)}]</span>{who}'
                f"{_inline_html(escape_inline(para.text))}</p>"
            )
    if content.tags:
        out.append(f"<p>Tags: {html.escape(', '.join(content.tags))}</p>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def render_review_docx(content: PostContent) -> bytes:
    """The review copy as a Word document (python-docx), returned as the file's bytes."""
    from docx import Document  # imported here: only this export needs it
    from docx.shared import Pt, RGBColor

    label = _time_labeller(content)
    doc = Document()
    doc.core_properties.title = f"{REVIEW_MARK}: {content.title}"
    doc.core_properties.subject = REVIEW_MARK
    mark = doc.add_paragraph()
    run = mark.add_run(
        f"{REVIEW_MARK}: not published. Please read it and tell your buddy what to change. "
        "Times are where each paragraph is in the recording."
    )
    run.bold = True
    run.font.color.rgb = RGBColor(0x8A, 0x4B, 0x00)
    doc.add_heading(content.title, level=0)
    if content.summary:
        doc.add_paragraph(content.summary).runs[0].italic = True
    doc.add_paragraph(content.intro)
    if content.pull_quote is not None:
        quote = content.pull_quote
        text = quote.text + (f"\n— {quote.speaker}" if quote.speaker else "")
        doc.add_paragraph(text, style="Intense Quote")
    for section in content.sections:
        if section.heading is not None:
            doc.add_heading(section.heading, level=2)
        for para in section.paragraphs:
            p = doc.add_paragraph()
            stamp = p.add_run(f"[{label(para)}] ")
            stamp.font.name = "Courier New"
            stamp.font.size = Pt(9)
            if para.speaker:
                p.add_run(f"{para.speaker}: ").bold = True
            p.add_run(para.text)
    if content.tags:
        doc.add_paragraph("Tags: " + ", ".join(content.tags))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
