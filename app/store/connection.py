"""Opening the database safely: integrity and version checks before anything is written."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path

from sqlite_utils import Database

from app.errors import DatabaseDamaged, DatabaseTooNew
from app.store.schema import MIGRATION_SET, migrations

BUSY_TIMEOUT_MS = 5000


def _check_existing(path: Path) -> None:
    """Refuse a damaged or newer database without writing a byte to it."""
    try:
        # mode=ro: a damaged file must never be "repaired" or extended by us.
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DatabaseDamaged(
            f"The interview database {path} cannot be opened.", details=str(exc)
        ) from exc
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()
        if not result or result[0] != "ok":
            raise DatabaseDamaged(f"The interview database {path} is damaged ({result[0]}).")
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?",
            (migrations.migrations_table,),
        ).fetchone()
        if has_table:
            applied = {
                row[0]
                for row in conn.execute(
                    f"SELECT name FROM {migrations.migrations_table} WHERE migration_set=?",
                    (MIGRATION_SET,),
                )
            }
            known = {m.name for m in migrations._migrations}
            unknown = sorted(applied - known)
            if unknown:
                raise DatabaseTooNew(
                    f"The interview database {path} was written by a newer version of "
                    f"Buddy Interviews (it has {', '.join(unknown)})."
                )
        elif conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise DatabaseDamaged(f"{path} is an SQLite file, but not a Buddy Interviews database.")
    except sqlite3.DatabaseError as exc:
        raise DatabaseDamaged(
            f"The interview database {path} is damaged.", details=str(exc)
        ) from exc
    finally:
        conn.close()


class ConnectionPool:
    """One sqlite-utils ``Database`` per thread: SQLite connections must not cross threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._all: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._lock = threading.Lock()

    def open(self) -> None:
        """Check (or create) the file and bring its schema up to date."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists() and self.path.stat().st_size > 0:
            _check_existing(self.path)
        db = self.get()
        try:
            db.enable_wal()
            migrations.apply(db)
        except sqlite3.DatabaseError as exc:
            raise DatabaseDamaged(
                f"The interview database {self.path} is damaged ({exc})."
            ) from exc

    def get(self) -> Database:
        db = getattr(self._local, "db", None)
        if db is None:
            # Closing happens from whichever thread shuts the store down; use stays per thread.
            conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            )
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")
            db = Database(conn)
            self._local.db = db
            with self._lock:
                self._drop_finished_threads()
                self._all.append((threading.current_thread(), conn))
        return db

    def _drop_finished_threads(self) -> None:
        """Recorder and task threads come and go; their connections must not pile up."""
        alive = []
        for thread, conn in self._all:
            if thread.is_alive():
                alive.append((thread, conn))
            else:
                with contextlib.suppress(sqlite3.Error):
                    conn.close()
        self._all = alive

    def close(self) -> None:
        with self._lock:
            for _thread, conn in self._all:
                with contextlib.suppress(sqlite3.Error):
                    conn.close()
            self._all.clear()
        self._local = threading.local()
