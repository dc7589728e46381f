"""Exports: Markdown post, captions, plain text, the atomic writer and the consent check."""

from __future__ import annotations

import itertools
import os
import re
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
import yaml

from app import export
from app.errors import ConsentMissing, FileExists, InvalidInput
from app.export import captions
from app.models import Consent, Interview, Segment, Word
from tests.truth_data import NOW, interview_from_truth

DAY = date(2024, 5, 1)


@pytest.fixture
def data() -> tuple[Interview, list[Segment], dict]:
    return interview_from_truth()


def _split_front_matter(text: str) -> tuple[dict, str]:
    match = re.match(r"---\n(.*?\n)---\n(.*)", text, re.S)
    assert match, text[:200]
    return yaml.safe_load(match.group(1)), match.group(2)


# --- Markdown ----------------------------------------------------------------------------


@pytest.mark.parametrize("flavour", export.FLAVOURS)
def test_front_matter_parses_and_has_the_keys(data, flavour: str) -> None:
    interview, segments, truth = data
    text = export.render_markdown(
        interview, segments, flavour=flavour, date=DAY, tags=["music", "schools"]
    )
    matter, _body = _split_front_matter(text)
    assert matter["title"] == truth["title"]
    assert matter["date"] == DAY
    assert matter["draft"] is True
    assert matter["authors"] == ["Sam Okafor", "Priya Shah"]
    assert matter["interviewer"] == "Sam Okafor"
    assert matter["interviewee"] == "Priya Shah"
    assert matter["tags"] == ["music", "schools"]
    summary_key = "excerpt" if flavour == "jekyll" else "summary"
    assert matter[summary_key].startswith("I have been running weekly music workshops")
    # Whole sentences only, within what blogs show.
    assert matter[summary_key].endswith(".") and len(matter[summary_key]) <= 160
    assert matter["description"] == matter[summary_key]
    assert matter["slug"] == "making-music-with-switches"
    assert matter["author"] == "Sam Okafor and Priya Shah"
    if flavour == "jekyll":
        assert matter["layout"] == "post"


def test_front_matter_survives_awkward_titles_and_names(data) -> None:
    interview, segments, _ = data
    interview.title = 'Re: "Switches" — a head-pointer\'s # story: part 2'
    interview.participants[1].name = "Zoë O'Brien-Ångström"
    for s in segments:
        if s.speaker == "Priya Shah":
            s.speaker = "Zoë O'Brien-Ångström"
    text = export.render_markdown(interview, segments, flavour="hugo", date=DAY)
    matter, body = _split_front_matter(text)
    assert matter["title"] == interview.title
    assert matter["interviewee"] == "Zoë O'Brien-Ångström"
    assert "**Zoë O'Brien-Ångström:** I have been running" in body


def test_explicit_summary_wins(data) -> None:
    interview, segments, _ = data
    text = export.render_markdown(interview, segments, date=DAY, summary="  A short one: yes. ")
    assert _split_front_matter(text)[0]["summary"] == "A short one: yes."


def test_body_has_intro_a_heading_per_question_and_named_answers(data) -> None:
    interview, segments, truth = data
    _, body = _split_front_matter(export.render_markdown(interview, segments, date=DAY))
    first_paragraph = body.strip().split("\n\n")[0]
    assert "Sam Okafor" in first_paragraph and "Priya Shah" in first_paragraph
    headings = re.findall(r"^## (.*)$", body, re.M)
    assert headings == truth["questions"]
    for turn in truth["turns"]:
        if turn["who"] == "interviewee":
            assert f"**Priya Shah:** {turn['text']}" in body
    # The interviewer reading the question out is the heading already.
    assert "**Sam Okafor:**" not in body


