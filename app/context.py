"""The one wiring point of the core: paths -> store -> recovery. The CLI and the UI both use it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.paths import Paths
from app.settings import Settings
from app.store import Store


@dataclass
class AppContext:
    paths: Paths
    store: Store
    settings: Settings
    #: What start-up recovery repaired, for the UI or CLI to tell the user about.
    recovered: list = field(default_factory=list)
    #: Files an interrupted import or delete left, removed at start-up.
    cleaned: list[Path] = field(default_factory=list)
    #: Things the user should know that did not stop the app (a damaged settings file).
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, paths: Paths | None = None, *, recover: bool = True) -> AppContext:
        paths = (paths or Paths.from_env()).ensure()
        store = Store(paths.database)
        warnings: list[str] = []
        if store.read_only:
            warnings.append(
                f"{store.read_only_reason} You can look at your interviews, but nothing can "
                "be saved until that is fixed."
            )
        settings = Settings.load(paths.settings_file, warnings)
        ctx = cls(paths=paths, store=store, settings=settings, warnings=warnings)
        if recover and not store.read_only:  # a read-only disk can be read, not repaired
            from app.audio.importer import clean_interrupted_imports
            from app.audio.recovery import recover_interrupted

            ctx.recovered = recover_interrupted(store, paths)
            ctx.cleaned = clean_interrupted_imports(store, paths)
        return ctx

    def audio_path(self, relative: str) -> Path:
        return self.paths.data / relative

    def close(self) -> None:
        self.store.close()
