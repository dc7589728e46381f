"""Pure transcript edits: each returns a new list and leaves its input alone."""

from __future__ import annotations

import copy
import random

import pytest

from app import transcript as tr
from app.errors import InvalidInput
from app.models import Interview, Participant, Segment, Word


def _words(text: str, start: float, end: float) -> list[Word]:
    """Evenly timed words spelled the way engines spell them (leading space)."""
    tokens = text.split()
    step = (end - start) / len(tokens)
    return [
        Word(start + i * step, start + (i + 1) * step * 0.9 + i * step * 0.1, " " + tok)
        for i, tok in enumerate(tokens)
    ]


def _seg(
    text: str,
    start: float,
    end: float,
    *,
    q: int | None = 0,
    speaker: str | None = "Priya",
    timed: bool = True,
) -> Segment:
    words = _words(text, start, end) if timed else []
    return Segment(start, end, text, words=words, speaker=speaker, question_index=q)


@pytest.fixture
def segments() -> list[Segment]:
    segs = [
        _seg("Hello there.", 0.0, 1.0, q=None, speaker="Sam"),
        _seg("What have you been working on?", 1.0, 3.0, q=0, speaker="Sam"),
        _seg("Music workshops in Bristol with large switches.", 3.5, 8.0, q=0),
        _seg("It was fun.", 8.0, 9.0, q=0, timed=False),
        _seg("Who else was involved?", 10.0, 12.0, q=1, speaker="Sam"),
        _seg("Two music leaders and an engineer.", 12.5, 16.0, q=1),
    ]
    for i, s in enumerate(segs):
        s.position = i
        s.id = 100 + i
    return segs


def _positions(segs: list[Segment]) -> list[int]:
    return [s.position for s in segs]


def _assert_fresh(before: list[Segment], after: list[Segment]) -> None:
    # No Segment or Word object is shared between input and output.
    ids_before = {id(s) for s in before} | {id(w) for s in before for w in s.words}
    ids_after = {id(s) for s in after} | {id(w) for s in after for w in s.words}
    assert not ids_before & ids_after
    assert _positions(after) == list(range(len(after)))


EDITS = [
    lambda s: tr.set_text(s, 2, "Music workshops in Bristol."),
    lambda s: tr.set_speaker(s, 2, "Sam"),
    lambda s: tr.set_speaker_for_question(s, 1, "Alex"),
    lambda s: tr.redact(s, 3),
    lambda s: tr.split(s, 2, 16),
    lambda s: tr.merge(s, 2),
    lambda s: tr.replace_all(s, "music", "sound")[0],
]


@pytest.mark.parametrize("edit", EDITS)
def test_edits_never_change_their_input(segments: list[Segment], edit) -> None:
    snapshot = copy.deepcopy(segments)
    result = edit(segments)
    assert segments == snapshot
    assert result is not segments
    _assert_fresh(segments, result)


def test_set_text_marks_edited_and_keeps_timings_for_same_word_count(
    segments: list[Segment],
) -> None:
    result = tr.set_text(segments, 2, "Music workshops in  bristol, with big switches!")
    seg = result[2]
    assert seg.text == "Music workshops in bristol, with big switches!"
    assert seg.edited
    # Same number of words: a spelling fix, the timings still belong to the words.
    assert [w.start for w in seg.words] == [w.start for w in segments[2].words]
    assert [w.text.strip() for w in seg.words] == seg.text.split()


def test_set_text_drops_words_that_no_longer_match(segments: list[Segment]) -> None:
    result = tr.set_text(segments, 2, "We ran workshops.")
    assert result[2].words == []
    assert (result[2].start, result[2].end) == (3.5, 8.0)


def test_set_text_unchanged_is_not_an_edit(segments: list[Segment]) -> None:
    result = tr.set_text(segments, 2, segments[2].text + "  ")
    assert not result[2].edited
    assert result[2].words == segments[2].words


def test_set_text_refuses_blank(segments: list[Segment]) -> None:
    with pytest.raises(InvalidInput) as err:
        tr.set_text(segments, 2, "   ")
    assert "redact" in err.value.hint


@pytest.mark.parametrize("index", [-1, 6, 99])
def test_bad_index_is_invalid_input(segments: list[Segment], index: int) -> None:
    with pytest.raises(InvalidInput, match="no segment"):
        tr.set_speaker(segments, index, "Sam")


def test_set_speaker(segments: list[Segment]) -> None:
    result = tr.set_speaker(segments, 2, "Sam")
    assert result[2].speaker == "Sam" and result[2].edited
    assert tr.set_speaker(segments, 2, "Priya")[2].edited is False


def test_set_speaker_for_question(segments: list[Segment]) -> None:
    result = tr.set_speaker_for_question(segments, 1, "Alex")
    assert [s.speaker for s in result if s.question_index == 1] == ["Alex", "Alex"]
    assert [s.speaker for s in result if s.question_index != 1] == [
        s.speaker for s in segments if s.question_index != 1
    ]
    unknown = tr.set_speaker(segments, 5, None)
    only = tr.set_speaker_for_question(unknown, 1, "Alex", only_unknown=True)
    assert [s.speaker for s in only[4:]] == ["Sam", "Alex"]


