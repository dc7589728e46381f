"""Where things live: data, config, cache and bundled resources.

``BUDDY_INTERVIEWS_HOME`` puts everything under one folder (tests, portable installs). The
environment is read when a ``Paths`` is made, never at import time.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "buddy-interviews"
HOME_ENV = "BUDDY_INTERVIEWS_HOME"


@dataclass(frozen=True)
class Paths:
    data: Path
    config: Path
    cache: Path

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Paths:
        env = os.environ if environ is None else environ
        home = env.get(HOME_ENV)
        if home:
            root = Path(home).expanduser().resolve()
            return cls(data=root / "data", config=root / "config", cache=root / "cache")
        return cls(
            data=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            config=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            cache=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
        )

    @property
    def database(self) -> Path:
        return self.data / "interviews.db"

    @property
    def audio(self) -> Path:
        """Audio lives beside the database, never inside it."""
        return self.data / "audio"

    @property
    def scripts(self) -> Path:
        """The user's own and imported interview scripts."""
        return self.data / "scripts"

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.json"

    @property
    def log_file(self) -> Path:
        return self.cache / "buddy-interviews.log"

    def ensure(self) -> Paths:
        for folder in (self.data, self.config, self.cache, self.audio, self.scripts):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def resources_dir() -> Path:
    """The ``resources/`` folder, from a source checkout, an install or a PyInstaller bundle."""
    bundle_root = getattr(sys, "_MEIPASS", None)
    candidates = []
    if bundle_root:
        candidates.append(Path(bundle_root) / "resources")
    here = Path(__file__).resolve().parent
    candidates += [here.parent / "resources", here / "resources"]
    for candidate in candidates:
        if (candidate / "scripts").is_dir():
            return candidate
    return candidates[0]


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