def test_interviewer_follow_ups_stay_and_runs_are_joined(data) -> None:
    interview, segments, _ = data
    follow_up = Segment(16.0, 16.3, "And was that the first time?", speaker="Sam Okafor")
    more = Segment(16.3, 16.36, "How did it go?", speaker="Sam Okafor")
    extra = [replace(follow_up, question_index=0), replace(more, question_index=0)]
    segments = [*segments[:2], *extra, *segments[2:]]
    # The reading and a follow-up in one segment: only the follow-up is kept.
    segments[4] = replace(
        segments[4], text="What surprised you about the workshops? Take your time."
    )
    _, body = _split_front_matter(export.render_markdown(interview, segments, date=DAY))
    assert "**Sam Okafor:** And was that the first time? How did it go?" in body
    assert "**Sam Okafor:** Take your time." in body
    assert body.count("What surprised you about the workshops?") == 1


def test_redacted_text_appears_nowhere(data) -> None:
    interview, segments, truth = data
    secret = truth["turns"][1]["text"]
    segments[1] = replace(segments[1], redacted=True)
    for flavour in export.FLAVOURS:
        text = export.render_markdown(interview, segments, flavour=flavour, date=DAY)
        assert "weekly music workshops" not in text
        assert secret[:40] not in text
        # Nothing left under the first question, so its heading goes too.
        assert truth["questions"][0] not in text
        matter, _ = _split_front_matter(text)
        key = "excerpt" if flavour == "jekyll" else "summary"
        assert matter[key].startswith("How quickly the students started composing.")
    for fmt in ("srt", "vtt", "txt"):
        rendered = export.render(fmt, interview, segments, date=DAY)
        assert "weekly music" not in rendered and "Bristol" not in rendered


def test_unanswered_questions_are_left_out(data) -> None:
    interview, segments, truth = data
    segments = [s for s in segments if s.question_index != 2]
    interview.questions.append("A question nobody got to?")
    _, body = _split_front_matter(export.render_markdown(interview, segments, date=DAY))
    headings = re.findall(r"^## (.*)$", body, re.M)
    assert truth["questions"][2] not in headings
    assert "A question nobody got to?" not in headings
    assert len(headings) == 4


def test_summary_is_whole_when_short_and_absent_without_answers(data) -> None:
    interview, segments, _ = data
    short = [replace(segments[1], text="Just workshops.")]
    assert export.default_summary(interview, short) == "Just workshops."
    questions_only = [s for s in segments if s.speaker == "Sam Okafor"]
    text = export.render_markdown(interview, questions_only, date=DAY)
    assert "summary" not in _split_front_matter(text)[0]


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
    "[not a link](http://example.com) ![nor image](x.png)",
    "{{< not-a-shortcode >}} {{% nor-this %}} {% liquid %} {{ page.title }}",
    "&amp; stays as typed, and so does &#169;",
    "~~~ not a fence ~~nor strike~~",
    "$$ not maths $$",
    "| not | a table |",
    ": not a definition",
    "=== not a setext underline",
    "a backslash \\ and a trailing one \\",
]


def _plain_segments(texts: list[str], *, speaker: str | None) -> list[Segment]:
    return [
        Segment(float(i), float(i) + 1, t, speaker=speaker, question_index=0, position=i)
        for i, t in enumerate(texts)
    ]


def _bare_interview(questions: int = 1) -> Interview:
    texts = ["Q # 1 *bold* {x} #"] + [f"Question {i}" for i in range(2, questions + 1)]
    return Interview(1, "Escapes", None, "edited", NOW, NOW, questions=texts)


def _unescaped(raw: str, text: str) -> bool:
    return re.search(r"(?<!\\)" + re.escape(raw), text) is not None


@pytest.mark.parametrize("speaker", [None, "Sam"])
def test_markdown_specials_are_escaped(speaker: str | None) -> None:
    segments = _plain_segments(NASTY, speaker=speaker)
    for i, s in enumerate(segments):
        # One question each, so every text starts a paragraph of its own.
        s.question_index = i
        if speaker:
            s.speaker = "Sam" if i % 2 else "Priya"
    text = export.render_markdown(_bare_interview(len(NASTY)), segments, date=DAY)
    _, body = _split_front_matter(text)
    paragraphs = body.strip().split("\n\n")
    assert paragraphs[1] == r"## Q \# 1 \*bold\* &#123;x&#125; \#"
    answers = [p for p in paragraphs[1:] if not p.startswith("## ")]
    assert len(answers) == len(NASTY)
    for para in answers:
        assert "\n" not in para
        if speaker is None:
            # Nothing can open a block: a letter, an escape or an entity comes first.
            assert para[0] in "\\&" or (para[0].isalnum() and not re.match(r"\d+[.)]", para))
        else:
            assert para.startswith(("**Sam:** ", "**Priya:** "))
    joined = "\n".join(answers)
    for raw in ("{", "}", "<b>", "<script", "*not", "_nor", "`not", "[not", "]("):
        assert not _unescaped(raw, joined), raw
    assert "&amp;amp; stays" in joined and "&amp;#169;" in joined
    assert "\\$\\$ not maths" in joined
    assert "&#126;&#126;&#126; not a fence" in joined


