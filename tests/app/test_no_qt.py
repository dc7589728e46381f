"""app/ is the Qt-free core: importing all of it must not load PySide6."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_app_never_imports_qt() -> None:
    code = (
        "import importlib, pkgutil, sys, app\n"
        "for m in pkgutil.walk_packages(app.__path__, 'app.'):\n"
        "    if not m.name.endswith('__main__'):\n"
        "        importlib.import_module(m.name)\n"
        "loaded = sorted(n for n in sys.modules if n.startswith(('PySide6', 'shiboken6')))\n"
        "print(len([n for n in sys.modules if n.startswith('app.')]))\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) >= 20  # really walked the package
