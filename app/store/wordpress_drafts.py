"""Which WordPress draft belongs to which interview, per site: publishing again updates it.

Kept apart from ``Store`` (same package, same rule: only the store knows table names) so
the publishing code stays in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.store import rows
from app.store.store import Store

TABLE = "wordpress_drafts"


@dataclass(frozen=True)
class WordPressDraft:
    interview_id: int
    site: str
    post_id: int
    link: str
    created_at: datetime
    updated_at: datetime


def _draft(row: dict) -> WordPressDraft:
    return WordPressDraft(
        interview_id=row["interview_id"],
        site=row["site"],
        post_id=row["post_id"],
        link=row["link"] or "",
        created_at=rows.from_iso(row["created_at"]),
        updated_at=rows.from_iso(row["updated_at"]),
    )


def find(store: Store, interview_id: int, site: str) -> WordPressDraft | None:
    for row in store.db[TABLE].rows_where(
        "interview_id = ? AND site = ?", [interview_id, site], limit=1
    ):
        return _draft(row)
    return None


def drafts(store: Store, interview_id: int) -> list[WordPressDraft]:
    return [
        _draft(r)
        for r in store.db[TABLE].rows_where("interview_id = ?", [interview_id], order_by="id")
    ]


def save(store: Store, interview_id: int, site: str, post_id: int, link: str) -> WordPressDraft:
    """Remember the draft for this interview and site (replacing an older one's id)."""
    stamp = rows.to_iso(rows.now())
    with store.transaction():
        store.db.execute(
            f"""
            INSERT INTO {TABLE} (interview_id, site, post_id, link, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (interview_id, site) DO UPDATE SET
                post_id = excluded.post_id,
                link = excluded.link,
                created_at = CASE WHEN post_id = excluded.post_id THEN created_at
                                  ELSE excluded.created_at END,
                updated_at = excluded.updated_at
            """,
            [interview_id, site, post_id, link, stamp, stamp],
        )
    found = find(store, interview_id, site)
    assert found is not None
    return found
