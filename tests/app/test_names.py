"""Names and titles are one line of visible text (issue 10, item 12).

A name ends up in caption cues, RSS feeds and one-line listings; each reproduction from the
issue is tried through the command line and the services.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from app.approval import text_hash
from app.errors import InvalidInput
from app.models import Segment, Transcript
from app.services import Services
from app.typed_names import MAX_NAME, MAX_TITLE, clean_name, clean_title
from tests.app.hugo_site import make_site, run_hugo
from tests.app.robust_helpers import assert_user_error, run

FAKE_CUE = "Bob\n\n99\n00:00:00,000 --> 00:00:09,000\nFAKE LINE"


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("--interviewee", FAKE_CUE, ["one line"]),
        ("--interviewer", "Sam\x1b[31m", ["control character", "U+001B"]),
        ("--interviewee", "Pri\x01ya", ["control character", "U+0001"]),
        ("--interviewee", "Priya\u202eahS", ["control character", "Right-To-Left Override"]),
        ("--interviewee", "\u200b\u200c\u200d", ["no visible characters"]),
        ("--interviewee", "   ", ["empty"]),
        ("--interviewee", "x" * (MAX_NAME + 1), ["characters long", str(MAX_NAME)]),
        ("--title", "Music\x1b and switches", ["control character"]),
        ("--title", "y" * (MAX_TITLE + 1), ["characters long", str(MAX_TITLE)]),
    ],
)
def test_bad_names_and_titles_are_refused_with_a_message(
    home: Path, capsys, field: str, value: str, words: list[str]
) -> None:
    args = {"--title": "Switches", "--interviewer": "Sam", "--interviewee": "Priya"}
    args[field] = value
    code, _, err = run(capsys, "new", *[x for pair in args.items() for x in pair])
    assert_user_error(code, err, *words)
    code, out, _ = run(capsys, "list", "--json")
    assert json.loads(out) == []


def test_whitespace_is_folded_and_list_stays_one_line_per_interview(home: Path, capsys) -> None:
    code, out, err = run(
        capsys,
        "new",
        "--title",
        "  Music \n and\tswitches  ",
        "--interviewer",
        " Sam\u00a0 Okafor ",
        "--interviewee",
        "Zoë 👩\u200d🦽",
        "--json",
    )
    assert code == 0, err
    made = json.loads(out)
    assert made["title"] == "Music and switches"
    assert [p["name"] for p in made["participants"]] == ["Sam Okafor", "Zoë 👩\u200d🦽"]
    code, out, _ = run(capsys, "list")
    assert len(out.strip().splitlines()) == 1


def test_rules_are_the_same_for_every_caller() -> None:
    assert clean_title("Switches\r\nat work") == "Switches at work"
    with pytest.raises(InvalidInput):
        clean_name("Sam\nOkafor")
    with pytest.raises(InvalidInput):
        clean_title("\u2066Switches\u2069")


def _interview_with_transcript(services: Services, title: str, interviewee: str) -> int:
    interview = services.new_interview(title, interviewer="Sam", interviewee=interviewee)
    for role in ("interviewer", "interviewee"):
        services.give_consent(interview.id, role, ["record", "publish-text"])
    services.store.save_transcript(
        Transcript(
            interview_id=interview.id,
            recording_id=None,
            engine="truth",
            model="none",
            language="en",
            created_at=datetime.now(timezone.utc),
            segments=[
                Segment(0.0, 2.0, "What do you make?", speaker="Sam", question_index=0),
                Segment(2.0, 5.0, "I make music.", speaker=interviewee, question_index=0),
            ],
        )
    )
    return interview.id


def test_a_name_cannot_add_a_caption_cue(services: Services) -> None:
    with pytest.raises(InvalidInput, match="one line"):
        services.new_interview("Switches", interviewer="Sam", interviewee=FAKE_CUE)
    interview = _interview_with_transcript(services, "Switches", "Bob 99 FAKE LINE")
    srt = services.render(interview, "srt")
    cues = [c for c in srt.strip().split("\n\n") if c.strip()]
    assert [c.splitlines()[0] for c in cues] == [str(i + 1) for i in range(len(cues))]
    assert len(re.findall(r"-->", srt)) == len(cues) == 2


@pytest.mark.slow
def test_hugo_rss_stays_valid_xml_for_a_title_with_odd_characters(
    services: Services, tmp_path: Path
) -> None:
    with pytest.raises(InvalidInput):
        services.new_interview("Music\x1b\x01", interviewer="Sam", interviewee="Priya")
    title = 'Café & <switches> "quoted" — it\'s 🎙 \u00a0 done'
    interview = _interview_with_transcript(services, title, "Zoë")
    site = make_site(tmp_path / "site")
    config = site / "hugo.toml"
    config.write_text(config.read_text().replace('"RSS", ', ""))
    # Hugo's own RSS template, as a real blog would use it.
    for role in ("interviewer", "interviewee"):  # publishing needs both approvals
        services.approve(interview, role, text_hash=text_hash(services.approval_text(interview)))
    services.export(
        interview,
        "markdown",
        flavour="hugo",
        out=site / "content" / "posts",
        on_date=date(2024, 5, 1),
    )
    run_hugo(site, "--buildDrafts")
    feed = site / "public" / "index.xml"
    root = ET.fromstring(feed.read_bytes())  # raises on invalid XML
    titles = [t.text for t in root.iter("title")]
    assert any(t and "Café" in t and "switches" in t for t in titles), titles


def test_script_titles_questions_and_marker_questions_follow_the_same_rules(
    home: Path, tmp_path: Path, testdata: Path, capsys
) -> None:
    script = tmp_path / "bad.yaml"
    script.write_text('title: "Check\\u001b-in"\nquestions:\n  - What now?\n')
    code, _, err = run(capsys, "scripts", "import", str(script))
    assert_user_error(code, err, "title", "control character")
    script.write_text('title: Check-in\nquestions:\n  - "What\\u202e now?"\n')
    code, _, err = run(capsys, "scripts", "import", str(script))
    assert_user_error(code, err, "questions[1]", "control character")
    code, _, err = run(capsys, "scripts", "copy", "monthly-share", "--title", "Ours\x01")
    assert_user_error(code, err, "control character")
    markers = tmp_path / "markers.json"
    markers.write_text(json.dumps({"markers": [0.5], "questions": ["Fine?\u0007"]}))
    code, _, err = run(
        capsys, "import", str(testdata / "jfk.wav"), "--title", "T", "--interviewer", "A",
        "--interviewee", "B", "--consent", "record", "--markers", str(markers),
    )  # fmt: skip
    assert_user_error(code, err, "questions", "control character")
    code, out, _ = run(capsys, "list", "--json")
    assert json.loads(out) == []
