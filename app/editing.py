"""Correcting a transcript: one call per user action, one transaction each, undo/redo as data.

The desktop editor, the CLI and tests all edit through ``TranscriptEdits`` (reached as
``Services.edits``). Each call names the transcript revision it was made on; the call re-reads
the revision inside its transaction and refuses (``TranscriptChanged``) if the transcript was
re-made or edited elsewhere since, so a stale screen never writes into a transcript it did not
show. While the transcript is being made again, edits are refused (``TranscriptBusy``) so that a
correction typed then is never silently replaced by the job.

Each change is stored as a splice (positions ``start..start+len(before)`` become ``after``), so
one keystroke's edit writes only the lines it touched. The undo history is kept here, in memory,
per interview: it is the record of what this session did, it survives switching screens, and it
is cleared when the transcript is re-made. It is not stored: after a restart the database holds
the corrected transcript, and undoing yesterday's session from a restart would surprise more
than help.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from app import transcript as ops
from app.errors import InvalidInput, NoTranscript, TranscriptBusy, TranscriptChanged
from app.models import Segment
from app.store import Store

#: How many steps Undo can go back.
HISTORY_LIMIT = 500


@dataclass(frozen=True)
class Step:
    """One undoable change: positions ``start .. start+len(before)`` became ``after``."""

    label: str
    start: int
    before: tuple[Segment, ...]
    after: tuple[Segment, ...]
    focus: int | None


@dataclass
class Edited:
    """What a call did: the transcript now, and what Undo/Redo would do next."""

    revision: int
    segments: list[Segment]
    label: str
    changed: bool
    focus: int | None = None
    undo_label: str | None = None
    redo_label: str | None = None
    #: For replace-all: how many occurrences were replaced.
    count: int = 0


@dataclass
class _Session:
    transcript_id: int
    revision: int
    segments: list[Segment]
    undo: list[Step] = field(default_factory=list)
    redo: list[Step] = field(default_factory=list)


def _same(a: Segment, b: Segment) -> bool:
    return a is b or replace(a, position=0, id=None) == replace(b, position=0, id=None)


def diff(before: Sequence[Segment], after: Sequence[Segment]) -> tuple[int, int, int] | None:
    """(start, removed, inserted) of the smallest range that differs, or None if none does."""
    n, m = len(before), len(after)
    start = 0
    while start < min(n, m) and _same(before[start], after[start]):
        start += 1
    if start == n == m:
        return None
    tail = 0
    while tail < min(n, m) - start and _same(before[n - 1 - tail], after[m - 1 - tail]):
        tail += 1
    return start, n - start - tail, m - start - tail


def splice(
    segments: Sequence[Segment],
    start: int,
    count: int,
    op: Callable[[list[Segment]], list[Segment]],
) -> list[Segment]:
    """Apply a pure edit to ``segments[start:start + count]`` only and put the result back.

    The pure edits copy every segment they are given; on a two-hour transcript that is ~0.2 s
    per keystroke. Untouched segments are shared between the lists instead (nothing ever
    changes a stored Segment in place), and only positions after the edit are renumbered.
    """
    if not 0 <= start < len(segments):
        raise InvalidInput("Choose a line of the transcript first.", "Move to it, then try again.")
    result = [
        *segments[:start],
        *op(list(segments[start : start + count])),
        *segments[start + count :],
    ]
    return _renumbered(result, start)


def _renumbered(segments: list[Segment], start: int) -> list[Segment]:
    for i in range(start, len(segments)):
        if segments[i].position != i:
            segments[i] = replace(segments[i], position=i)
    return segments


def _check_same_take(segments: Sequence[Segment], index: int) -> None:
    if (
        index + 1 < len(segments)
        and segments[index].recording_id != segments[index + 1].recording_id
    ):
        raise InvalidInput(
            "These two lines come from different takes, so they cannot be merged.",
            "Edit each line on its own.",
        )


class TranscriptEdits:
    """Every edit of a transcript, each a single transaction, with undo/redo."""

    def __init__(self, store: Store, notify: Callable[[str, int | None], None]) -> None:
        self._store = store
        self._notify = notify
        self._lock = threading.RLock()
        self._sessions: dict[int, _Session] = {}
        self._busy: set[int] = set()

    # -- re-transcription guard ---------------------------------------------------------

    @contextmanager
    def remaking(self, interview_id: int) -> Iterator[None]:
        """While the transcript is being made again, edits are refused, never lost."""
        with self._lock:
            self._busy.add(interview_id)
        try:
            yield
        finally:
            with self._lock:
                self._busy.discard(interview_id)
                self._sessions.pop(interview_id, None)

    def is_remaking(self, interview_id: int) -> bool:
        with self._lock:
            return interview_id in self._busy

    # -- reading --------------------------------------------------------------------------

    def history(self, interview_id: int) -> tuple[str | None, str | None]:
        """Labels of what Undo and Redo would do now (None: nothing)."""
        with self._lock:
            session = self._sessions.get(interview_id)
            if session is None:
                return None, None
            return (
                session.undo[-1].label if session.undo else None,
                session.redo[-1].label if session.redo else None,
            )

    def _session(self, interview_id: int, revision: int) -> _Session:
        """The session for an edit named on ``revision``; call inside the transaction."""
        if interview_id in self._busy:
            raise TranscriptBusy(
                "The transcript is being made again, so this change was not saved."
            )
        current = self._store.revision(interview_id)
        transcript_id = self._store.transcript_id(interview_id)
        if current is None or transcript_id is None:
            raise NoTranscript(f"Interview {interview_id} has not been transcribed yet.")
        if current != revision:
            raise TranscriptChanged(
                "The transcript changed after your screen showed it, so this change was not saved."
            )
        session = self._sessions.get(interview_id)
        if session is None or session.transcript_id != transcript_id or session.revision != current:
            # Another process edited it, or it was re-made: our history no longer applies.
            transcript = self._store.transcript(interview_id)
            assert transcript is not None
            session = _Session(transcript_id, current, transcript.segments)
            self._sessions[interview_id] = session
        return session

    def current(self, interview_id: int) -> Edited:
        """The transcript as stored, with its revision and the undo/redo labels."""
        with self._lock:
            transcript = self._store.transcript(interview_id)
            if transcript is None:
                raise NoTranscript(f"Interview {interview_id} has not been transcribed yet.")
            session = self._sessions.get(interview_id)
            if session is not None and session.revision != transcript.revision:
                self._sessions.pop(interview_id)  # changed elsewhere: its history is void
            undo, redo = self.history(interview_id)
            return Edited(transcript.revision, transcript.segments, "", False, None, undo, redo)

    # -- the one write path -------------------------------------------------------------

    def _store_step(
        self, session: _Session, interview_id: int, step: Step, *, undoing: bool
    ) -> None:
        removed, inserted = (step.after, step.before) if undoing else (step.before, step.after)
        new = [replace(s, position=step.start + i) for i, s in enumerate(inserted)]
        self._store.splice_segments(session.transcript_id, step.start, len(removed), new)
        session.revision = self._store.bump_revision(session.transcript_id)
        self._store.set_status(interview_id, "edited")
        rest = session.segments[step.start + len(removed) :]
        session.segments = _renumbered([*session.segments[: step.start], *new, *rest], step.start)

    def _apply(
        self,
        interview_id: int,
        revision: int,
        label: str,
        change: Callable[[list[Segment]], list[Segment]],
        focus: Callable[[int], int | None] | int | None = None,
        count: int = 0,
    ) -> Edited:
        with self._lock:
            with self._store.write_transaction():
                session = self._session(interview_id, revision)
                before = session.segments
                after = change(before)
                found = diff(before, after)
                if found is None:
                    undo, redo = self.history(interview_id)
                    return Edited(session.revision, list(before), label, False, None, undo, redo)
                start, removed, inserted = found
                where = focus(start) if callable(focus) else focus
                step = Step(
                    label,
                    start,
                    tuple(before[start : start + removed]),
                    tuple(after[start : start + inserted]),
                    where if where is not None else start,
                )
                saved = (list(session.segments), session.revision)
                try:
                    self._store_step(session, interview_id, step, undoing=False)
                except BaseException:
                    session.segments, session.revision = saved
                    raise
            session.undo.append(step)
            del session.undo[:-HISTORY_LIMIT]
            session.redo.clear()
            result = self._result(session, interview_id, label, step.focus, count)
        self._notify("transcript", interview_id)
        return result

    def _result(
        self, session: _Session, interview_id: int, label: str, focus: int | None, count: int = 0
    ) -> Edited:
        undo, redo = self.history(interview_id)
        return Edited(
            session.revision, list(session.segments), label, True, focus, undo, redo, count
        )

    def _replay(self, interview_id: int, revision: int, *, undoing: bool) -> Edited:
        with self._lock:
            with self._store.write_transaction():
                session = self._session(interview_id, revision)
                source = session.undo if undoing else session.redo
                if not source:
                    undo, redo = self.history(interview_id)
                    return Edited(
                        session.revision, list(session.segments), "", False, None, undo, redo
                    )
                step = source[-1]
                saved = (list(session.segments), session.revision)
                try:
                    self._store_step(session, interview_id, step, undoing=undoing)
                except BaseException:
                    session.segments, session.revision = saved
                    raise
            source.pop()
            (session.redo if undoing else session.undo).append(step)
            label = f"{'Undone' if undoing else 'Redone'}: {step.label}"
            result = self._result(session, interview_id, label, step.focus)
        self._notify("transcript", interview_id)
        return result

    # -- the user's actions ---------------------------------------------------------------

    def undo(self, interview_id: int, revision: int) -> Edited:
        return self._replay(interview_id, revision, undoing=True)

    def redo(self, interview_id: int, revision: int) -> Edited:
        return self._replay(interview_id, revision, undoing=False)

    def edit_text(self, interview_id: int, revision: int, index: int, text: str) -> Edited:
        return self._apply(
            interview_id,
            revision,
            "Edit text",
            lambda s: splice(s, index, 1, lambda p: ops.set_text(p, 0, text)),
            index,
        )

    def split(
        self, interview_id: int, revision: int, index: int, at_char: int, *, text: str | None = None
    ) -> Edited:
        """Split a line at a character of its text; ``text`` typed but not yet saved belongs
        to the same step, and ``at_char`` counts in that (tidied) text."""

        def change(part: list[Segment]) -> list[Segment]:
            if text is not None and ops.tidy(text) != part[0].text:
                part = ops.set_text(part, 0, text)
            return ops.split(part, 0, at_char)

        return self._apply(
            interview_id, revision, "Split line", lambda s: splice(s, index, 1, change), index + 1
        )

    def merge(self, interview_id: int, revision: int, index: int) -> Edited:
        def change(s: list[Segment]) -> list[Segment]:
            _check_same_take(s, index)
            return splice(s, index, 2, lambda p: ops.merge(p, 0))

        return self._apply(interview_id, revision, "Merge with next", change, index)

    def set_speaker(
        self, interview_id: int, revision: int, index: int, speaker: str | None
    ) -> Edited:
        return self._apply(
            interview_id,
            revision,
            "Set speaker",
            lambda s: splice(s, index, 1, lambda p: ops.set_speaker(p, 0, speaker)),
            index,
        )

    def set_speaker_for_question(
        self,
        interview_id: int,
        revision: int,
        question_index: int | None,
        speaker: str | None,
        *,
        only_unknown: bool = False,
    ) -> Edited:
        return self._apply(
            interview_id,
            revision,
            "Set speaker for the question",
            lambda s: ops.set_speaker_for_question(
                s, question_index, speaker, only_unknown=only_unknown
            ),
        )

    def redact(
        self, interview_id: int, revision: int, index: int, *, redacted: bool = True
    ) -> Edited:
        return self._apply(
            interview_id,
            revision,
            "Redact" if redacted else "Unredact",
            lambda s: splice(s, index, 1, lambda p: ops.redact(p, 0, redacted=redacted)),
            index,
        )

    def replace_name(self, interview_id: int, revision: int, wrong: str, right: str) -> Edited:
        """A misspelt name replaced as a whole word everywhere (the post editor's offer)."""
        from app.names import replace_word  # the name rules live with the names

        count = 0

        def change(s: list[Segment]) -> list[Segment]:
            nonlocal count
            result, count = replace_word(s, wrong, right)
            return result

        with self._lock:
            edited = self._apply(interview_id, revision, f"Replace {wrong}", change)
        edited.count = count
        return edited

    def replace_all(
        self,
        interview_id: int,
        revision: int,
        query: str,
        replacement: str,
        *,
        case_sensitive: bool = False,
    ) -> Edited:
        count = 0

        def change(s: list[Segment]) -> list[Segment]:
            nonlocal count
            result, count = ops.replace_all(s, query, replacement, case_sensitive=case_sensitive)
            return result

        with self._lock:
            edited = self._apply(interview_id, revision, "Replace all", change)
        edited.count = count
        return edited
