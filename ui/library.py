"""The Library: every interview, its buddies, date and state, with search and actions."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.clock import format_clock
from app.models import Interview, Recording
from app.services import Services
from ui import dialogs, tasks
from ui.errors import show_error
from ui.import_dialog import ImportDialog

#: The state column in words: the state must never be told by colour alone.
STATE_TEXT = {
    "new": "New: not recorded yet",
    "recorded": "Recorded: ready to transcribe",
    "recovered": "Recovered after a crash: ready to transcribe",
    "transcribed": "Transcribed: ready to check",
    "edited": "Edited",
    "exported": "Exported",
}

COLUMNS = ("Title", "Buddies", "Date", "State")

AnyIndex = QModelIndex | QPersistentModelIndex


def buddies_text(interview: Interview) -> str:
    who = interview.interviewer.name if interview.interviewer else "?"
    whom = interview.interviewee.name if interview.interviewee else "?"
    return f"{who} interviews {whom}"


def state_text(interview: Interview) -> str:
    text = STATE_TEXT.get(interview.status, interview.status.capitalize())
    if interview.missing_consent("record"):
        text += " (consent needed)"
    return text


class InterviewTableModel(QAbstractTableModel):
    """A read-only view of a list of Interview objects handed to it by the screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Interview] = []

    def set_interviews(self, interviews: list[Interview]) -> None:
        self.beginResetModel()
        self._rows = list(interviews)
        self.endResetModel()

    def interview_at(self, row: int) -> Interview | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, interview_id: int) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == interview_id), -1)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> str | None:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> str | None:
        interview = self.interview_at(index.row())
        if interview is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            column = index.column()
            if column == 0:
                return interview.title
            if column == 1:
                return buddies_text(interview)
            if column == 2:
                return interview.created_at.strftime("%d %b %Y, %H:%M")
            return state_text(interview)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{interview.title}: {buddies_text(interview)}. {state_text(interview)}"
        return None


