"""The installed version, shown by --version and the About box."""

from __future__ import annotations

from importlib import metadata

FALLBACK = "0.1.0"


def version() -> str:
    try:
        return metadata.version("buddy-interviews")
    except metadata.PackageNotFoundError:  # a PyInstaller bundle without dist-info
        return FALLBACK