def test_escape_functions_leave_ordinary_prose_alone() -> None:
    prose = "It's 5 o'clock, 50% done - and the team (all 12) said: great!"
    assert export.escape_inline(prose) == prose
    assert export.escape_block(prose) == prose
    assert export.escape_block("1990. A year") == r"1990\. A year"


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Making music with switches", "making-music-with-switches"),
        ("Zoë's Café: Ærø & Łódź — Straße!", "zoe-s-cafe-aero-lodz-strasse"),
        ("   ***   ", "interview"),
        ("日本語のインタビュー", "interview"),
        ("x" * 80, "x" * 60),
        ("one two three four five six seven eight nine ten eleven twelve", None),
    ],
)
def test_slugify(title: str, slug: str | None) -> None:
    result = export.slugify(title)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", result)
    assert len(result) <= 60
    if slug is not None:
        assert result == slug
    else:
        assert not result.endswith("-") and "one-two-three" in result


def test_post_filenames(data) -> None:
    interview, _, _ = data
    # A Jekyll draft (in _drafts/) has no date prefix; only published _posts files do.
    assert export.post_filename(interview, flavour="jekyll", date=DAY) == (
        "making-music-with-switches.md"
    )
    assert export.post_filename(interview, flavour="hugo", date=DAY) == (
        "making-music-with-switches.md"
    )
    assert export.default_filename("vtt", interview, date=DAY) == "making-music-with-switches.vtt"
    assert export.default_filename("markdown", interview, flavour="jekyll", date=DAY) == (
        "making-music-with-switches.md"
    )


def test_unknown_flavour_and_format_are_refused(data) -> None:
    interview, segments, _ = data
    with pytest.raises(InvalidInput, match="flavour"):
        export.render_markdown(interview, segments, flavour="gatsby", date=DAY)
    with pytest.raises(InvalidInput, match="format"):
        export.render("docx", interview, segments, date=DAY)


# --- captions ----------------------------------------------------------------------------

_TIME = r"(\d\d):(\d\d):(\d\d)[,.](\d\d\d)"


def _ms(parts: tuple[str, ...]) -> int:
    h, m, s, ms = map(int, parts)
    return ((h * 60 + m) * 60 + s) * 1000 + ms


def parse_cues(text: str, *, vtt: bool) -> list[tuple[int, int, list[str]]]:
    """A strict little parser: numbered (SRT) or headed (VTT) blocks of time line + text."""
    blocks = text.strip("\n").split("\n\n")
    if vtt:
        assert blocks.pop(0) == "WEBVTT"
    sep = r"\." if vtt else ","
    time_line = re.compile(_TIME.replace("[,.]", sep) + " --> " + _TIME.replace("[,.]", sep))
    cues = []
    for number, block in enumerate(blocks, start=1):
        lines = block.split("\n")
        if not vtt:
            assert lines.pop(0) == str(number)
        match = time_line.fullmatch(lines[0])
        assert match, lines[0]
        start, end = _ms(match.groups()[:4]), _ms(match.groups()[4:])
        assert lines[1:] and all(line.strip() for line in lines[1:])
        cues.append((start, end, lines[1:]))
    return cues


def _visible(line: str) -> str:
    return re.sub(r"<[^>]+>", "", line).replace("&amp;", "&").replace("&lt;", "<")


