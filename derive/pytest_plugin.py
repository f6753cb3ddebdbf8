"""`pytest --derive DOC…`: every claim and engine-derived gradient of a document as a test.

pytest loads this plugin in every run once derive is installed, so it imports nothing heavy
(derive and SymPy are imported inside the hooks) and does nothing without `--derive`.

Each document (a bundled name or a path to a document's .py file) is a collector, and each
claim one item named by its id, in document order, so every pytest-xdist worker collects the
same items. An item decides its claim with `derive.verify.verify` and passes when the verdict
is the one the document expects; a mismatch fails with the report's detail block (statement,
counterexample, expected vs got). An UNDECIDED verdict that was expected is skipped with its
reason rather than passed, as in the JUnit report, so `-rs` lists what remains open; it
fails nothing. With `--derive` and no test paths, only the documents are collected (not the
project's `testpaths`); name test paths as well to run both.
"""

from __future__ import annotations

import pytest

from derive import _stop_correcting

_stop_correcting()  # a project's own SymPy tests see SymPy as it is; --derive loads the fixes


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("derive", "derive: verify gradient derivations")
    group.addoption(
        "--derive",
        dest="derive_documents",
        action="extend",
        nargs="+",
        default=[],
        metavar="DOC",
        help="Verify these documents (bundled names or paths to .py files), a test per claim.",
    )
    group.addoption(
        "--derive-timeout",
        dest="derive_timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="Seconds per claim (default: the CLI's, 30).",
    )


def _timeout(config: pytest.Config) -> float:
    from derive.verify import DEFAULT_TIMEOUT

    return config.getoption("derive_timeout") or DEFAULT_TIMEOUT


def _only_documents(config: pytest.Config) -> bool:
    """Whether `--derive` was given without test paths (pytest then fell back to testpaths
    or the current directory), so that nothing but the documents is collected."""
    given = config.getoption("derive_documents")
    return bool(given) and config.args_source is not pytest.Config.ArgsSource.ARGS


def pytest_ignore_collect(collection_path, config: pytest.Config):
    return True if _only_documents(config) else None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items) -> None:
    # tryfirst: the documents' items are in place before -k, -m and xdist see the list.
    for spec in config.getoption("derive_documents"):
        collector = DeriveDocument.from_parent(session, name=spec, nodeid=spec)
        items.extend(session.genitems(collector))


class DeriveDocument(pytest.Collector):
    """One document, named as on the command line; its items are its claims and gradients."""

    def collect(self):
        from derive.documents import LOAD_SECONDS, LoadError, load

        try:
            document = load(self.name, seconds=max(_timeout(self.config), LOAD_SECONDS))
        except LoadError as problem:
            raise self.CollectError(str(problem)) from None
        for item in (*document.claims, *document.gradients):
            yield DeriveClaim.from_parent(
                self, name=item.id, document=document, claim_location=item.location
            )

    def repr_failure(self, excinfo):
        if excinfo.errisinstance(self.CollectError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class Mismatch(Exception):
    """A verdict other than the one the document expects."""

    def __init__(self, verdict):
        super().__init__(verdict.claim)
        self.verdict = verdict


class DeriveClaim(pytest.Item):
    """One claim or derived gradient, decided when the item runs."""

    def __init__(self, *, document, claim_location: str = "", **kwargs):
        super().__init__(**kwargs)
        self.document = document
        self.claim_location = claim_location

    def runtest(self) -> None:
        from derive.model import UNDECIDED
        from derive.verify import verify

        (verdict,) = verify(self.document, [self.name], timeout=_timeout(self.config), jobs=1)
        self.user_properties.append(("verdict", verdict.status.value))
        if not verdict.matches:
            raise Mismatch(verdict)
        if verdict.status is UNDECIDED:
            pytest.skip(f"UNDECIDED as expected: {verdict.scope}")

    def repr_failure(self, excinfo):
        if excinfo.errisinstance(Mismatch):
            from derive.report import render_details

            return "\n".join(render_details(excinfo.value.verdict))
        return super().repr_failure(excinfo)

    def reportinfo(self):
        from derive.documents import source_file

        line = self.claim_location.rpartition(":")[2]
        number = int(line) - 1 if line.isdigit() else None
        # Not the node id's tail, which pytest would print with its dots turned into "::".
        return source_file(self.document), number, f"{self.document.name}: {self.name}"
