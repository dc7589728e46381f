"""The buddy interview end to end on real speech, through the real command line.

Import with markers, transcribe with the default engine, consent, export Markdown (Hugo
flavour), build it with the real Hugo, and check headings, names and speakers.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.wer import normalise, word_error_rate
from tests.app.cli_run import home_env, run_cli, transcribed_buddy_interview
from tests.app.hugo_site import build_site

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def cli(home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return run_cli(home_env(home), *args, check=check)


def _speaker_accuracy(segments: list[dict[str, Any]], truth: dict[str, Any]) -> float:
    """Share of transcribed words whose speaker is the one speaking at that moment."""
    turns = truth["turns"]
    right = total = 0
    for seg in segments:
        for start, end, _text, _p in seg["words"]:
            middle = (start + end) / 2
            turn = min(
                turns,
                key=lambda t: (
                    0
                    if t["start"] <= middle <= t["end"]
                    else min(abs(middle - t["start"]), abs(middle - t["end"]))
                ),
            )
            total += 1
            right += turn["speaker"] == seg["speaker"]
    return right / total


@pytest.fixture(scope="module")
def interview(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    testdata = REPO.parent / "shared" / "testdata"
    if not testdata.is_dir():
        pytest.skip(f"shared test data not found at {testdata}")
    home = tmp_path_factory.mktemp("home")
    interview_id, truth = transcribed_buddy_interview(home, testdata)
    return {"home": home, "id": interview_id, "truth": truth}


def _segments(home: Path, interview_id: int) -> list[dict[str, Any]]:
    from app.paths import Paths
    from app.store import Store

    store = Store(Paths.from_env({"BUDDY_INTERVIEWS_HOME": str(home)}).database)
    try:
        return [
            {
                "speaker": s.speaker,
                "question_index": s.question_index,
                "text": s.text,
                "words": [(w.start, w.end, w.text, w.probability) for w in s.words],
            }
            for s in store.transcript(interview_id).segments
        ]
    finally:
        store.close()


def test_answers_land_under_their_questions(interview: dict[str, Any]) -> None:
    truth = interview["truth"]
    segments = _segments(interview["home"], interview["id"])
    answers = [t for t in truth["turns"] if t["who"] == "interviewee"]
    for index, answer in enumerate(answers):
        heard = " ".join(
            s["text"]
            for s in segments
            if s["question_index"] == index and s["speaker"] == truth["interviewee"]["name"]
        )
        assert word_error_rate(answer["text"], heard) <= 0.25, (index, heard)
        question = " ".join(
            s["text"]
            for s in segments
            if s["question_index"] == index and s["speaker"] == truth["interviewer"]["name"]
        )
        assert normalise(question) == normalise(truth["questions"][index])


def test_whole_interview_is_heard_and_nothing_invented(interview: dict[str, Any]) -> None:
    segments = _segments(interview["home"], interview["id"])
    heard = " ".join(s["text"] for s in segments)
    reference = " ".join(t["text"] for t in interview["truth"]["turns"])
    assert word_error_rate(reference, heard) <= 0.10
    assert "thank you" not in heard.lower()  # Whisper's favourite words over silence


def test_speakers_are_attributed(interview: dict[str, Any]) -> None:
    segments = _segments(interview["home"], interview["id"])
    assert _speaker_accuracy(segments, interview["truth"]) >= 0.9


def test_publishing_needs_both_consents_then_builds_with_hugo(
    interview: dict[str, Any], tmp_path: Path
) -> None:
    home, iid, truth = interview["home"], str(interview["id"]), interview["truth"]
    refused = cli(home, "export", iid, "--format", "markdown", "--out", str(tmp_path), check=False)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "consent" in refused.stderr.lower() and "Hint:" in refused.stderr
    assert not list(tmp_path.iterdir())

    cli(home, "consent", iid, "--participant", "Sam Okafor", "--scope", "publish-text")
    half = cli(home, "export", iid, "--format", "markdown", "--out", str(tmp_path), check=False)
    assert half.returncode == 2 and "Priya Shah" in half.stderr
    cli(home, "consent", iid, "--participant", "interviewee", "--scope", "publish-text")
    # Consent is the first gate; the post's final words also need both participants' approval.
    unapproved = cli(
        home, "export", iid, "--format", "markdown", "--out", str(tmp_path), check=False
    )
    assert unapproved.returncode == 2 and "not approved the post" in unapproved.stderr
    shown = cli(home, "approve", iid, "--participant", "Priya Shah", "--yes")
    assert "Still to approve: Sam Okafor." in shown.stdout
    cli(home, "approve", iid, "--participant", "interviewer", "--yes")

    posts = tmp_path / "posts"
    posts.mkdir()
    written = cli(
        home, "export", iid, "--format", "markdown", "--flavour", "hugo", "--out", str(posts)
    )
    post = next(posts.glob("*.md"))
    assert str(post) in written.stdout
    text = post.read_text()
    front = yaml.safe_load(text.split("---")[1])
    assert front["title"] == truth["title"] and front["draft"] is True
    for question in truth["questions"]:
        assert f"## {question}" in text
    assert "**Priya Shah:**" in text and "Sam Okafor" in text

    again = cli(
        home,
        "export",
        iid,
        "--format",
        "markdown",
        "--flavour",
        "hugo",
        "--out",
        str(posts),
        check=False,
    )
    assert again.returncode == 2 and "--force" in again.stderr
    cli(
        home,
        "export",
        iid,
        "--format",
        "markdown",
        "--flavour",
        "hugo",
        "--out",
        str(posts),
        "--force",
    )

    html = build_site(tmp_path / "site", post)
    for question in truth["questions"]:
        assert question.replace("'", "&#39;") in html or question in html
    assert "Priya Shah" in html and "Sam Okafor" in html


@pytest.mark.parametrize("fmt", ["srt", "vtt", "txt"])
def test_captions_and_text(interview: dict[str, Any], tmp_path: Path, fmt: str) -> None:
    home, iid = interview["home"], str(interview["id"])
    cli(home, "consent", iid, "--participant", "Sam Okafor", "--scope", "publish-text")
    cli(home, "consent", iid, "--participant", "Priya Shah", "--scope", "publish-text")
    out = tmp_path / f"post.{fmt}"
    cli(home, "export", iid, "--format", fmt, "--out", str(out))
    text = out.read_text()
    assert "workshops" in text.lower()
    if fmt == "vtt":
        assert text.startswith("WEBVTT")
    if fmt == "srt":
        assert "00:00:" in text and " --> " in text