def _check_timeline(cues: list[tuple[int, int, list[str]]]) -> None:
    for (s1, e1, _), (s2, _e2, _) in itertools.pairwise(cues):
        assert s1 < e1 <= s2
    assert cues[-1][0] < cues[-1][1]


@pytest.mark.parametrize("vtt", [False, True])
def test_captions_are_valid_and_readable(data, vtt: bool) -> None:
    _interview, segments, truth = data
    text = (export.render_vtt if vtt else export.render_srt)(segments)
    cues = parse_cues(text, vtt=vtt)
    _check_timeline(cues)
    for _, _, lines in cues:
        assert len(lines) <= captions.MAX_LINES
        assert all(len(_visible(line)) <= captions.MAX_LINE_CHARS for line in lines)
    spoken = " ".join(_visible(line) for _, _, lines in cues for line in lines)
    for turn in truth["turns"]:
        assert turn["text"].split()[-1] in spoken
    assert cues[0][0] == round(truth["turns"][0]["start"] * 1000)
    assert cues[-1][1] == round(truth["turns"][-1]["end"] * 1000)


def test_srt_names_a_new_speaker_and_vtt_tags_every_cue(data) -> None:
    _, segments, _ = data
    srt_cues = parse_cues(export.render_srt(segments), vtt=False)
    assert srt_cues[0][2][0].startswith("Sam Okafor: What have you")
    assert srt_cues[1][2][0].startswith("Priya Shah: I have been")
    assert not srt_cues[2][2][0].startswith("Priya Shah:")  # same speaker continues
    for _, _, lines in parse_cues(export.render_vtt(segments), vtt=True):
        assert re.match(r"<v (Sam Okafor|Priya Shah)>", lines[0])


def test_cues_follow_word_timings() -> None:
    text = "one two three four five six seven eight nine ten " * 3
    tokens = text.split()
    # Deliberately uneven: the first half of the words is spoken slowly.
    times, t = [], 10.0
    for i, tok in enumerate(tokens):
        length = 1.0 if i < 15 else 0.2
        times.append(Word(t, t + length * 0.8, " " + tok))
        t += length
    seg = Segment(10.0, t, text.strip(), words=times, speaker="Ann")
    cues = captions.build_cues([seg])
    assert len(cues) >= 2
    index = 0  # of the cue's first word
    for previous, cue in itertools.pairwise(cues):
        index += len(" ".join(previous.lines).split())
        assert cue.lines[0].split()[0] == tokens[index]
        assert cue.start_ms == round(times[index].start * 1000)
    proportional = captions.build_cues([replace(seg, words=[])])
    assert [c.lines for c in proportional] == [c.lines for c in cues]
    assert proportional[1].start_ms != cues[1].start_ms


def test_overlapping_and_unsorted_segments_still_give_a_clean_timeline() -> None:
    segs = [
        Segment(5.0, 9.0, "Third, starting late but long enough to wrap onto a second cue."),
        Segment(0.0, 6.0, "First, overlapping the third one."),
        Segment(0.0, 2.0, "Second, with the very same start."),
        Segment(12.0, 12.0, "Zero length."),
        Segment(13.0, 14.0, "Hidden.", redacted=True),
        Segment(14.0, 15.0, "   "),
    ]
    for vtt in (False, True):
        text = (export.render_vtt if vtt else export.render_srt)(segs)
        cues = parse_cues(text, vtt=vtt)
        _check_timeline(cues)
        assert "Hidden" not in text


def test_very_long_words_and_names_are_wrapped() -> None:
    url = "https://example.com/" + "a" * 100
    seg = Segment(0, 4, f"See {url} now", speaker="Bartholomew Featherstonehaugh-Cholmondeley")
    cues = parse_cues(export.render_srt([seg]), vtt=False)
    visible_words = "".join("".join(lines) for _, _, lines in cues)
    assert "a" * 100 in visible_words.replace("\n", "")
    for _, _, lines in cues:
        assert len(lines) <= 2
        for line in lines:
            assert len(line) <= 42 or line.endswith(":")


