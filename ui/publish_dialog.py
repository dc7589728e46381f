"""Publish as draft: send the post to a WordPress site, where it waits as a draft.

Nothing is sent until the user presses "Publish as draft". The work runs off the UI thread
(``ui.tasks``); its result says which draft was made or updated, with a button to open it.
The application password is kept in the system keyring, never in the settings; a password
stored before is used when the field is left empty.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import BuddyError
from app.publish.draft import PublishResult
from app.publish.errors import DraftGone
from app.services import Services
from ui.announce import announce
from ui.dialogs import ask, grow_to_fit
from ui.errors import show_error
from ui.tasks import Task, run_task

PASSWORD_NOTE = (
    "Make an application password on the site (Users, Profile, Application Passwords). "
    "It is kept in the system keyring, never in the app's settings."
)
STORED_PLACEHOLDER = "Kept in the system keyring: leave empty to use it"


class PublishDialog(QDialog):
    """Site, user and application password, then one button that sends the draft."""

    #: The draft was made or updated on the site.
    published = Signal(object)  # PublishResult

    def __init__(
        self, services: Services, interview_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.interview_id = interview_id
        self.task: Task | None = None
        self.result: PublishResult | None = None
        self._lookup: Task | None = None
        title = services.interview(interview_id).title
        self.setWindowTitle("Publish as draft")
        self.setAccessibleName("Publish as draft")
        self._build(title)
        settings = services.ctx.settings
        self.site.setText(settings.wordpress_site)
        self.user.setText(settings.wordpress_user)
        self._check_stored()
        (self.password if self.site.text() and self.user.text() else self.site).setFocus()
        self.resize(640, 420)

    # -- construction -------------------------------------------------------------------

    def _build(self, title: str) -> None:
        heading = QLabel(f"Publish “{title}” as a WordPress draft")
        heading.setProperty("role", "heading")
        heading.setWordWrap(True)
        intro = QLabel(
            "The post goes to your blog as a draft: nobody sees it until you publish it on "
            "the site. Publishing again updates the same draft."
        )
        intro.setWordWrap(True)

        self.site = QLineEdit(self)
        self.site.setPlaceholderText("https://blog.example.org")
        self.site.setAccessibleName("Site address")
        self.site.setAccessibleDescription("The blog's home page address")
        self.user = QLineEdit(self)
        self.user.setAccessibleName("User name")
        self.user.setAccessibleDescription("Your user name on the WordPress site")
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Application password")
        self.password.setAccessibleDescription(PASSWORD_NOTE)
        self.note = QLabel(PASSWORD_NOTE)
        self.note.setWordWrap(True)
        self.note.setProperty("role", "muted")
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for text, field in (
            ("&Site address:", self.site),
            ("&User name:", self.user),
            ("Application pass&word:", self.password),
        ):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        form.addRow(self.note)

        self.forget_button = QPushButton("&Forget stored password", self)
        self.forget_button.setAccessibleName("Forget stored password")
        self.forget_button.setAccessibleDescription(
            "Removes this site's application password from the system keyring"
        )
        self.forget_button.clicked.connect(self.forget_password)
        self.forget_button.hide()

        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Publishing status")
        self.link = QLabel(self)
        self.link.setWordWrap(True)
        self.link.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.link.hide()
        self.open_button = QPushButton("&Open the draft in the browser", self)
        self.open_button.setAccessibleName("Open the draft in the browser")
        self.open_button.clicked.connect(self.open_draft)
        self.open_button.hide()

        buttons = QDialogButtonBox(self)
        self.publish_button = buttons.addButton(
            "Publish as &draft", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.publish_button.setAccessibleName("Publish as draft")
        self.publish_button.setAccessibleDescription(
            "Sends the post to the site as a draft; nothing is sent before"
        )
        self.publish_button.setDefault(True)
        self.close_button = buttons.addButton("Close", QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button.setAccessibleName("Close")
        # The accept role would close the dialog: publishing keeps it open for the result.
        buttons.accepted.connect(self.publish)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.forget_button)
        layout.addWidget(self.status)
        layout.addWidget(self.link)
        open_row = QHBoxLayout()
        open_row.addWidget(self.open_button)
        open_row.addStretch(1)
        layout.addLayout(open_row)
        layout.addStretch(1)
        layout.addWidget(buttons)

        self.site.editingFinished.connect(self._check_stored)
        self.user.editingFinished.connect(self._check_stored)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        grow_to_fit(self)  # large text must not open it too small

    # -- the stored password ------------------------------------------------------------

    def _check_stored(self) -> None:
        """Ask the keyring (off the UI thread: it may wait for the desktop) whether this
        site and user have a password already, and say so in the field."""
        site, user = self.site.text().strip(), self.user.text().strip()
        if not site or not user:
            self._show_stored(False)
            return
        self._lookup = run_task(
            "Look up the stored password",
            partial(self.services.wordpress_password_stored, site, user),
            on_success=lambda stored: self._show_stored(bool(stored)),
            on_failure=lambda _error: self._show_stored(False),  # publishing will explain
        )

    def _show_stored(self, stored: bool) -> None:
        self.password.setPlaceholderText(STORED_PLACEHOLDER if stored else "")
        self.forget_button.setVisible(stored)
        grow_to_fit(self)

    def forget_password(self) -> None:
        try:
            self.services.forget_wordpress_password(self.site.text(), self.user.text())
        except BuddyError as error:
            show_error(self, error)
            return
        self._show_stored(False)
        self._say("The stored password was removed from the system keyring.")
        self.password.setFocus()

    # -- publishing ---------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.task is not None and not self.task.is_done

    def publish(self, *, new_draft: bool = False) -> Task | None:
        """Send the draft (off the UI thread); the result arrives in ``_published``."""
        if self.busy:
            return None
        site, user = self.site.text().strip(), self.user.text().strip()
        missing = [(self.site, "the site address"), (self.user, "your user name")]
        for field, what in missing:
            if not (site if field is self.site else user):
                self._say(f"Type {what} first.")
                field.setFocus()
                return None
        self.publish_button.setEnabled(False)
        self.open_button.hide()
        self.link.hide()
        self._say(f"Sending the draft to {site}…")
        self.task = run_task(
            "Publish as draft",
            partial(
                self.services.publish_wordpress,
                self.interview_id,
                site=site,
                user=user,
                password=self.password.text().strip() or None,
                new_draft=new_draft,
            ),
            on_success=self._published,
            on_failure=self._failed,
            on_done=lambda: self.publish_button.setEnabled(True),
        )
        return self.task

    def _published(self, result: PublishResult) -> None:
        self.result = result
        if result.password_kept:
            self.password.clear()  # it is in the keyring now
        self._show_stored(result.password_kept)
        self.link.setText(f"Draft address: {result.edit_link}")
        self.link.setAccessibleName(self.link.text())
        self.link.show()
        self.open_button.show()
        self._say(f"{result.sentence()} It is a draft: publish it on the site when ready.")
        self.open_button.setFocus()
        self.published.emit(result)

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, DraftGone):
            self._say(error.message)
            ask(
                self,
                "Create a new draft?",
                error.message,
                informative="The old post on the site is left as it is.",
                yes_text="Create a new draft",
                on_yes=lambda: self.publish(new_draft=True),
                no_text="Don't send anything",
                on_no=lambda: self._say("Nothing was sent."),
            )
            return
        message = error.message if isinstance(error, BuddyError) else "Publishing failed."
        self._say(f"Not published: {message}")
        show_error(self, error)

    def open_draft(self) -> bool:
        if self.result is None:
            return False
        opened = QDesktopServices.openUrl(QUrl(self.result.edit_link))
        if not opened:
            self._say(f"No browser could open the draft. Its address: {self.result.edit_link}")
        return opened

    def _say(self, message: str) -> None:
        self.status.setText(message)
        announce(self.status, message)
        grow_to_fit(self)
