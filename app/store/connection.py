"""Opening the database safely: integrity and version checks before anything is written."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from pathlib import Path

from sqlite_utils import Database

from app.errors import BuddyError, DatabaseDamaged, DatabaseReadOnly, DatabaseTooNew
from app.store.errors import storage_problem, translate
from app.store.schema import MIGRATION_SET, known_migrations, migrations

BUSY_TIMEOUT_MS = 5000


def _check_existing(path: Path, uri: str) -> None:
    """Refuse a damaged or newer database without writing a byte to it."""
    try:
        # mode=ro: a damaged file must never be "repaired" or extended by us.
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise translate(exc, path) from exc
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()
        if not result or result[0] != "ok":
            raise DatabaseDamaged(f"The interview database {path} is damaged.", details=result[0])
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
            unknown = sorted(applied - set(known_migrations()))
            if unknown:
                raise DatabaseTooNew(
                    f"The interview database {path} was written by a newer version of "
                    f"Buddy Interviews (it has {', '.join(unknown)})."
                )
        elif conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise DatabaseDamaged(f"{path} is an SQLite file, but not a Buddy Interviews database.")
    except sqlite3.Error as exc:
        # Only SQLite's "corrupt" and "not a database" codes mean damage; a full or read-only
        # disk, or a lock, is said as such (the file itself is healthy).
        raise translate(exc, path) from exc
    finally:
        conn.close()


def _read_only_uri(path: Path) -> str:
    """How to open a database nobody can write: plain read-only, or immutable as a last resort.

    SQLite needs to create a small shared-memory file beside a WAL database even to read it;
    on a read-only or full disk it cannot. Immutable mode needs no such file but ignores the
    write-ahead log, so it is used only when that log is absent or empty (a clean shutdown).
    """
    plain = f"{path.as_uri()}?mode=ro"
    try:
        conn = sqlite3.connect(plain, uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return plain
        finally:
            conn.close()
    except sqlite3.Error:
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise
        return f"{plain}&immutable=1"


class ConnectionPool:
    """One sqlite-utils ``Database`` per thread: SQLite connections must not cross threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._all: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._lock = threading.Lock()
        self._ro_uri = f"{path.as_uri()}?mode=ro"
        self._uri = path.as_uri()
        #: Why the database can only be read (a read-only or full disk), or None.
        self.read_only: BuddyError | None = None

    def open(self) -> None:
        """Check (or create) the file and bring its schema up to date.

        On a read-only or full disk a healthy, up-to-date database still opens, read-only:
        ``read_only`` then says why nothing can be saved, and every write is refused with it.
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            problem = storage_problem(self.path.parent.parent)
            raise problem or DatabaseReadOnly(
                f"The data folder {self.path.parent} cannot be created ({exc.strerror})."
            ) from exc
        exists = self.path.exists() and self.path.stat().st_size > 0
        self.read_only = storage_problem(self.path.parent)
        if self.read_only is None and exists and not os.access(self.path, os.W_OK):
            # The folder may be writable while the file itself is not (locked by the system,
            # or marked immutable): say so rather than fail on the first change.
            self.read_only = DatabaseReadOnly(f"The interview database {self.path} is read-only.")
        if self.read_only is not None:
            if not exists:
                raise self.read_only
            try:
                self._uri = _read_only_uri(self.path)
            except sqlite3.Error as exc:
                raise translate(exc, self.path) from exc
        if exists:
            _check_existing(self.path, self._uri if self.read_only else self._ro_uri)
        db = self.get()
        try:
            if self.read_only is not None:
                if migrations.pending(db):
                    problem = self.read_only
                    raise type(problem)(
                        f"{problem.message} The interview database {self.path} needs updating "
                        "for this version, which needs a writable disk.",
                        problem.hint,
                    )
                return
            db.enable_wal()
            if migrations.pending(db):
                migrations.apply(db)
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from exc

    def require_writable(self) -> None:
        """Raise the reason nothing can be saved now, before any work starts."""
        if self.read_only is not None:
            raise self.read_only
        problem = storage_problem(self.path.parent)
        if problem is not None:
            raise problem

    def get(self) -> Database:
        db = getattr(self._local, "db", None)
        if db is None:
            # Closing happens from whichever thread shuts the store down; use stays per thread.
            conn = sqlite3.connect(
                self._uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
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
