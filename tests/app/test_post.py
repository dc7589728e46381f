"""The post: text rules, the stored post with undo, approval, review copies, names, flavours."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from app import textrules
from app.approval import text_hash
from app.errors import (
    ApprovalMissing,
    ApprovalOutdated,
    ConsentMissing,
    InvalidInput,
    ScriptInvalid,
)
from app.export.post_text import build_post
from app.models import Segment, Word
from app.names import misspellings, replace_word, soundex, steering_terms
from app.post import SUMMARY_MAX_CHARS, Heading, Post, PullQuote, parse_tags
from app.scripts import parse_script
from app.services import Services
from app.transcription.engine import glossary_prompt
from app.transcription.sentences import split_at_sentences
from tests.app.cli_run import home_env, run_cli
from tests.app.post_helpers import put_segments
from tests.conftest import TESTDATA
from tests.truth_data import interview_from_truth, truth_segments
from tests.ui.editor_fixtures import create_interview


def _approve_all(services: Services, interview_id: int) -> None:
    for role in ("interviewer", "interviewee"):
        digest = text_hash(services.approval_text(interview_id))
        services.approve(interview_id, role, text_hash=digest)


@pytest.fixture
def stored(services: Services, truth: dict[str, Any], testdata: Path) -> int:
    return create_interview(services, truth, testdata / "buddy-interview.wav")


def _conversation() -> dict[str, Any]:
    path = TESTDATA / "conversation.truth.json"
    if not path.exists():
        pytest.skip(f"test data not found: {path}")
    return json.loads(path.read_text())


# --- text rules ------------------------------------------------------------------------


def test_the_question_is_found_however_it_was_worded() -> None:
    scripted = "What have you been working on since we last spoke?"
    own = "So, Kieran, what have you been up to since we last caught up? Mostly the hospital."
    asked, rest = textrules.split_question(own, scripted)
    assert asked.endswith("caught up?") and rest == "Mostly the hospital."
    # Read out as scripted but with no question mark from the engine: the echo finds it.
    asked, rest = textrules.split_question(
        "what have you been working on since we last spoke we ran drumming sessions", scripted
    )
    assert rest == "we ran drumming sessions"
    # A close echo a few words short of its "?" takes the whole question.
    asked, rest = textrules.split_question(
        "What would make it easier for you to share this kind of work? Honestly, this.",
        "What would make it easier to share your work?",
    )
    assert rest == "Honestly, this."
    # An answer with no question in it loses nothing.
    assert textrules.split_question("We ran drumming sessions.", scripted) == (
        "",
        "We ran drumming sessions.",
    )


def test_attribution_and_export_share_one_echo_rule() -> None:
    import app.attribution as attribution
    import app.export.markdown as markdown

    assert not hasattr(attribution, "ECHO_THRESHOLD")
    assert not hasattr(markdown, "ECHO_THRESHOLD")
    assert textrules.ECHO_THRESHOLD == 0.6


@pytest.mark.parametrize(
    ("raw", "tidy"),
    [
        ("we went to the", "We went to the."),
        ("Yes. so then we left", "Yes. So then we left."),
        ("we use e.g. drums and", "We use e.g. drums and."),
        ("did it work?", "Did it work?"),
        ("“quoted words”", "“Quoted words”."),
        ("iPads for everyone", "iPads for everyone."),
        ("and then,", "And then."),
    ],
)
def test_paragraphs_keep_sentence_case_and_a_final_stop(raw: str, tidy: str) -> None:
    assert textrules.tidy_paragraph(raw) == tidy


def test_filler_lines() -> None:
    assert textrules.is_filler("Right.") and textrules.is_filler("Mm, okay, yeah.")
    assert not textrules.is_filler("Right. Thank you, Kieran.")
    assert not textrules.is_filler("Yes.")  # an answer, not filler


def test_fillers_leave_the_post_but_stay_in_captions(stored: int, services: Services) -> None:
    segments = services.require_transcript(stored).segments
    extra = replace(segments[1], text="Mm.", start=segments[1].end, end=segments[1].end + 0.4)
    put_segments(services, stored, [*segments[:2], extra, *segments[2:]])
    assert "Mm." not in services.render(stored, "markdown")
    assert "Mm." in services.render(stored, "vtt")
    post = services.post_state(stored).post
    services.save_post(stored, replace(post, omit_fillers=False))
    assert "Mm." in services.render(stored, "markdown")


def test_a_merge_keeps_sentence_case(stored: int, services: Services) -> None:
    from app import transcript as edits

    segments = services.require_transcript(stored).segments
    a = replace(segments[1], text="It went well.")
    b = replace(segments[1], text="so we did it again", start=segments[1].end)
    merged = edits.merge([*segments[:1], a, b, *segments[2:]], 1)
    put_segments(services, stored, merged)
    assert "It went well. So we did it again." in services.render(stored, "markdown")


# --- the stored post --------------------------------------------------------------------


def test_every_change_is_a_version_and_undo_redo_walk_them(
    stored: int, services: Services, reread_services
) -> None:
    assert services.post_state(stored).version == 0
    services.save_post(stored, Post(title="Switches and songs"))
    services.save_post(stored, Post(title="Switches and songs", tags=["music", "#schools"]))
    state = reread_services.post_state(stored)  # stored, not held in memory
    assert state.post.tags == ["music", "schools"] and state.version == 2
    assert "title: Switches and songs" in services.render(stored, "markdown")
    assert services.export_filename(stored, "markdown") == "switches-and-songs.md"
    state = services.undo_post(stored)
    assert state.post.tags is None and state.can_redo
    state = services.undo_post(stored)
    assert state.version == 0 and not state.can_undo
    assert services.undo_post(stored).version == 0  # nothing before the first version
    assert services.redo_post(stored).post.title == "Switches and songs"
    # A new change after undo drops the redo branch, as every editor does.
    services.save_post(stored, Post(title="Another"))
    assert not services.post_state(stored).can_redo


@pytest.fixture
def reread_services(home: Path):
    from tests.ui.editor_fixtures import fresh_services

    other = fresh_services()
    yield other
    other.ctx.close()


def test_bad_post_fields_are_refused_in_words(stored: int, services: Services) -> None:
    with pytest.raises(InvalidInput, match="blogs show at most 160"):
        services.save_post(stored, Post(summary="x" * (SUMMARY_MAX_CHARS + 1)))
    with pytest.raises(InvalidInput, match="title"):
        services.save_post(stored, Post(title="   "))
    with pytest.raises(InvalidInput, match="heading of question 2 is empty"):
        services.save_post(stored, Post(headings={1: Heading("custom", " ")}))
    assert parse_tags("music, Music , #arts,,") == ["music", "arts"]


def test_headings_follow_the_script_the_question_as_asked_or_own_words(
    services: Services, testdata: Path
) -> None:
    truth = _conversation()
    interview_id = create_interview(
        services, truth, testdata / "conversation.wav", segments=truth_segments(truth)
    )
    post = Post(headings={0: Heading("asked"), 1: Heading("custom", "Nurses joined in")})
    services.save_post(interview_id, post)
    text = services.render(interview_id, "markdown")
    assert "## So, Kieran, what have you been up to since we last caught up?" in text
    assert "## Nurses joined in" in text
    assert "## Who else has been involved?" in text  # the script's wording by default
    # The question as asked is the heading, so it is not printed again below it.
    assert text.count("what have you been up to") == 1
    # Follow-ups stay, with the interviewer's name.
    assert "**Ruth Adebayo:** Lying down?" in text
    assert "**Ruth Adebayo:** And did the parents come too?" in text


def test_the_pull_quote_is_a_blockquote_and_goes_when_redacted(
    stored: int, services: Services
) -> None:
    services.set_pull_quote(stored, 3)
    text = services.render(stored, "markdown")
    assert "> How quickly the students started composing." in text
    assert "> — Priya Shah" in text
    segments = services.require_transcript(stored).segments
    segments[3] = replace(segments[3], redacted=True)
    put_segments(services, stored, segments)
    assert "> How quickly" not in services.render(stored, "markdown")
    with pytest.raises(InvalidInput, match="redacted"):
        services.set_pull_quote(stored, 3)


def test_the_default_intro_names_both_people_and_roles() -> None:
    interview, segments, _ = interview_from_truth()
    content = build_post(interview, segments, Post())
    assert content.intro == (
        "Priya Shah talks to Sam Okafor about “Making music with switches”. In this buddy "
        "interview Sam asks the questions and Priya answers them."
    )


def test_summary_is_whole_sentences_even_when_the_first_is_long() -> None:
    interview, segments, _ = interview_from_truth()
    long_first = "And " + "very " * 40 + "long. It worked. We loved it."
    segments[1] = replace(segments[1], text=long_first)
    content = build_post(interview, segments, Post())
    assert content.summary == "It worked. We loved it."
    # A fragment that starts mid-sentence ("bottom? We began...") never opens a summary.
    segments[1] = replace(segments[1], text="bottom? We began with drums.")
    assert build_post(interview, segments, Post()).summary == "We began with drums."


def test_script_tags_are_suggested_and_validated(services: Services) -> None:
    interview = services.new_interview(
        "A month", interviewer="Sam", interviewee="Priya", script_id="monthly-share"
    )
    assert services.suggested_tags(interview.id) == ["buddy interview", "monthly share", "our work"]
    good = parse_script("title: T\ntags: [arts, '#music']\nquestions: [Q]\n", script_id="t")
    assert good.tags == ["arts", "music"]
    with pytest.raises(ScriptInvalid, match="line 2: field 'tags'"):
        parse_script("title: T\ntags: arts\nquestions: [Q]\n", script_id="t")


# --- approval --------------------------------------------------------------------------


def test_consent_is_the_first_gate_then_approval(
    services: Services, truth: dict[str, Any], testdata: Path, tmp_path: Path
) -> None:
    interview_id = create_interview(
        services, truth, testdata / "buddy-interview.wav", consent=False
    )
    digest = text_hash(services.approval_text(interview_id))
    with pytest.raises(ConsentMissing):
        services.approve(interview_id, "interviewee", text_hash=digest)
    for role in ("interviewer", "interviewee"):
        services.give_consent(interview_id, role, ["record", "publish-text"])
    with pytest.raises(ApprovalMissing, match="Sam Okafor and Priya Shah have not approved"):
        services.check_can_publish(interview_id)
    services.export(interview_id, "srt", out=tmp_path)  # captions need consent only
    services.approve(interview_id, "Priya Shah", text_hash=digest)
    with pytest.raises(ApprovalMissing, match="Sam Okafor has not"):
        services.export(interview_id, "markdown", out=tmp_path)
    with pytest.raises(InvalidInput, match="changed while it was being read"):
        services.approve(interview_id, "interviewer", text_hash="0" * 64)


def test_an_edited_transcript_needs_approval_again(stored: int, services: Services) -> None:
    _approve_all(services, stored)
    services.check_can_publish(stored)
    segments = services.require_transcript(stored).segments
    segments[1] = replace(segments[1], text=segments[1].text.replace("Bristol", "Bath"))
    put_segments(services, stored, segments)
    with pytest.raises(ApprovalOutdated) as refused:
        services.check_can_publish(stored)
    assert "-" in refused.value.changes and "Bath" in refused.value.changes
    states = {s.name: s.state for s in services.approvals(stored)}
    assert states == {"Sam Okafor": "changed", "Priya Shah": "changed"}


def _cli(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return run_cli(home_env(home), *args, stdin=stdin, check=False)


def test_approve_from_the_command_line(stored: int, home: Path, tmp_path: Path) -> None:
    shown = _cli(home, "approve", str(stored), "--participant", "Priya Shah", stdin="n\n")
    assert shown.returncode == 1 and "## What have you been working on" in shown.stdout
    assert "Not approved" in shown.stdout
    asked = _cli(home, "approve", str(stored), "--participant", "Priya Shah", stdin="y\n")
    assert asked.returncode == 0 and "Still to approve: Sam Okafor." in asked.stdout
    refused = _cli(home, "export", str(stored), "--format", "markdown", "--out", str(tmp_path))
    assert refused.returncode == 2 and "Sam Okafor has not approved" in refused.stderr
    assert "buddy-interviews approve" in refused.stderr
    yes = _cli(home, "approve", str(stored), "--participant", "interviewer", "--yes")
    assert yes.returncode == 0, yes.stderr
    done = _cli(home, "export", str(stored), "--format", "markdown", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    nobody = _cli(home, "approve", str(stored), "--participant", "Ruth")
    assert nobody.returncode == 2 and "not a participant" in nobody.stderr


# --- review copy -----------------------------------------------------------------------


def test_the_word_review_copy_reads_back(stored: int, services: Services, tmp_path: Path) -> None:
    import docx

    path = services.review_copy(stored, "review-docx", out=tmp_path)
    assert path.name == "making-music-with-switches-for-review.docx"
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    assert texts[0].startswith("Draft for review")
    assert document.core_properties.title.startswith("Draft for review")
    assert "Making music with switches" in texts
    assert "What surprised you about the workshops?" in texts
    answer = next(t for t in texts if "How quickly the students" in t)
    assert answer.startswith("[0:19] Priya Shah: How quickly")
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert len(headings) == 5


def test_the_html_review_copy_is_self_contained(
    stored: int, services: Services, tmp_path: Path
) -> None:
    path = services.review_copy(stored, "review-html", out=tmp_path / "review.html")
    html = path.read_text(encoding="utf-8")
    assert "Draft for review" in html and "<script" not in html.lower()
    assert "http" not in html  # nothing fetched from outside
    assert '<span class="time">[0:19]</span><strong>Priya Shah:</strong> How quickly' in html
    with pytest.raises(InvalidInput):
        services.review_copy(stored, "review-pdf", out=tmp_path)


def test_review_from_the_command_line(stored: int, home: Path, tmp_path: Path) -> None:
    done = _cli(home, "review", str(stored), "--format", "docx", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "making-music-with-switches-for-review.docx").stat().st_size > 1000


# --- flavours --------------------------------------------------------------------------


def test_a_jekyll_draft_goes_to_drafts_without_a_date(
    stored: int, services: Services, tmp_path: Path
) -> None:
    _approve_all(services, stored)
    site = tmp_path / "site"
    site.mkdir()
    (site / "_config.yml").write_text("title: Blog\n")
    path = services.export(stored, "markdown", flavour="jekyll", out=site)
    assert path == site / "_drafts" / "making-music-with-switches.md"
    matter = yaml.safe_load(path.read_text().split("---\n")[1])
    assert matter["layout"] == "post" and matter["slug"] == "making-music-with-switches"
    assert matter["author"] == "Sam Okafor and Priya Shah"
    assert matter["description"] == matter["excerpt"]
    plain = tmp_path / "plain"
    plain.mkdir()
    assert services.export(stored, "markdown", flavour="jekyll", out=plain).parent == plain


# --- names -----------------------------------------------------------------------------


def test_names_and_the_titles_proper_nouns_steer_recognition() -> None:
    interview, _, _ = interview_from_truth()
    interview.title = "Music with Switches in Bristol"
    terms = steering_terms(interview, ["Makaton", "Sam Okafor"])
    assert terms == ["Sam Okafor", "Priya Shah", "Switches", "Bristol", "Makaton"]
    assert glossary_prompt(terms) == "Sam Okafor, Priya Shah, Switches, Bristol, Makaton"


def test_misspelt_names_are_found_by_sound_and_replaced_as_whole_words() -> None:
    truth = _conversation()
    interview, _, _ = interview_from_truth()
    interview.participants[0].name = "Ruth Adebayo"
    interview.participants[1].name = "Kieran Walsh"
    segments = [
        Segment(0, 2, "So, Karen, what have you been up to?", [
            Word(0, 0.3, "So,"), Word(0.3, 0.8, "Karen,"), Word(0.8, 2, "what")]),
        Segment(2, 4, "Karenina is a book. Some said yes."),
        Segment(4, 5, "Thank you, Karen."),
    ]  # fmt: skip
    assert truth["interviewee"]["name"] == "Kieran Walsh"
    fixes = misspellings(segments, interview)
    assert [(f.wrong, f.right, f.count) for f in fixes] == [("Karen", "Kieran", 2)]
    fixed, count = replace_word(segments, "Karen", "Kieran")
    assert count == 2
    assert fixed[0].text == "So, Kieran, what have you been up to?"
    assert fixed[0].words[1].text == "Kieran," and fixed[0].edited
    assert fixed[1].text == "Karenina is a book. Some said yes." and not fixed[1].edited
    assert soundex("Robert") == soundex("Rupert") == "R163"


def test_long_segments_are_cut_at_sentence_ends_by_their_words() -> None:
    words = [Word(0, 0.5, "Hello"), Word(0.5, 1, "there."), Word(1.5, 2, "Who"),
             Word(2, 2.5, "are"), Word(2.5, 3, "you?"), Word(3.2, 3.6, "Me")]  # fmt: skip
    seg = Segment(0, 4, "Hello there. Who are you? Me", words)
    out = split_at_sentences([seg, Segment(5, 6, "no words here. at all")])
    assert [s.text for s in out] == ["Hello there.", "Who are you?", "Me", "no words here. at all"]
    assert (out[1].start, out[1].end) == (1.5, 3) and out[2].end == 4
    assert [s.position for s in out] == [0, 1, 2, 3]


def test_a_pull_quote_keeps_its_take() -> None:
    quote = PullQuote("Words.", "Priya", 1.0, 2.0, recording_id=3)
    assert Post.from_json(Post(pull_quote=quote).to_json()).pull_quote == quote
