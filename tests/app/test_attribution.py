"""Splitting by question markers and recognising the interviewer's reading of each question."""

from __future__ import annotations

from app.attribution import attribute, split_at_markers
from app.models import Segment, Word


def _seg(start: float, text: str, step: float = 0.4) -> Segment:
    words = [
        Word(start + i * step, start + (i + 1) * step - 0.05, " " + w, 0.9)
        for i, w in enumerate(text.split())
    ]
    return Segment(words[0].start, words[-1].end, text, words)


QUESTIONS = ["What have you been working on?", "Who else was involved?"]


def test_question_reading_and_answer_in_one_segment_are_split() -> None:
    raw = [
        _seg(0.5, "What have you been working on? I ran music workshops at a school."),
        _seg(8.0, "Who else was involved? Two music leaders and a sound engineer."),
    ]
    out = attribute(
        raw,
        markers=[(0.5, 0), (8.0, 1)],
        questions=QUESTIONS,
        interviewer="Sam",
        interviewee="Priya",
    )
    assert [(s.speaker, s.question_index, s.text) for s in out] == [
        ("Sam", 0, "What have you been working on?"),
        ("Priya", 0, "I ran music workshops at a school."),
        ("Sam", 1, "Who else was involved?"),
        ("Priya", 1, "Two music leaders and a sound engineer."),
    ]
    assert [s.position for s in out] == [0, 1, 2, 3]


def test_misheard_question_still_recognised() -> None:
    raw = [_seg(0.0, "What have you bean working on? Lots of things.")]
    out = attribute(
        raw, markers=[(0.0, 0)], questions=QUESTIONS, interviewer="Sam", interviewee="Priya"
    )
    assert out[0].speaker == "Sam" and out[0].text.startswith("What have you bean")
    assert out[1].text == "Lots of things."


def test_answer_that_does_not_echo_is_all_interviewee() -> None:
    raw = [_seg(0.0, "Honestly it has been a busy month for everyone here.")]
    out = attribute(
        raw, markers=[(0.0, 0)], questions=QUESTIONS, interviewer="Sam", interviewee="Priya"
    )
    assert [s.speaker for s in out] == ["Priya"]


def test_segment_straddling_a_marker_is_cut_at_the_nearest_word() -> None:
    seg = _seg(0.0, "the end of one answer and the start of another", step=1.0)
    parts = split_at_markers([seg], [5.6])
    assert [p.text for p in parts] == ["the end of one answer", "and the start of another"]
    assert parts[0].end <= parts[1].start


def test_first_word_stretched_back_into_silence_goes_with_its_question() -> None:
    # Whisper timed "Who" from 28.64 although it is spoken from 29.7, when the marker was set.
    answer = _seg(25.0, "arranging the parts themselves.", step=0.8)
    words = [
        Word(28.64, 29.98, " Who"),
        Word(29.98, 30.3, " else"),
        Word(30.3, 31.0, " was"),
        Word(31.0, 32.0, " involved?"),
        Word(32.2, 33.0, " Nobody."),
    ]
    question = Segment(28.64, 33.0, "Who else was involved? Nobody.", words)
    out = attribute(
        [answer, question],
        markers=[(0.0, 0), (29.72, 1)],
        questions=QUESTIONS,
        interviewer="A",
        interviewee="B",
    )
    assert [(s.question_index, s.speaker, s.text) for s in out] == [
        (0, "B", "arranging the parts themselves."),
        (1, "A", "Who else was involved?"),
        (1, "B", "Nobody."),
    ]


def test_no_markers_means_one_group_all_interviewee() -> None:
    raw = [_seg(0.0, "Hello there."), _seg(3.0, "More words.")]
    out = attribute(raw, markers=[], questions=[], interviewer="A", interviewee="B")
    assert {s.question_index for s in out} == {None} and {s.speaker for s in out} == {"B"}


def test_speech_before_the_first_marker_has_no_question() -> None:
    raw = [_seg(0.0, "Are we recording? Yes."), _seg(5.0, "Who else was involved? Nobody.")]
    out = attribute(
        raw, markers=[(5.0, 0)], questions=QUESTIONS[1:], interviewer="A", interviewee="B"
    )
    assert out[0].question_index is None
    assert [(s.question_index, s.speaker) for s in out[1:]] == [(0, "A"), (0, "B")]


def test_a_question_visited_again_keeps_its_script_index_and_reading() -> None:
    # "Next", "Next", then "Previous": the third marker points back at question 1.
    questions = [*QUESTIONS, "What is next?"]
    raw = [
        _seg(0.0, "What have you been working on? Music."),
        _seg(5.0, "Who else was involved? Two leaders."),
        _seg(10.0, "What is next? A concert."),
        _seg(15.0, "Who else was involved? Also a sound engineer."),
    ]
    out = attribute(
        raw,
        markers=[(0.0, 0), (5.0, 1), (10.0, 2), (15.0, 1)],
        questions=questions,
        interviewer="A",
        interviewee="B",
    )
    assert [(s.question_index, s.speaker, s.text) for s in out] == [
        (0, "A", "What have you been working on?"),
        (0, "B", "Music."),
        (1, "A", "Who else was involved?"),
        (1, "B", "Two leaders."),
        (2, "A", "What is next?"),
        (2, "B", "A concert."),
        (1, "A", "Who else was involved?"),
        (1, "B", "Also a sound engineer."),
    ]
