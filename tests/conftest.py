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

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
TESTDATA = SHARED / "testdata"
MODELS = SHARED / "models"


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
