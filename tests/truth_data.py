"""The scripted buddy interview (../shared/testdata) as the app holds it after transcription."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from app.models import Consent, Interview, Participant, Segment

TESTDATA = Path(__file__).resolve().parents[1].parent / "shared" / "testdata"
TRUTH = TESTDATA / "buddy-interview.truth.json"
NOW = datetime(2024, 5, 1, 9, 30, tzinfo=timezone.utc)


def load_truth() -> dict[str, Any]:
    if not TRUTH.exists():
        pytest.skip(f"test data not found: {TRUTH} (expected beside the project folder)")
    return json.loads(TRUTH.read_text(encoding="utf-8"))


def question_index(markers: list[float], start: float) -> int | None:
    started = [i for i, t in enumerate(markers) if t <= start + 0.01]
    return started[-1] if started else None


def truth_segments(truth: dict[str, Any]) -> list[Segment]:
    """One segment per scripted turn, with its speaker and question."""
    return [
        Segment(
            start=turn["start"],
            end=turn["end"],
            text=turn["text"],
            speaker=turn["speaker"],
            question_index=question_index(truth["markers"], turn["start"]),
            position=position,
        )
        for position, turn in enumerate(truth["turns"])
    ]


def interview_from_truth(
    *, interview_id: int = 7, consent: bool = True
) -> tuple[Interview, list[Segment], dict[str, Any]]:
    truth = load_truth()
    interview = Interview(
        id=interview_id,
        title=truth["title"],
        script_id=None,
        status="edited",
        created_at=NOW,
        updated_at=NOW,
        participants=[
            Participant(truth["interviewer"]["name"], "interviewer", 1),
            Participant(truth["interviewee"]["name"], "interviewee", 2),
        ],
        questions=list(truth["questions"]),
    )
    if consent:
        interview.consents = [
            Consent(p.id, frozenset({"record", "publish-text"}), NOW)  # type: ignore[arg-type]
            for p in interview.participants
        ]
    return interview, truth_segments(truth), truth