def test_redact_and_unredact(segments: list[Segment]) -> None:
    redacted = tr.redact(segments, 3)
    assert redacted[3].redacted
    assert redacted[3].text == segments[3].text  # kept, so it can be brought back
    assert not tr.redact(redacted, 3, redacted=False)[3].redacted


def test_split_uses_word_timings(segments: list[Segment]) -> None:
    seg = segments[2]
    at = seg.text.index("with")
    result = tr.split(segments, 2, at)
    assert len(result) == len(segments) + 1
    first, second = result[2], result[3]
    assert first.text == "Music workshops in Bristol"
    assert second.text == "with large switches."
    word_with = seg.words[4]
    assert first.end == seg.words[3].end
    assert second.start == word_with.start
    assert (first.start, second.end) == (seg.start, seg.end)
    assert [w.text for w in first.words + second.words] == [w.text for w in seg.words]
    for half in (first, second):
        assert half.edited
        assert half.speaker == seg.speaker
        assert half.question_index == seg.question_index
    assert first.id == seg.id and second.id is None


def test_split_inside_a_word_shares_its_time(segments: list[Segment]) -> None:
    seg = segments[2]
    at = seg.text.index("Bristol") + 3
    first, second = tr.split(segments, 2, at)[2:4]
    assert first.text.endswith("Bri") and second.text.startswith("stol")
    assert seg.words[3].start < first.end == second.start < seg.words[3].end


def test_split_without_words_is_proportional(segments: list[Segment]) -> None:
    seg = segments[3]  # "It was fun." 8.0-9.0, no words
    first, second = tr.split(segments, 3, 6)[3:5]
    assert (first.text, second.text) == ("It was", "fun.")
    expected = seg.start + (seg.end - seg.start) * 6 / len(seg.text)
    assert first.end == pytest.approx(expected) == second.start


def test_split_after_an_edit_still_finds_the_words(segments: list[Segment]) -> None:
    edited = tr.set_text(segments, 2, "Music workshops in Bristol, with huge switches.")
    at = edited[2].text.index("with")
    _first, second = tr.split(edited, 2, at)[2:4]
    assert second.start == segments[2].words[4].start
    assert second.words[0].text.strip() == "with"


@pytest.mark.parametrize("at", [0, 1, 100, -3])
def test_split_refuses_nothing_to_split(segments: list[Segment], at: int) -> None:
    with pytest.raises(InvalidInput):
        tr.split(segments, 3, at if at != 1 else 0)
    with pytest.raises(InvalidInput):
        tr.split(segments, 3, len(segments[3].text))


def test_merge(segments: list[Segment]) -> None:
    result = tr.merge(segments, 2)
    assert len(result) == len(segments) - 1
    merged = result[2]
    assert merged.text == "Music workshops in Bristol with large switches. It was fun."
    assert (merged.start, merged.end) == (3.5, 9.0)
    assert merged.words == segments[2].words + segments[3].words
    assert merged.edited and merged.id == segments[2].id
    assert result[3].text == segments[4].text


def test_merge_keeps_the_first_speaker(segments: list[Segment]) -> None:
    merged = tr.merge(segments, 1)[1]
    assert merged.speaker == "Sam"


def test_merge_across_questions_is_refused(segments: list[Segment]) -> None:
    with pytest.raises(InvalidInput, match="different questions"):
        tr.merge(segments, 3)
    with pytest.raises(InvalidInput, match="nothing after"):
        tr.merge(segments, 5)


def test_merge_redacted_with_unredacted_is_refused(segments: list[Segment]) -> None:
    with pytest.raises(InvalidInput, match="redacted"):
        tr.merge(tr.redact(segments, 3), 2)


def test_split_then_merge_restores_text_and_timing() -> None:
    rng = random.Random(7)
    vocabulary = [
        "we",
        "built",
        "a",
        "small",
        "synth",
        "from",
        "switches",
        "and",
        "the",
        "pupils",
        "loved",
        "it",
    ]
    for trial in range(200):
        n = rng.randint(2, 12)
        text = " ".join(rng.choice(vocabulary) for _ in range(n))
        seg = _seg(text, 1.0, 1.0 + n * 0.4, timed=trial % 2 == 0)
        spaces = [i for i, ch in enumerate(text) if ch == " "]
        at = rng.choice([*spaces, rng.randint(1, len(text) - 1)])
        if not text[:at].strip() or not text[at:].strip():
            continue
        halves = tr.split([seg], 0, at)
        assert halves[0].end <= halves[1].start
        merged = tr.merge(halves, 0)[0]
        if text[at - 1] != " " and text[at] != " ":
            # Cut inside a word: merging joins with a space, so only the words' order survives.
            assert merged.text.replace(" ", "") == text.replace(" ", "")
        else:
            assert merged.text == text
        assert (merged.start, merged.end) == (seg.start, seg.end)
        if seg.words and text[at] == " ":
            assert merged.words == seg.words


