"""Shared fixtures: the bundled documents, their seed texts, and the mutation-test tally."""

from __future__ import annotations

import functools
import os
import shutil
import tempfile

import pytest

from derive.documents import BUNDLED, load
from tests.find_seeds import find_seeds

SEEDS = find_seeds()
# CI sets this: there, missing seed texts fail the quote checks instead of skipping them.
REQUIRE_SEEDS = os.environ.get("DERIVE_REQUIRE_SEEDS") == "1"
TALLY = pytest.StashKey[dict]()


@functools.cache
def _document(name: str):
    return load(name)


def _seed_text(seed: str) -> str | None:
    path = os.path.join(SEEDS, seed) if SEEDS else None
    if path is None or not os.path.exists(path):
        if REQUIRE_SEEDS:
            pytest.fail(f"seed {seed} not found (DERIVE_SEEDS, ../shared/seeds): required in CI")
        return None
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def pytest_configure(config):
    # Module- and session-scoped fixtures run before any test's own cache directory is set
    # (below): theirs is one for the whole run, outside the working tree.
    os.environ["DERIVE_CACHE_DIR"] = tempfile.mkdtemp(prefix="derive-test-cache-")


def pytest_unconfigure(config):
    shutil.rmtree(os.environ.get("DERIVE_CACHE_DIR", ""), ignore_errors=True)


@pytest.fixture(autouse=True)
def _own_verdict_cache(tmp_path_factory, monkeypatch):
    """Each test decides its claims afresh: a CLI run (in process or as a subprocess) keeps
    its cache in a directory of its own, never in the working tree, and replays nothing that
    another test decided. Tests of the cache name their directories themselves."""
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(tmp_path_factory.mktemp("derive-cache")))


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
