"""The CI rule itself: with CI set a skip fails the run, without it a skip is a skip."""

from __future__ import annotations

import pytest

INNER = """
import pytest

@pytest.fixture
def program() -> None:
    pytest.skip("no such program")

def test_needs_data() -> None:
    pytest.skip("test data not found")

def test_needs_a_program(program: None) -> None:
    pass

@pytest.mark.xfail(reason="a known fault")
def test_known_fault() -> None:
    assert False

def test_runs() -> None:
    pass
"""


@pytest.mark.parametrize("ci", [True, False])
def test_a_skip_fails_in_ci_only(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: bool
) -> None:
    if ci:
        monkeypatch.setenv("CI", "true")
    else:
        monkeypatch.delenv("CI", raising=False)
    pytester.makepyfile(INNER)
    result = pytester.runpytest("-p", "tests.ci_skips")
    if ci:
        result.assert_outcomes(passed=1, failed=1, errors=1, xfailed=1)
        result.stdout.fnmatch_lines(["*skipped in CI, where every test must run*not found*"])
    else:
        result.assert_outcomes(passed=1, skipped=2, xfailed=1)
