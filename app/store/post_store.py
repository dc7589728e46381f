"""Tables of the post editor and of approval: versioned posts, and who approved what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from app.post import Post, PostState
from app.store import rows
from app.store.errors import guarded


@dataclass
class Approval:
    participant_id: int
    sha256: str
    text: str
    approved_at: datetime


@guarded(lambda store: store.path)
class PostTables:
    """Mixed into ``Store``: it gives ``db``; these methods own the post and approval tables."""

    db: Database

    def post_state(self, interview_id: int) -> PostState:
        head = self.db.execute(
            "SELECT version FROM posts WHERE interview_id = ?", [interview_id]
        ).fetchone()
        if head is None or head[0] == 0:
            return PostState(Post(), 0, False, self._has_version(interview_id, 1))
        version = head[0]
        row = self.db.execute(
            "SELECT data FROM post_versions WHERE interview_id = ? AND version = ?",
            [interview_id, version],
        ).fetchone()
        post = Post.from_json(row[0]) if row else Post()
        return PostState(post, version, True, self._has_version(interview_id, version + 1))

    def _has_version(self, interview_id: int, version: int) -> bool:
        return (
            self.db.execute(
                "SELECT 1 FROM post_versions WHERE interview_id = ? AND version = ?",
                [interview_id, version],
            ).fetchone()
            is not None
        )

    def _set_head(self, interview_id: int, version: int) -> None:
        self.db["posts"].upsert(
            {
                "interview_id": interview_id,
                "version": version,
                "updated_at": rows.to_iso(rows.now()),
            },
            pk="interview_id",
        )

    def save_post(self, interview_id: int, post: Post) -> PostState:
        """Store ``post`` as the next version; versions after the current one (redo) go."""
        with self.db.atomic():
            current = self.post_state(interview_id)
            if current.version and current.post == post:
                return current
            self.db.execute(
                "DELETE FROM post_versions WHERE interview_id = ? AND version > ?",
                [interview_id, current.version],
            )
            self.db["post_versions"].insert(
                {
                    "interview_id": interview_id,
                    "version": current.version + 1,
                    "data": post.to_json(),
                    "created_at": rows.to_iso(rows.now()),
                }
            )
            self._set_head(interview_id, current.version + 1)
        return self.post_state(interview_id)

    def move_post_head(self, interview_id: int, step: int) -> PostState:
        """Undo (-1) or redo (+1); a step past either end changes nothing."""
        with self.db.atomic():
            current = self.post_state(interview_id)
            target = current.version + step
            if target < 0 or (target > 0 and not self._has_version(interview_id, target)):
                return current
            self._set_head(interview_id, target)
        return self.post_state(interview_id)

    def delete_post_data(self, interview_id: int) -> None:
        for table in ("post_versions", "posts", "approvals"):
            self.db[table].delete_where("interview_id = ?", [interview_id])

    # -- approval ---------------------------------------------------------------------------

    def add_approval(
        self, interview_id: int, participant_id: int, *, sha256: str, text: str
    ) -> None:
        self.db["approvals"].insert(
            {
                "interview_id": interview_id,
                "participant_id": participant_id,
                "sha256": sha256,
                "text": text,
                "approved_at": rows.to_iso(rows.now()),
            }
        )

    def latest_approvals(self, interview_id: int) -> dict[int, Approval]:
        """Each participant's most recent approval, by participant id."""
        found: dict[int, Approval] = {}
        for r in self.db["approvals"].rows_where("interview_id = ?", [interview_id], order_by="id"):
            found[r["participant_id"]] = Approval(
                r["participant_id"], r["sha256"], r["text"], rows.from_iso(r["approved_at"])
            )
        return found
