"""Shared fixtures: the bundled documents, their seed texts, and the mutation-test tally."""

from __future__ import annotations

import functools
import os

import pytest

from derive.documents import BUNDLED, load

SEEDS = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "seeds")
TALLY = pytest.StashKey[dict]()


@functools.cache
def _document(name: str):
    return load(name)


def _seed_text(seed: str) -> str | None:
    path = os.path.join(SEEDS, seed)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as handle:
        return handle.read()


@pytest.fixture(scope="session")
def load_document():
    """A function from a bundled document's name to the (cached) document."""
    return _document


@pytest.fixture(scope="session")
def seed_text():
    """A function from a seed file name to its text, or None when shared/ is absent."""
    return _seed_text


@pytest.fixture(params=BUNDLED)
def bundled(request):
    return _document(request.param)


@pytest.fixture
def mutation_tally(request):
    return request.config.stash.setdefault(TALLY, {})


def pytest_terminal_summary(terminalreporter, config):
    for name, tally in sorted(config.stash.get(TALLY, {}).items()):
        counts = ", ".join(f"{k} {v}" for k, v in sorted(tally.items()))
        terminalreporter.write_line(f"mutation test {name}: {counts}")
