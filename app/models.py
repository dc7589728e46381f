"""Plain data shared by every layer: no I/O, no Qt, no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Role = Literal["interviewer", "interviewee"]
ROLES: tuple[Role, ...] = ("interviewer", "interviewee")

#: What a participant can agree to. Publishing text is what the Markdown/caption export needs.
SCOPES: tuple[str, ...] = ("record", "publish-text", "publish-audio")

#: Bumped whenever the consent wording in resources/consent.md changes meaningfully, so that
#: a stored consent always says which words the person agreed to.
CONSENT_WORDING_VERSION = "2"

InterviewStatus = Literal["new", "recorded", "recovered", "transcribed", "edited", "exported"]
RecordingStatus = Literal["recording", "complete", "recovered", "imported", "stopped-early"]
#: "call-lost": from here on the call channel of a call take is silence (its device vanished).
MarkerKind = Literal["question", "pause", "overflow", "call-lost"]


@dataclass
class Question:
    text: str
    prompts: list[str] = field(default_factory=list)
    minutes: float | None = None


@dataclass
class Script:
    id: str
    title: str
    guide: str
    questions: list[Question]
    description: str = ""
    #: Suggested tags for the posts made with this script.
    tags: list[str] = field(default_factory=list)

    @property
    def suggested_minutes(self) -> float:
        return sum(q.minutes or 0 for q in self.questions)


@dataclass
class Participant:
    name: str
    role: Role
    id: int | None = None


@dataclass
class Consent:
    participant_id: int
    scopes: frozenset[str]
    given_at: datetime
    wording_version: str = CONSENT_WORDING_VERSION


@dataclass
class Interview:
    id: int
    title: str
    script_id: str | None
    status: str
    created_at: datetime
    updated_at: datetime
    participants: list[Participant] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)
    notes: str = ""
    #: The script's question texts frozen at creation, so later script edits never move headings.
    questions: list[str] = field(default_factory=list)
    #: Held over a video call: takes record this laptop's microphone and the call's sound.
    on_call: bool = False
    #: Who sits at this laptop (their voice is the microphone); the other is on the call.
    here_role: Role = "interviewer"

    @property
    def call_role(self) -> Role:
        """The role of the person heard through the call."""
        return "interviewee" if self.here_role == "interviewer" else "interviewer"

    def participant(self, role: Role) -> Participant | None:
        return next((p for p in self.participants if p.role == role), None)

    @property
    def interviewer(self) -> Participant | None:
        return self.participant("interviewer")

    @property
    def interviewee(self) -> Participant | None:
        return self.participant("interviewee")

    def consent_for(self, participant_id: int | None) -> Consent | None:
        """The participant's current consent: the latest record made (consents are kept in
        the order they were recorded), whatever its clock says; a clock set back must never
        let an earlier consent outrank a withdrawal."""
        found = [c for c in self.consents if c.participant_id == participant_id]
        return found[-1] if found else None

    def missing_consent(self, scope: str) -> list[Participant]:
        """Participants who have not (or no longer) agreed to ``scope``."""
        missing = []
        for p in self.participants:
            consent = self.consent_for(p.id)
            if consent is None or scope not in consent.scopes:
                missing.append(p)
        return missing


@dataclass
class Marker:
    """A point (or span) on a recording's own timeline, in seconds of audio in the file."""

    kind: MarkerKind
    time_s: float
    question_index: int | None = None
    duration_s: float | None = None
    id: int | None = None


@dataclass
class Recording:
    id: int
    interview_id: int
    path: str  # relative to the data folder
    status: str
    source: Literal["recorded", "imported"]
    sample_rate: int
    channels: int
    duration_s: float
    created_at: datetime
    original_name: str = ""
    device: str = ""
    message: str = ""
    markers: list[Marker] = field(default_factory=list)
    #: False when the user left this take out: kept on disk, not transcribed or exported.
    included: bool = True
    #: Whose voice each channel carries (a call: microphone, then the call), by role; empty
    #: when the channels are one room's microphone and only the voices can tell people apart.
    channel_roles: list[Role] = field(default_factory=list)

    @property
    def question_markers(self) -> list[Marker]:
        return sorted((m for m in self.markers if m.kind == "question"), key=lambda m: m.time_s)


@dataclass
class VoiceSample:
    """A few seconds of one participant alone, kept to tell the voices apart."""

    interview_id: int
    participant_id: int
    path: str  # relative to the data folder
    duration_s: float
    created_at: datetime
    id: int | None = None


@dataclass
class Word:
    start: float
    end: float
    text: str
    probability: float = 1.0


@dataclass
class Segment:
    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)
    speaker: str | None = None
    question_index: int | None = None
    edited: bool = False
    redacted: bool = False
    id: int | None = None
    position: int = 0
    #: The take this was heard in; ``start``/``end`` (and word times) are on its own timeline.
    recording_id: int | None = None


@dataclass
class Transcript:
    interview_id: int
    #: The first take transcribed (segments name their own take in ``Segment.recording_id``).
    recording_id: int | None
    engine: str
    model: str
    language: str | None
    created_at: datetime
    segments: list[Segment] = field(default_factory=list)
    id: int | None = None
    #: Bumped by every change; an edit names the revision it was made on (see app/editing.py).
    revision: int = 1
    #: The takes it was made from, in order (a take added afterwards is not among them).
    take_ids: list[int] = field(default_factory=list)
