"""A list model over the transcript segments held in memory, with question heading rows.

The model never reads the database: the editor hands it a list of ``Segment`` (as returned by
the services and the pure edits of app/transcript.py) and it presents them as rows, a heading
row before each question's segments. When the editor hands over a new list after an edit, only
the rows that differ are announced (changed, inserted or removed), so the view keeps its
scroll position, current row and screen-reader focus across edits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import NamedTuple

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from app.clock import format_clock
from app.models import Interview, Recording, Segment
from app.transcript import group_by_question, segment_at, speaker_name

REDACTED_LABEL = "[redacted]"
PLAYING_LABEL = "▶ playing"
PAUSED_LABEL = "❚❚ paused here"
UNKNOWN_SPEAKER = "Unknown speaker"

_Index = QModelIndex | QPersistentModelIndex


class Role(IntEnum):
    KIND = Qt.ItemDataRole.UserRole + 1  # "heading" or "segment"
    TEXT = Qt.ItemDataRole.UserRole + 2  # the segment's own text, without labels
    SPEAKER = Qt.ItemDataRole.UserRole + 3  # display name of the speaker
    START = Qt.ItemDataRole.UserRole + 4  # seconds
    END = Qt.ItemDataRole.UserRole + 5  # seconds
    HEADING = Qt.ItemDataRole.UserRole + 6  # the question heading the row belongs to
    REDACTED = Qt.ItemDataRole.UserRole + 7
    PLAYING = Qt.ItemDataRole.UserRole + 8  # True playing, False paused here, None neither
    SEGMENT_INDEX = Qt.ItemDataRole.UserRole + 9  # index into the segment list, or None
    META = Qt.ItemDataRole.UserRole + 10  # "▶ playing · 0:03–0:15 · Priya Shah"
    LOOK = Qt.ItemDataRole.UserRole + 11  # a RowLook: all the delegate needs, in one call


class RowLook(NamedTuple):
    """What a row looks like; hashable, so the delegate can cache row heights by it."""

    heading: bool
    text: str  # the heading, or the segment's own text (painted struck through if redacted)
    meta: str = ""
    playing: bool | None = None
    redacted: bool = False


format_time = format_clock  # the one clock format, under the name the screens use


def heading_text(index: int | None, question: str | None, *, empty: bool = False) -> str:
    if index is None:
        text = "Before the first question"
    elif question is None:
        text = f"Question {index + 1} (not in the script)"
    else:
        text = f"Question {index + 1}: {question}"
    return f"{text} — nothing was said here" if empty else text


def take_heading(number: int, take: Recording | None) -> str:
    """The visible boundary where another take begins."""
    if take is None:
        return f"Take {number} begins here"
    length = format_time(take.duration_s)
    left_out = " — left out of exports" if not take.included else ""
    return f"Take {number} begins here ({take.source}, {length}){left_out}"


@dataclass(frozen=True)
class _Row:
    """One row: a heading (``segment`` None) or a segment, by index into the list."""

    heading: str
    segment: int | None = None


def _same_look(a: _Row, old: Sequence[Segment], b: _Row, new: Sequence[Segment]) -> bool:
    """Whether two rows show the same thing (then an index shift alone needs no repaint)."""
    if a.heading != b.heading or (a.segment is None) != (b.segment is None):
        return False
    if a.segment is None or b.segment is None:
        return True
    x, y = old[a.segment], new[b.segment]
    # Edits share untouched Segment objects, so identity settles almost every row.
    return x is y or (x.start, x.end, x.text, x.speaker, x.redacted) == (
        y.start,
        y.end,
        y.text,
        y.speaker,
        y.redacted,
    )


class TranscriptModel(QAbstractListModel):
    """Rows of headings and segments; edits arrive as ``text_edited`` for the editor to apply."""

    #: (segment index, new text) when the user finishes editing a row in place.
    text_edited = Signal(int, str)

    def __init__(self, parent: object | None = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self._segments: list[Segment] = []
        self._rows: list[_Row] = []
        self._row_of_segment: list[int] = []
        self._interview: Interview | None = None
        self._playing: int | None = None
        self._playing_active = False
        self._takes: list[Recording] = []
        #: Segment indices per take, in time order, for finding the line playing in a take.
        self._by_take: dict[int | None, list[int]] | None = None

    # -- feeding ------------------------------------------------------------------------

    def load(
        self,
        interview: Interview | None,
        segments: Sequence[Segment],
        *,
        takes: Sequence[Recording] = (),
    ) -> None:
        """Show a whole new transcript (a different interview, or a reload)."""
        self.beginResetModel()
        self._interview = interview
        self._takes = list(takes)
        self._segments = list(segments)
        self._rows = self._build_rows(self._segments)
        self._index_rows()
        self._playing = None
        self.endResetModel()

    def set_segments(self, segments: Sequence[Segment]) -> None:
        """Show an edited list: only the rows that differ are reported to the view."""
        old_rows, old_segments = self._rows, self._segments
        new_segments = list(segments)
        new_rows = self._build_rows(new_segments)
        limit = min(len(old_rows), len(new_rows))
        prefix = 0
        while prefix < limit and _same_look(
            old_rows[prefix], old_segments, new_rows[prefix], new_segments
        ):
            prefix += 1
        suffix = 0
        while suffix < limit - prefix and _same_look(
            old_rows[-1 - suffix], old_segments, new_rows[-1 - suffix], new_segments
        ):
            suffix += 1
        old_mid = len(old_rows) - prefix - suffix
        new_mid = len(new_rows) - prefix - suffix
        common = min(old_mid, new_mid)
        if self._playing is not None and self._playing >= len(new_segments):
            self._playing = None
        # Rows that exist on both sides change in place; the rest are removed or inserted at
        # the end of the changed stretch, so rows outside it keep their identity.
        if new_mid < old_mid:
            first = prefix + common
            self.beginRemoveRows(QModelIndex(), first, first + old_mid - new_mid - 1)
            self._set(new_segments, new_rows)
            self.endRemoveRows()
        elif new_mid > old_mid:
            first = prefix + common
            self.beginInsertRows(QModelIndex(), first, first + new_mid - old_mid - 1)
            self._set(new_segments, new_rows)
            self.endInsertRows()
        else:
            self._set(new_segments, new_rows)
        if common:
            self.dataChanged.emit(self.index(prefix), self.index(prefix + common - 1))

    def set_interview(self, interview: Interview) -> None:
        """Names or questions changed: repaint every row without moving anything."""
        self._interview = interview
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))

    def _set(self, segments: list[Segment], rows: list[_Row]) -> None:
        self._segments, self._rows = segments, rows
        self._index_rows()

    def _build_rows(self, segments: list[Segment]) -> list[_Row]:
        questions = self._interview.questions if self._interview else []
        position = {id(seg): i for i, seg in enumerate(segments)}
        number = {t.id: n for n, t in enumerate(self._takes, start=1)}
        take_of = {t.id: t for t in self._takes}
        rows: list[_Row] = []
        # With several takes the first one is named too, so "left out" shows for every take.
        several = len(self._takes) > 1 or any(not t.included for t in self._takes)
        previous: int | None = segments[0].recording_id if segments and not several else None
        for group in group_by_question(segments, questions):
            heading = heading_text(group.index, group.question, empty=not group.segments)
            rows.append(_Row(heading))
            for seg in group.segments:
                if seg.recording_id != previous and seg.recording_id is not None:
                    # A visible boundary where the conversation moves into another take.
                    n = number.get(seg.recording_id, len(number) + 1)
                    rows.append(_Row(take_heading(n, take_of.get(seg.recording_id))))
                previous = seg.recording_id
                rows.append(_Row(heading, position[id(seg)]))
        return rows

    def _index_rows(self) -> None:
        self._by_take = None
        self._row_of_segment = [0] * len(self._segments)
        for row, entry in enumerate(self._rows):
            if entry.segment is not None:
                self._row_of_segment[entry.segment] = row

    # -- playing marker -----------------------------------------------------------------

    def set_playing(self, segment: int | None, *, active: bool = True) -> None:
        """Mark ``segment`` as where playback is (``active`` False: paused there)."""
        if segment == self._playing and active == self._playing_active:
            return
        old, self._playing, self._playing_active = self._playing, segment, active
        for seg in {old, segment} - {None}:
            if seg is not None and seg < len(self._segments):
                index = self.index(self._row_of_segment[seg])
                self.dataChanged.emit(index, index)

    @property
    def playing_segment(self) -> int | None:
        return self._playing

    # -- lookups ------------------------------------------------------------------------

    @property
    def segments(self) -> list[Segment]:
        return self._segments

    @property
    def interview(self) -> Interview | None:
        return self._interview

    def segment_at(self, recording_id: int | None, seconds: float) -> int | None:
        """The line playing at ``seconds`` of the take ``recording_id``, or None."""
        if self._by_take is None:
            self._by_take = {}
            for i, seg in enumerate(self._segments):
                self._by_take.setdefault(seg.recording_id, []).append(i)
            for indices in self._by_take.values():
                indices.sort(key=lambda i: self._segments[i].start)
        indices = self._by_take.get(recording_id) or self._by_take.get(None) or []
        found = segment_at([self._segments[i] for i in indices], seconds)
        return indices[found] if found is not None else None

    def row_of_segment(self, segment: int) -> int:
        return self._row_of_segment[segment]

    def segment_of_row(self, row: int) -> int | None:
        return self._rows[row].segment if 0 <= row < len(self._rows) else None

    def first_segment_at_or_after(self, row: int) -> int | None:
        """The segment a heading row introduces (or the row's own segment)."""
        for entry in self._rows[max(row, 0) :]:
            if entry.segment is not None:
                return entry.segment
        return None

    def speaker_label(self, segment: Segment) -> str:
        return speaker_name(self._interview, segment.speaker) or UNKNOWN_SPEAKER

    def accessible_text(self, segment: int) -> str:
        seg = self._segments[segment]
        parts = [f"{self.speaker_label(seg)}, {format_time(seg.start)} to {format_time(seg.end)}"]
        if seg.redacted:
            parts.append("redacted")
        if self._playing == segment:
            parts.append("playing" if self._playing_active else "paused here")
        return f"{', '.join(parts)}: {seg.text}"

    def meta_text(self, segment: int) -> str:
        seg = self._segments[segment]
        bits = []
        if self._playing == segment:
            bits.append(PLAYING_LABEL if self._playing_active else PAUSED_LABEL)
        bits += [f"{format_time(seg.start)}–{format_time(seg.end)}", self.speaker_label(seg)]
        if seg.redacted:
            bits.append(REDACTED_LABEL)
        return "  ·  ".join(bits)

    # -- Qt model API -------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._rows[index.row()].segment is not None:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if row.segment is None:
            return self._heading_data(row, role)
        i = row.segment
        seg = self._segments[i]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{REDACTED_LABEL} {seg.text}" if seg.redacted else seg.text
        if role in (Qt.ItemDataRole.EditRole, Role.TEXT):
            return seg.text
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.accessible_text(i)
        if role == Role.LOOK:
            playing = self._playing_active if self._playing == i else None
            return RowLook(False, seg.text, self.meta_text(i), playing, seg.redacted)
        if role == Role.META:
            return self.meta_text(i)
        if role == Role.KIND:
            return "segment"
        if role == Role.SPEAKER:
            return self.speaker_label(seg)
        if role == Role.START:
            return seg.start
        if role == Role.END:
            return seg.end
        if role == Role.HEADING:
            return row.heading
        if role == Role.REDACTED:
            return seg.redacted
        if role == Role.PLAYING:
            return self._playing_active if self._playing == i else None
        if role == Role.SEGMENT_INDEX:
            return i
        return None

    def _heading_data(self, row: _Row, role: int) -> object:
        if role in (Qt.ItemDataRole.DisplayRole, Role.HEADING):
            return row.heading
        if role == Role.LOOK:
            return RowLook(True, row.heading)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"Heading: {row.heading}"
        if role == Role.KIND:
            return "heading"
        return None

    def setData(self, index: _Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        # The editor owns the segment list (undo, storage); the model only passes the wish on.
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        segment = self._rows[index.row()].segment
        if segment is None or str(value) == self._segments[segment].text:
            return False
        self.text_edited.emit(segment, str(value))
        return True