class LibraryScreen(QWidget):
    open_requested = Signal(int)
    new_requested = Signal()
    status_message = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.import_task: tasks.Task | None = None
        self.setObjectName("library")
        self.setAccessibleName("Library")

        heading = QLabel("Your interviews")
        heading.setProperty("role", "heading")

        self.search = QLineEdit()
        self.search.setPlaceholderText("Title or name")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search interviews")
        self.search.setAccessibleDescription("Shows the interviews whose title or names match")
        search_label = QLabel("&Search:")
        search_label.setBuddy(self.search)
        # Searching hits the database: wait until the typing pauses.
        self._search_timer = QTimer(self, singleShot=True, interval=200)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())

        self.model = InterviewTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Interviews")
        self.table.setAccessibleDescription(
            "One row per interview: title, buddies, date and state. Press Enter to open."
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside it
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.activated.connect(lambda _i: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        QShortcut(
            QKeySequence.StandardKey.Delete,
            self.table,
            self.delete_selected,
            context=Qt.ShortcutContext.WidgetShortcut,
        )

        self.empty_label = QLabel(
            "No interviews yet. Choose 'New interview' to start one, "
            "or create one and import a recording."
        )
        self.empty_label.setWordWrap(True)

        self.new_button = self._button("&New interview", "Start a new interview with a buddy")
        self.open_button = self._button("&Open", "Open the selected interview")
        self.import_button = self._button(
            "&Import audio…", "Add an existing recording to the selected interview"
        )
        self.delete_button = self._button(
            "&Delete…", "Delete the selected interview and its recordings"
        )
        self.new_button.clicked.connect(self.new_requested)
        self.open_button.clicked.connect(self.open_selected)
        self.import_button.clicked.connect(self.import_selected)
        self.delete_button.clicked.connect(self.delete_selected)

        top = QHBoxLayout()
        top.addWidget(search_label)
        top.addWidget(self.search, 1)
        buttons = QHBoxLayout()
        for b in (self.new_button, self.open_button, self.import_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(top)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.refresh()

    def _button(self, text: str, description: str) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.setAccessibleDescription(description)
        button.setToolTip(description)
        return button

    # -- data -----------------------------------------------------------------------------

    def refresh(self, *, select: int | None = None) -> None:
        keep = select if select is not None else self.selected_id()
        try:
            interviews = self.services.interviews(search=self.search.text().strip() or None)
        except Exception as exc:
            show_error(self, exc)
            return
        self.model.set_interviews(interviews)
        searching = bool(self.search.text().strip())
        self.empty_label.setVisible(not interviews)
        if not interviews and searching:
            self.empty_label.setText("No interview matches your search.")
        elif not interviews:
            self.empty_label.setText(
                "No interviews yet. Choose 'New interview' to start one, "
                "or create one and import a recording."
            )
        row = self.model.row_of(keep) if keep is not None else -1
        if row < 0 and interviews:
            row = 0
        if row >= 0:
            self.table.selectRow(row)
        self._update_buttons()

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        interview = self.model.interview_at(rows[0].row())
        return interview.id if interview else None

    def select(self, interview_id: int) -> None:
        row = self.model.row_of(interview_id)
        if row >= 0:
            self.table.selectRow(row)

    def _update_buttons(self) -> None:
        has = self.selected_id() is not None
        for b in (self.open_button, self.import_button, self.delete_button):
            b.setEnabled(has)

    # -- actions --------------------------------------------------------------------------

    def open_selected(self) -> None:
        interview_id = self.selected_id()
        if interview_id is not None:
            self.open_requested.emit(interview_id)

    def delete_selected(self) -> None:
        interview_id = self.selected_id()
        if interview_id is None:
            return
        interview = self.model.interview_at(self.model.row_of(interview_id))
        assert interview is not None
        dialogs.ask(
            self,
            "Delete interview",
            f"Delete '{interview.title}' ({buddies_text(interview)})?",
            informative="Its recordings and transcript are deleted too. This cannot be undone.",
            yes_text="Delete",
            no_text="Keep it",
            destructive=True,
            on_yes=lambda: self._delete(interview_id, interview.title),
        )

    def _delete(self, interview_id: int, title: str) -> None:
        try:
            self.services.delete_interview(interview_id)
        except Exception as exc:
            show_error(self, exc)
            return
        self.status_message.emit(f"Deleted '{title}'.")
        self.refresh()

    def import_selected(self) -> ImportDialog | None:
        interview_id = self.selected_id()
        if interview_id is None:
            self.status_message.emit("Choose an interview first, or create a new one.")
            return None
        interview = self.model.interview_at(self.model.row_of(interview_id))
        assert interview is not None
        missing = self.services.interview(interview_id).missing_consent("record")
        if missing:  # importing a recording needs the same consent as making one
            names = " and ".join(p.name for p in missing)
            verb = "has" if len(missing) == 1 else "have"
            self.status_message.emit(
                f"{names} {verb} not agreed to be recorded: record their consent first "
                "(open the interview, then Consent…)."
            )
            return None
        dialog = ImportDialog(interview.title, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.chosen.connect(
            lambda audio, markers: self.import_audio(interview_id, audio, markers)
        )
        dialog.open()
        return dialog

    def import_audio(self, interview_id: int, audio: Path, markers: Path | None) -> tasks.Task:
        """Copy the file in on a worker thread: decoding a long MP3 takes seconds."""
        self.import_button.setEnabled(False)
        self.status_message.emit(f"Importing {audio.name}…")

        def done(recording: Recording) -> None:
            self.status_message.emit(
                f"Imported {audio.name} ({format_clock(recording.duration_s)}). "
                "It is ready to transcribe."
            )
            self.refresh(select=interview_id)

        def failed(error: BaseException) -> None:
            self.status_message.emit("The import did not work.")
            show_error(self, error)

        self.import_task = tasks.run_task(
            "import audio",
            lambda: self.services.import_audio(interview_id, audio, markers=markers),
            on_success=done,
            on_failure=failed,
            on_done=self._update_buttons,
        )
        return self.import_task
