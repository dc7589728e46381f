from __future__ import annotations

import pytest

from app.wer import normalise, word_error_rate


def test_identical_texts_ignore_case_and_punctuation() -> None:
    assert (
        word_error_rate("Ask not, what your country can do!", "ask not what your country can do")
        == 0.0
    )


def test_normalise_drops_punctuation_and_apostrophes() -> None:
    assert normalise("The school's  teaching-assistants, too.") == [
        "the",
        "schools",
        "teachingassistants",
        "too",
    ]


@pytest.mark.parametrize(
    ("reference", "hypothesis", "expected"),
    [
        # one substitution in four words
        ("a colleague to interview", "a calling to interview", 1 / 4),
        # one deletion in four words
        ("we recorded our piece", "we recorded piece", 1 / 4),
        # two insertions in two words
        ("thank you", "thank you very much", 2 / 2),
        # numbers are not spelled out: "18" vs "eighteen" is a substitution
        ("eighteen students", "18 students", 1 / 2),
        # everything deleted
        ("one two three", "", 1.0),
        # a->x substituted, b deleted, e inserted
        ("a b c d", "x c d e", 3 / 4),
    ],
)
def test_hand_computed_cases(reference: str, hypothesis: str, expected: float) -> None:
    assert word_error_rate(reference, hypothesis) == pytest.approx(expected)


def test_empty_reference() -> None:
    assert word_error_rate("", "") == 0.0
    assert word_error_rate("", "hello there") == 2.0