def test_vtt_escapes_markup() -> None:
    seg = Segment(0, 2, "a <b> & c --> d", speaker="A&B <x>")
    text = export.render_vtt([seg])
    assert "<v A&amp;B &lt;x&gt;>a &lt;b&gt; &amp; c --&gt; d" in text


def test_empty_captions() -> None:
    assert export.render_vtt([]) == "WEBVTT\n"
    assert export.render_srt([]) == ""


def test_plain_text(data) -> None:
    interview, segments, truth = data
    text = export.render_text(interview, segments)
    lines = text.split("\n")
    assert lines[0] == truth["title"] and set(lines[1]) == {"="}
    for question in truth["questions"]:
        assert f"\n\n{question}\n\n" in text
    assert f"Priya Shah: {truth['turns'][1]['text']}" in text
    assert f"Sam Okafor: {truth['questions'][0]}" in text


# --- writing -----------------------------------------------------------------------------


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_write_atomic_creates_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "post.md"
    assert export.write_atomic(target, "first ✓\n") == target
    assert target.read_text(encoding="utf-8") == "first ✓\n"
    with pytest.raises(FileExists) as err:
        export.write_atomic(target, "second")
    assert str(target) in err.value.message
    assert target.read_text(encoding="utf-8") == "first ✓\n"
    assert _leftovers(tmp_path) == []


def test_write_atomic_replaces_with_force_and_keeps_permissions(tmp_path: Path) -> None:
    target = tmp_path / "post.md"
    target.write_text("old")
    os.chmod(target, 0o640)
    export.write_atomic(target, "new", force=True)
    assert target.read_text() == "new"
    assert (target.stat().st_mode & 0o777) == 0o640
    assert _leftovers(tmp_path) == []


def test_write_atomic_new_file_gets_ordinary_permissions(tmp_path: Path) -> None:
    target = export.write_atomic(tmp_path / "new.md", "x")
    umask = os.umask(0)
    os.umask(umask)
    assert (target.stat().st_mode & 0o777) == 0o666 & ~umask


def test_write_atomic_keeps_bytes_exact(tmp_path: Path) -> None:
    target = export.write_atomic(tmp_path / "a.md", "line\nnext\r\n")
    assert target.read_bytes() == b"line\nnext\r\n"


def test_failing_write_leaves_the_original_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "post.md"
    target.write_text("precious")
    # A lone surrogate cannot be encoded: the write fails after the temp file was made.
    with pytest.raises(UnicodeEncodeError):
        export.write_atomic(target, "half \ud800 written", force=True)
    assert target.read_text() == "precious"
    assert _leftovers(tmp_path) == []


def test_a_folder_in_the_way_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "post.md"
    folder.mkdir()
    (folder / "keep.txt").write_text("keep")
    for force in (False, True):
        with pytest.raises(InvalidInput, match="is a folder"):
            export.write_atomic(folder, "x", force=force)
    assert (folder / "keep.txt").read_text() == "keep"
    assert _leftovers(tmp_path) == []


def test_missing_folder_is_refused_not_created(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="does not exist") as err:
        export.write_atomic(tmp_path / "nope" / "post.md", "x")
    assert err.value.hint
    assert not (tmp_path / "nope").exists()


# --- consent -----------------------------------------------------------------------------


def test_consent_check_passes_when_both_agreed(data) -> None:
    interview, _, _ = data
    export.check_publish_consent(interview)


def test_consent_check_names_who_has_not_agreed(data) -> None:
    interview, _, _ = data
    later = datetime(2024, 6, 1, tzinfo=timezone.utc)
    # Priya withdrew publishing consent later: the newest consent counts.
    interview.consents.append(Consent(2, frozenset({"record"}), later))
    with pytest.raises(ConsentMissing) as err:
        export.check_publish_consent(interview)
    assert "Priya Shah has not agreed" in err.value.message
    assert "Sam Okafor" not in err.value.message
    assert "--participant 'Priya Shah'" in err.value.hint
    with pytest.raises(ConsentMissing, match="Sam Okafor and Priya Shah have not agreed"):
        export.check_publish_consent(interview, scope="publish-audio")
    with pytest.raises(InvalidInput):
        export.check_publish_consent(interview, scope="publish-everything")
