"""The post's text rules on real speech: both test interviews, transcribed by the real engine.

conversation.wav asks the script's questions in the interviewer's own words, with follow-ups
and interjections; buddy-interview.wav reads them as scripted. Markers come from the truth
files, as pressing "Next question" would have stored them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import pytest

from app import transcript as edits
from app.context import AppContext
from app.errors import ApprovalMissing, ApprovalOutdated
from app.models import Segment
from app.paths import HOME_ENV, Paths
from app.post import SUMMARY_MAX_CHARS
from app.services import Services
from app.textrules import norm_words
from tests.app.post_helpers import put_segments
from tests.conftest import TESTDATA

pytestmark = pytest.mark.slow

FINAL = re.compile(r"[.?!…]['\")\]’”]*$")


def _similar(a: str, b: str) -> float:
    return SequenceMatcher(None, norm_words(a), norm_words(b), autojunk=False).ratio()


@pytest.fixture(scope="module", params=["conversation", "buddy-interview"])
def made(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    if not TESTDATA.is_dir():
        pytest.skip(f"shared test data not found at {TESTDATA}")
    name = request.param
    truth = json.loads((TESTDATA / f"{name}.truth.json").read_text())
    home = tmp_path_factory.mktemp(name)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(HOME_ENV, str(home / "home"))
        ctx = AppContext.open(Paths.from_env())
        services = Services(ctx)
        interview = services.new_interview(
            truth["title"],
            interviewer=truth["interviewer"]["name"],
            interviewee=truth["interviewee"]["name"],
        )
        ctx.store.update_interview(interview.id, questions=truth["questions"])
        markers = home / "markers.json"
        markers.write_text(json.dumps({"markers": truth["markers"]}))
        services.import_audio(interview.id, TESTDATA / f"{name}.wav", markers=markers)
        services.transcribe(interview.id)  # the names steer recognition with no glossary
        for p in services.interview(interview.id).participants:
            services.give_consent(interview.id, p.name, ["record", "publish-text"])
        yield services, interview.id, truth
        ctx.close()


def _speakers_from_truth(segments: list[Segment], truth: dict[str, Any]) -> list[Segment]:
    """Speakers as the voices say (what speaker recognition or a person's correction gives):
    each segment is cut where the speaking turn changes and named after that turn."""
    out: list[Segment] = []
    turns = truth["turns"]

    def who(t: float) -> str:
        return min(turns, key=lambda u: 0 if u["start"] <= t <= u["end"] else
                   min(abs(t - u["start"]), abs(t - u["end"])))["speaker"]  # fmt: skip

    for seg in segments:
        run: list = []
        for w in seg.words:
            name = who((w.start + w.end) / 2)
            if run and run[0][0] != name:
                out.append(_piece(seg, run))
                run = []
            run.append((name, w))
        if run:
            out.append(_piece(seg, run))
    for i, s in enumerate(out):
        s.position = i
    return out


def _piece(seg: Segment, run: list) -> Segment:
    words = [w for _n, w in run]
    return replace(
        seg,
        start=words[0].start,
        end=words[-1].end,
        text=" ".join(w.text.strip() for w in words),
        words=words,
        speaker=run[0][0],
        id=None,
    )


def _sections(text: str) -> dict[str, list[str]]:
    body = text.split("\n---\n", 1)[1]
    sections: dict[str, list[str]] = {}
    current = ""
    for block in body.strip().split("\n\n"):
        if block.startswith("## "):
            current = block[3:]
            sections[current] = []
        elif current:
            sections[current].append(block)
    return sections


def _check_no_question_repeated(text: str, truth: dict[str, Any]) -> None:
    sections = _sections(text)
    asked = [t for t in truth["turns"] if t.get("question")]
    assert len(sections) == len(asked)
    for (heading, paras), turn in zip(sections.items(), asked, strict=True):
        for para in paras:
            words = para.split(":** ", 1)[-1]
            opening = " ".join(words.split()[: len(turn["text"].split())])
            assert _similar(opening, turn["text"]) < 0.5, (heading, para)


def test_no_section_repeats_its_own_question(made) -> None:
    services, interview_id, truth = made
    _check_no_question_repeated(services.render(interview_id, "markdown"), truth)


def test_follow_ups_stay_with_the_interviewers_name(made) -> None:
    services, interview_id, truth = made
    segments = services.require_transcript(interview_id).segments
    put_segments(services, interview_id, _speakers_from_truth(segments, truth))
    text = services.render(interview_id, "markdown")
    _check_no_question_repeated(text, truth)
    interviewer = truth["interviewer"]["name"]
    theirs = " ".join(
        p.split(":** ", 1)[1]
        for paras in _sections(text).values()
        for p in paras
        if p.startswith(f"**{interviewer}:**")
    )
    follow_ups = [t for t in truth["turns"] if t["who"] == "interviewer" and not t.get("question")]
    assert follow_ups or not any(t["who"] == "interviewer" for t in truth["turns"][1:-1:2])
    heard_all = " ".join(norm_words(theirs))
    for turn in follow_ups:
        # What the engine heard during that turn (recognition errors and all) is in the post,
        # under the interviewer's name.
        heard = [
            w.text
            for s in services.require_transcript(interview_id).segments
            for w in s.words
            if turn["start"] - 0.2 <= (w.start + w.end) / 2 <= turn["end"] + 0.2
        ]
        assert heard, turn
        assert " ".join(norm_words(" ".join(heard))) in heard_all, (turn["text"], theirs)
    put_segments(services, interview_id, segments)  # as transcribed, for the other tests


def test_a_redaction_leaves_no_sentence_unfinished(made) -> None:
    services, interview_id, _truth = made
    original = services.require_transcript(interview_id).segments
    # Cut every long sentence in two and redact the second half: the first half is left
    # without its full stop, and the next line begins where the cut sentence did not.
    segments = list(original)
    cut = 0
    for i in range(len(segments) - 1, -1, -1):
        words = segments[i].text.split()
        if len(words) >= 8 and segments[i].question_index is not None:
            at = len(" ".join(words[: len(words) // 2]))
            segments = edits.split(segments, i, at)
            segments = edits.redact(segments, i + 1)
            cut += 1
    assert cut >= 3
    put_segments(services, interview_id, segments)
    try:
        text = services.render(interview_id, "markdown")
        for paras in _sections(text).values():
            for para in paras:
                words = para.split(":** ", 1)[-1]
                assert FINAL.search(words), para
                assert words[:1].isupper(), para
    finally:
        put_segments(services, interview_id, original)


def test_summary_is_whole_sentences_within_the_limit(made) -> None:
    services, interview_id, _truth = made
    summary = services.post_content(interview_id).summary
    assert summary and len(summary) <= SUMMARY_MAX_CHARS
    assert FINAL.search(summary) and summary[0].isupper()
    answers = " ".join(
        p.text for s in services.post_content(interview_id).sections for p in s.paragraphs
    )
    assert summary in answers  # the interviewee's own words, not a cut-off fragment


def test_participants_names_spelt_as_typed(made) -> None:
    services, interview_id, truth = made
    first_names = {truth[r]["name"].split()[0] for r in ("interviewer", "interviewee")}
    spoken = [n for n in first_names if any(n in t["text"] for t in truth["turns"])]
    text = " ".join(s.text for s in services.require_transcript(interview_id).segments)
    for name in spoken:
        assert text.count(name) == sum(t["text"].count(name) for t in truth["turns"]), text
    assert services.name_fixes(interview_id) == []
    post = services.render(interview_id, "markdown")
    for role in ("interviewer", "interviewee"):
        assert truth[role]["name"] in post


def test_a_misspelt_name_is_offered_and_fixed_everywhere(made) -> None:
    services, interview_id, truth = made
    original = services.require_transcript(interview_id).segments
    right = truth["interviewee"]["name"].split()[0]
    wrong = {"Kieran": "Karen", "Priya": "Pria"}[right]
    segments = [replace(s, words=list(s.words)) for s in original]
    segments[0] = replace(segments[0], text=f"{wrong}, {segments[0].text}")
    segments[-1] = replace(segments[-1], text=f"{segments[-1].text} Thanks, {wrong}.")
    put_segments(services, interview_id, segments)
    try:
        fixes = services.name_fixes(interview_id)
        assert [(f.wrong, f.right, f.count) for f in fixes] == [(wrong, right, 2)]
        assert services.replace_name(interview_id, wrong, right) == 2
        assert services.name_fixes(interview_id) == []
        assert wrong not in services.render(interview_id, "markdown")
    finally:
        put_segments(services, interview_id, original)


def test_export_is_refused_after_an_edit_until_approved_again(made, tmp_path: Path) -> None:
    services, interview_id, truth = made
    with pytest.raises(ApprovalMissing):
        services.export(interview_id, "markdown", out=tmp_path)
    for role in ("interviewer", "interviewee"):
        text = services.approval_text(interview_id)
        from app.approval import text_hash

        services.approve(interview_id, role, text_hash=text_hash(text))
    written = services.export(interview_id, "markdown", out=tmp_path)
    assert truth["title"] in written.read_text()
    post = services.post_state(interview_id).post
    services.save_post(interview_id, replace(post, summary="A different summary."))
    with pytest.raises(ApprovalOutdated) as refused:
        services.export(interview_id, "markdown", out=tmp_path, force=True)
    assert "+description: A different summary." in refused.value.changes
    with pytest.raises(ApprovalOutdated):
        services.check_can_publish(interview_id)  # what publishing asks first
    services.undo_post(interview_id)  # back to the approved words: allowed again
    services.export(interview_id, "markdown", out=tmp_path, force=True)
    services.redo_post(interview_id)
    for role in ("interviewer", "interviewee"):
        from app.approval import text_hash

        services.approve(
            interview_id, role, text_hash=text_hash(services.approval_text(interview_id))
        )
    services.export(interview_id, "markdown", out=tmp_path, force=True)
    assert "A different summary." in (tmp_path / written.name).read_text()
    services.undo_post(interview_id)
