"""Fixtures shared by every test: a private data folder, the core context and the test data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.context import AppContext
from app.paths import HOME_ENV, Paths
from app.services import Services
from tests.app.wordpress_site import WordPressSite, missing_programs, remove_site, start_site

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
TESTDATA = SHARED / "testdata"
MODELS = SHARED / "models"

pytest_plugins = ["tests.ci_skips", "pytester"]


@pytest.fixture
def testdata() -> Path:
    if not TESTDATA.is_dir():
        pytest.skip(f"shared test data not found at {TESTDATA}")
    return TESTDATA


@pytest.fixture
def truth(testdata: Path) -> dict[str, Any]:
    return json.loads((testdata / "buddy-interview.truth.json").read_text())


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private BUDDY_INTERVIEWS_HOME so no test touches the user's data."""
    folder = tmp_path / "home"
    monkeypatch.setenv(HOME_ENV, str(folder))
    return folder


@pytest.fixture
def ctx(home: Path) -> Iterator[AppContext]:
    context = AppContext.open(Paths.from_env())
    yield context
    context.close()


@pytest.fixture
def services(ctx: AppContext) -> Services:
    return Services(ctx)


@pytest.fixture(scope="session")
def wordpress() -> Iterator[WordPressSite]:
    """A real WordPress site on localhost for the whole session (Debian's packages)."""
    missing = missing_programs()
    if missing:
        pytest.skip(
            f"a real WordPress needs the Debian packages wordpress mariadb-server php-cli "
            f"php-mysql (missing here: {', '.join(missing)})"
        )
    site = start_site()
    yield site
    remove_site(site)


@pytest.fixture
def keyring_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A real keyring for headless machines (no keyring daemon): keyrings.alt's file backend,
    named explicitly (so the app accepts it) and kept in this test's temp folder. Child
    processes inherit the choice through the environment."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    folder = tmp_path / "keyring"
    folder.mkdir()
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    previous = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    yield folder
    keyring.set_keyring(previous)
