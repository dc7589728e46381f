"""What the export screen does for the post beyond saving it: approval, review copy,
publishing, and the fix for a misspelt name. Mixed into ``ExportScreen``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QWidget

from app.errors import BuddyError
from ui.approve_dialog import ApproveDialog
from ui.errors import show_error

if TYPE_CHECKING:
    from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QPushButton

    from app.names import NameFix
    from app.services import Services
    from ui.post_editor import PostEditor

REVIEW_FILTERS = {"review-html": "Web page (*.html)", "review-docx": "Word document (*.docx)"}


class PostActions:
    """Needs the export screen's services, editor, buttons, banner and ``_say``."""

    services: Services
    interview_id: int | None
    editor: PostEditor
    folder: QLineEdit
    save_button: QPushButton
    approve_button: QPushButton
    names_box: QFrame
    names_label: QLabel
    names_button: QPushButton
    name_fix: NameFix | None = None
    approval_dialog: ApproveDialog | None = None

    if TYPE_CHECKING:  # given by the screen and by QWidget; never defined here

        def refresh(self) -> None: ...
        def _say(self, message: str) -> None: ...
        def window(self) -> QWidget: ...

    def _offer_name_fix(self) -> None:
        assert self.interview_id is not None
        fixes = self.services.name_fixes(self.interview_id)
        self.name_fix = fixes[0] if fixes else None
        if self.name_fix is None:
            self.names_box.hide()
            return
        fix = self.name_fix
        times = "once" if fix.count == 1 else f"{fix.count} times"
        self.names_label.setText(
            f"“{fix.wrong}” ({times} in the transcript) may be “{fix.right}” misspelt."
        )
        self.names_label.setAccessibleDescription(self.names_label.text())
        self.names_button.setText(f"Replace with “{fix.right}” e&verywhere")
        self.names_button.setAccessibleName(f"Replace {fix.wrong} with {fix.right} everywhere")
        self.names_box.show()

    def fix_name(self) -> int:
        fix = getattr(self, "name_fix", None)
        if self.interview_id is None or fix is None:
            return 0
        try:
            count = self.services.replace_name(self.interview_id, fix.wrong, fix.right)
        except BuddyError as error:
            show_error(self, error)
            return 0
        self.editor.reload()
        self.refresh()
        self._say(f"Replaced “{fix.wrong}” with “{fix.right}” {count} times in the transcript.")
        return count

    def open_approval(self) -> ApproveDialog | None:
        if self.interview_id is None:
            return None
        self.editor.save_now()
        dialog = ApproveDialog(self.services, self.interview_id, self)
        dialog.approved.connect(lambda _name: self.refresh())
        dialog.finished.connect(lambda _r: self._approval_closed())
        dialog.open()
        self.approval_dialog = dialog
        return dialog

    def _approval_closed(self) -> None:
        self.refresh()
        # Back where the keyboard user was, in this window (a closed dialog leaves none).
        self.window().activateWindow()
        target = self.save_button if self.save_button.isEnabled() else self.approve_button
        target.setFocus()

    def choose_review_copy(self) -> None:
        if self.interview_id is None:
            return
        self.editor.save_now()
        start = Path(self.folder.text().strip() or Path.home()).expanduser()
        path, chosen = QFileDialog.getSaveFileName(
            self, "Save a review copy", str(start / "review.html"),
            ";;".join(REVIEW_FILTERS.values()),
        )  # fmt: skip
        if path:
            fmt = next((f for f, label in REVIEW_FILTERS.items() if label == chosen), "")
            self.save_review_copy(Path(path), fmt or _review_format(Path(path)))

    def save_review_copy(self, path: Path, fmt: str) -> Path | None:
        """Write the review copy; the file dialog already asked before replacing a file."""
        assert self.interview_id is not None
        suffix = ".docx" if fmt == "review-docx" else ".html"
        if path.suffix.lower() != suffix:
            path = path.with_suffix(suffix)
        try:
            written = self.services.review_copy(self.interview_id, fmt, out=path, force=True)
        except BuddyError as error:
            show_error(self, error)
            return None
        self._say(f"Saved the review copy {written.name} in {written.parent}.")
        return written

    def publish(self) -> QWidget | None:
        """The publishing dialog, where this build has it."""
        if self.interview_id is None:
            return None
        self.editor.save_now()
        try:
            from ui.publish_dialog import PublishDialog  # type: ignore[import-not-found]
        except ImportError:
            self._say(
                "Publishing to a blog is not available in this build. Save the post, or a "
                "review copy, instead."
            )
            return None
        dialog = PublishDialog(self.services, self.interview_id, self)
        dialog.published.connect(lambda result: self._say(result.sentence()))
        dialog.open()
        return dialog


def _review_format(path: Path) -> str:
    return "review-docx" if path.suffix.lower() == ".docx" else "review-html"
