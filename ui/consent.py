"""Consent: the wording in full, and what each participant agreed to, scope by scope."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.consent import consent_wording
from app.models import CONSENT_WORDING_VERSION, ROLES, Interview, Role
from app.services import Services
from ui import dialogs
from ui.errors import show_error
from ui.scrolling import VerticalScroll

#: What each scope means, in the words the checkbox shows. No Alt+letter: each box appears
#: once per participant, and a key shared by two boxes would tick neither (Tab reaches them).
SCOPE_LABELS = {
    "record": "I agree to be recorded (needed to record)",
    "publish-text": "I agree the text may be published",
    "publish-audio": "I agree the audio may be published",
}
ROLE_WORDS = {"interviewer": "asks the questions", "interviewee": "answers the questions"}


class ParticipantConsent(QGroupBox):
    def __init__(self, role: Role, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.role = role
        self.boxes: dict[str, QCheckBox] = {}
        layout = QVBoxLayout(self)
        for scope, label in SCOPE_LABELS.items():
            box = QCheckBox(label)
            self.boxes[scope] = box
            layout.addWidget(box)
        self.given = QLabel()
        self.given.setProperty("role", "muted")
        self.given.setWordWrap(True)
        layout.addWidget(self.given)
        self.set_name("")

    def set_name(self, name: str) -> None:
        who = name.strip() or (
            "the interviewer" if self.role == "interviewer" else "the interviewee"
        )
        self.setTitle(f"Consent from {who} ({ROLE_WORDS[self.role]})")
        for scope, box in self.boxes.items():
            plain = SCOPE_LABELS[scope].replace("&", "")
            box.setAccessibleName(f"{who}: {plain}")

    def scopes(self) -> list[str]:
        return [s for s, b in self.boxes.items() if b.isChecked()]

    def set_scopes(self, scopes: frozenset[str] | set[str] | list[str]) -> None:
        for s, b in self.boxes.items():
            b.setChecked(s in scopes)


class ConsentForm(QWidget):
    """The wording followed by one group of ticks per participant."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.wording = QTextBrowser()
        self.wording.setMarkdown(consent_wording())
        self.wording.setOpenLinks(False)
        self.wording.setAccessibleName("Consent wording")
        self.wording.setAccessibleDescription(
            f"Version {CONSENT_WORDING_VERSION}. Read it aloud together before ticking."
        )
        self.wording.setMinimumHeight(180)
        wording_label = QLabel("Consent &wording (read it together):")
        wording_label.setBuddy(self.wording)
        self.participants = {role: ParticipantConsent(role) for role in ROLES}
        self.row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        for group in self.participants.values():
            self.row.addWidget(group)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(wording_label)
        layout.addWidget(self.wording, 1)
        layout.addLayout(self.row)

    def _side_by_side_width(self) -> int:
        groups = self.participants.values()
        return sum(g.minimumSizeHint().width() for g in groups) + self.row.spacing()

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Side by side while both fit; one above the other with large text or a narrow
        # window, so no tick box is pushed out of sight.
        wide = event.size().width() >= self._side_by_side_width()
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self.row.direction() != direction:
            self.row.setDirection(direction)
        super().resizeEvent(event)

    def minimumSizeHint(self) -> QSize:
        # As narrow as one group: the groups stack rather than force the window wider.
        hint = super().minimumSizeHint()
        widest = max(g.minimumSizeHint().width() for g in self.participants.values())
        return QSize(min(hint.width(), max(widest, self.wording.minimumSizeHint().width())),
                     hint.height())  # fmt: skip

    def set_names(self, interviewer: str, interviewee: str) -> None:
        self.participants["interviewer"].set_name(interviewer)
        self.participants["interviewee"].set_name(interviewee)

    def scopes(self, role: Role) -> list[str]:
        return self.participants[role].scopes()

    def show_interview(self, interview: Interview) -> None:
        """Fill the ticks from what was stored, and say when it was given."""
        for p in interview.participants:
            group = self.participants[p.role]
            group.set_name(p.name)
            consent = interview.consent_for(p.id)
            group.set_scopes(consent.scopes if consent else set())
            # A stored answer with no ticks is not an agreement: say so, not "Last agreed".
            group.given.setText(
                f"Last agreed on {consent.given_at:%d %b %Y at %H:%M}."
                if consent and consent.scopes
                else "Nothing agreed yet."
            )

    def missing_record(self) -> list[str]:
        return [r for r, g in self.participants.items() if "record" not in g.scopes()]

    def save(self, services: Services, interview_id: int) -> Interview:
        """Store each participant's ticks (with the time, done by the store)."""
        interview = services.interview(interview_id)
        for role in ROLES:
            interview = services.give_consent(interview_id, role, self.scopes(role))
        return interview


class ConsentDialog(QDialog):
    """Change the consent of an existing interview (e.g. someone changed their mind).

    With ``earlier`` (by role: what each person agreed to in another interview) the ticks
    start from those choices, nothing is stored until each person ticks their own
    "I confirm" box, and ``note`` says why they are asked again.
    """

    def __init__(
        self,
        services: Services,
        interview_id: int,
        parent: QWidget | None = None,
        *,
        earlier: dict[str, list[str]] | None = None,
        note: str | None = None,
    ):
        super().__init__(parent)
        self.services = services
        self.interview_id = interview_id
        self.setWindowTitle("Consent")
        self.setAccessibleName("Consent")
        self.form = ConsentForm()
        interview = services.interview(interview_id)
        self.form.show_interview(interview)
        self.confirms: dict[str, QCheckBox] = {}
        if earlier is not None:
            for p in interview.participants:
                group = self.form.participants[p.role]
                group.set_scopes(set(earlier.get(p.role, [])))
                group.given.setText("Ticked from the first interview: please check.")
                confirm = QCheckBox(f"I, {p.name}, confirm these choices")
                confirm.setAccessibleName(f"{p.name} confirms these choices")
                confirm.toggled.connect(self._update_save)
                group.layout().addWidget(confirm)
                self.confirms[p.role] = confirm
        self.buttons = dialogs.save_cancel_buttons(self, "Save consent")
        layout = QVBoxLayout(self)
        if note:
            self.note = QLabel(note)
            self.note.setWordWrap(True)
            self.note.setAccessibleName(note)
            layout.addWidget(self.note)
        layout.addWidget(VerticalScroll(self.form), 1)  # large text: scrolls, never cut off
        layout.addWidget(self.buttons)
        self.resize(720, 560)
        self._update_save()

    @property
    def save_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    def _update_save(self) -> None:
        waiting = [role for role, box in self.confirms.items() if not box.isChecked()]
        self.save_button.setEnabled(not waiting)
        self.save_button.setAccessibleDescription("Each person confirms first" if waiting else "")

    def accept(self) -> None:
        if not self.save_button.isEnabled():
            return  # Enter pressed before both confirmed
        try:
            self.form.save(self.services, self.interview_id)
        except Exception as exc:
            show_error(self, exc)
            return
        super().accept()