def test_find_is_case_insensitive_by_default(segments: list[Segment]) -> None:
    assert tr.find(segments, "music") == [(2, 0), (5, 4)]
    assert tr.find(segments, "music", case_sensitive=True) == [(5, 4)]
    assert tr.find(segments, "") == []
    assert tr.find(segments, "w") == [
        (i, m) for i, s in enumerate(segments) for m, ch in enumerate(s.text) if ch in "wW"
    ]


def test_find_offsets_survive_letters_that_grow_when_lowered() -> None:
    seg = _seg("İstanbul and Bristol", 0, 2)
    assert tr.find([seg], "bristol") == [(0, seg.text.index("Bristol"))]
    assert tr.find([seg], "istanbul") == [(0, 0)]


def test_replace_all(segments: list[Segment]) -> None:
    result, count = tr.replace_all(segments, "MUSIC", "sound")
    assert count == 2
    assert result[2].text.startswith("sound workshops") and result[2].edited
    assert result[5].text == "Two sound leaders and an engineer."
    assert not result[0].edited
    # One word for one word: the timings survive.
    assert [w.start for w in result[2].words] == [w.start for w in segments[2].words]


def test_replace_all_is_literal(segments: list[Segment]) -> None:
    result, count = tr.replace_all(segments, "in", r"\1 (.*)")
    assert count == 4  # working, in Bristol, involved, engineer
    assert r"\1 (.*)" in result[2].text
    assert tr.replace_all(segments, "", "x")[1] == 0


def test_replace_all_case_sensitive(segments: list[Segment]) -> None:
    assert tr.replace_all(segments, "MUSIC", "x", case_sensitive=True)[1] == 0


QUESTIONS = ["What have you been working on?", "Who else was involved?", "What next?"]


def test_group_by_question(segments: list[Segment]) -> None:
    groups = tr.group_by_question(segments, QUESTIONS)
    assert [g.index for g in groups] == [None, 0, 1, 2]
    assert groups[0].question is None and groups[0].segments == [segments[0]]
    assert groups[1].question == QUESTIONS[0]
    assert groups[1].segments == segments[1:4]
    assert groups[2].segments == segments[4:6]
    assert groups[3].segments == []
    without_empty = tr.group_by_question(segments, QUESTIONS, include_empty=False)
    assert [g.index for g in without_empty] == [None, 0, 1]


def test_group_by_question_without_introduction_or_beyond_script(
    segments: list[Segment],
) -> None:
    segs = [*segments[1:], _seg("Extra.", 20, 21, q=7)]
    groups = tr.group_by_question(segs, QUESTIONS[:2], include_empty=False)
    assert [g.index for g in groups] == [0, 1, 7]
    assert groups[-1].question is None


def test_group_keeps_a_stray_unassigned_segment_with_its_neighbour(
    segments: list[Segment],
) -> None:
    segs = copy.deepcopy(segments)
    segs[3].question_index = None
    groups = tr.group_by_question(segs, QUESTIONS)
    assert segs[3] in groups[1].segments
    assert groups[0].segments == [segs[0]]


@pytest.mark.parametrize(
    ("time_s", "expected"),
    [(-1.0, None), (0.0, 0), (0.99, 0), (1.0, 1), (3.2, None), (8.5, 3), (15.9, 5), (16.0, None)],
)
def test_segment_at(segments: list[Segment], time_s: float, expected: int | None) -> None:
    assert tr.segment_at(segments, time_s) == expected


def test_segment_at_empty() -> None:
    assert tr.segment_at([], 1.0) is None


def test_segment_at_agrees_with_a_linear_scan() -> None:
    rng = random.Random(3)
    t, segs = 0.0, []
    for _ in range(300):
        t += rng.uniform(0, 1)
        length = rng.uniform(0.1, 3)
        segs.append(_seg("x", t, t + length, timed=False))
        t += length
    for _ in range(1000):
        probe = rng.uniform(-1, t + 1)
        expected = next((i for i, s in enumerate(segs) if s.start <= probe < s.end), None)
        assert tr.segment_at(segs, probe) == expected


def test_paragraphs_join_runs_and_skip_redacted(segments: list[Segment]) -> None:
    segs = tr.redact(segments, 2)
    paras = tr.paragraphs(segs)
    assert [p.speaker for p in paras] == ["Sam", "Priya", "Sam", "Priya"]
    assert paras[0].text == "Hello there. What have you been working on?"
    assert "Bristol" not in " ".join(p.text for p in paras)


def test_speaker_name_resolves_roles() -> None:
    from datetime import datetime

    now = datetime(2024, 1, 1)
    interview = Interview(
        1, "t", None, "new", now, now, participants=[Participant("Sam", "interviewer", 1)]
    )
    assert tr.speaker_name(interview, "interviewer") == "Sam"
    assert tr.speaker_name(interview, "interviewee") == "interviewee"
    assert tr.speaker_name(interview, "Priya") == "Priya"
    assert tr.speaker_name(None, None) is None
