"""Fixtures for the transcript editor and export screen tests: a real stored interview.

The scripted buddy interview (../shared/testdata) is created through the services, its WAV
imported with the question markers, and a transcript stored with one segment per turn, just
as the transcription job would leave it. Import the fixtures into a test module with
``from tests.ui.editor_fixtures import stored_interview_fixture  # noqa: F401``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from app.audio.importer import MarkerFile
from app.context import AppContext
from app.models import Segment, Transcript
from app.paths import Paths
from app.services import Services
from tests.truth_data import truth_segments


def create_interview(
    services: Services,
    truth: dict[str, Any],
    wav: Path,
    *,
    consent: bool = True,
    segments: list[Segment] | None = None,
) -> int:
    """Store the truth interview (or ``segments``) and return its id."""
    interview = services.new_interview(
        truth["title"],
        interviewer=truth["interviewer"]["name"],
        interviewee=truth["interviewee"]["name"],
    )
    recording = services.import_audio(
        interview.id,
        wav,
        markers=MarkerFile(list(truth["markers"]), list(truth["questions"])),
    )
    services.store.save_transcript(
        Transcript(
            interview_id=interview.id,
            recording_id=recording.id,
            engine="truth",
            model="none",
            language="en",
            created_at=datetime.now(timezone.utc),
            segments=[
                replace(s, recording_id=recording.id)
                for s in (segments if segments is not None else truth_segments(truth))
            ],
        )
    )
    if consent:
        for role in ("interviewer", "interviewee"):
            services.give_consent(interview.id, role, ["record", "publish-text"])
    return interview.id


def fresh_services() -> Services:
    """Services on a new connection, to check what really reached the database."""
    return Services(AppContext.open(Paths.from_env(), recover=False))


# Registered under names other than their Python names, so that test parameters with the
# fixture's name do not shadow the import (ruff F811).
@pytest.fixture(name="stored_interview")
def stored_interview_fixture(services: Services, truth: dict[str, Any], testdata: Path) -> int:
    return create_interview(services, truth, testdata / "buddy-interview.wav")


def approve_all(services: Services, interview_id: int) -> None:
    """Both participants approve the post as it reads now."""
    from app.approval import text_hash

    for role in ("interviewer", "interviewee"):
        digest = text_hash(services.approval_text(interview_id))
        services.approve(interview_id, role, text_hash=digest)


@pytest.fixture(name="approved_interview")
def approved_interview_fixture(services: Services, truth: dict[str, Any], testdata: Path) -> int:
    interview_id = create_interview(services, truth, testdata / "buddy-interview.wav")
    approve_all(services, interview_id)
    return interview_id


@pytest.fixture(name="unconsented_interview")
def unconsented_interview_fixture(services: Services, truth: dict[str, Any], testdata: Path) -> int:
    return create_interview(services, truth, testdata / "buddy-interview.wav", consent=False)


@pytest.fixture(name="reread")
def reread_fixture(home: Path) -> Iterator[Services]:
    """A second, independent Services over the same data folder."""
    other = fresh_services()
    yield other
    other.ctx.close()
