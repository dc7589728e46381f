"""Persistence: SQLite through sqlite-utils. Only this package knows table names."""

from app.store.store import Store

__all__ = ["Store"]
