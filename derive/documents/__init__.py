"""The bundled documents, and loading any document by name or from a file path.

A document module declares `DOCUMENT`. Loading one never stops the others: `load` either
returns the document or raises `LoadError` with a one-line reason naming it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import threading
import traceback

from derive.declare import ROOT as _ROOT
from derive.documents._floats import exact_literals, kept_exact, written_int, written_literal
from derive.documents._functions import kept_functions
from derive.documents._math import kept_math
from derive.documents._shapes import kept_shapes
from derive.engine.deadline import Deadline, OutOfTime
from derive.model import Document
from derive.notation import corrections

BUNDLED = ("selective_ssm", "ggnn_readout", "nn_library", "soft_logic", "gatv2")
LOAD_SECONDS = 10.0  # the least time a document gets to finish importing


class LoadError(Exception):
    """A document could not be loaded; the message is one line and names the document."""


class UnknownDocument(LoadError):
    """A name that is neither a bundled document nor an existing file."""


def source_file(document: Document) -> str:
    """The absolute path of the file `document` was declared in (its `path` is relative to
    the directory holding the `derive` package when the file lies under it)."""
    return os.path.join(_ROOT, document.path)


def is_path(spec: str) -> bool:
    return spec.endswith(".py") or os.sep in spec


def load(spec: str, seconds: float | None = None) -> Document:
    """Load the bundled document named `spec`, or the document module at path `spec`; with
    `seconds`, a module that has not finished importing by then is a LoadError."""
    corrections.same_order()  # SymPy's order of facts, as for every document (ASSUMPTIONS_SEED)
    if is_path(spec):
        return _load_path(spec, seconds)
    if spec not in BUNDLED:
        raise UnknownDocument(
            f"unknown document {spec!r}; valid names: {', '.join(BUNDLED)} (or a path to a .py file)"
        )
    filename = os.path.join(os.path.dirname(__file__), f"{spec}.py")
    return _checked(
        spec, filename, lambda: importlib.import_module(f"derive.documents.{spec}"), seconds
    )


def _load_path(path: str, seconds: float | None) -> Document:
    if os.path.isdir(path):
        raise UnknownDocument(f"{path}: is a directory; name a document's .py file")
    if not os.path.isfile(path):
        raise UnknownDocument(f"{path}: no such file")
    if not path.endswith(".py"):
        raise UnknownDocument(f"{path}: not a Python file; a document is a .py module")
    stem = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(f"derive_user_document_{stem}", path)

    def execute():
        module = importlib.util.module_from_spec(spec)
        with open(path, "rb") as handle:
            code = exact_literals(handle.read(), os.path.abspath(path))
        module.__dict__["__derive_written__"] = written_literal
        module.__dict__["__derive_int__"] = written_int
        # As `python FILE` runs it: modules next to the document can be imported, while it
        # loads and later (a helper may import one when the engine calls it).
        folder = os.path.dirname(os.path.abspath(path))
        if folder not in sys.path:
            sys.path.insert(0, folder)
        # As an import does: in sys.modules while it runs (dataclasses look their module up
        # there), and after, for what the engine calls later; a failed run leaves nothing.
        sys.modules[spec.name] = module
        beside = _Beside(folder)
        sys.meta_path.insert(0, beside)
        plain = importlib.util.spec_from_file_location
        importlib.util.spec_from_file_location = beside.spec_from_file_location
        try:
            exec(code, module.__dict__)  # noqa: S102 - the document is the user's own program
        except BaseException:
            sys.modules.pop(spec.name, None)
            raise
        finally:
            sys.meta_path.remove(beside)
            importlib.util.spec_from_file_location = plain
        return module

    return _checked(path, os.path.abspath(path), execute, seconds)


_PLAIN_SPEC = importlib.util.spec_from_file_location


class _Beside(importlib.abc.MetaPathFinder):
    """While a document file runs: a module it imports from its own folder (a config.py of
    hyperparameters), by an import statement or importlib.util.spec_from_file_location, gets
    the document's literals too, so BETA1 = 0.9 there is 9/10 to SymPy and 1 - BETA1 is
    1/10, not 0.09999999999999998. A module imported before, or from anywhere else, is as
    Python made it."""

    def __init__(self, folder: str):
        self.folder = os.path.realpath(folder)

    def find_spec(self, fullname, path, target=None):
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        return self._written(spec)

    def spec_from_file_location(self, name, location=None, *, loader=None, **options):
        """importlib.util's, while the document runs: a .py file of the folder loaded by
        path (a config.py by spec_from_file_location and exec_module) gets the literals
        too, unless the document gives its own loader."""
        spec = _PLAIN_SPEC(name, location, loader=loader, **options)
        return spec if loader is not None else self._written(spec, spec)

    def _written(self, spec, otherwise=None):
        """`spec` with the written-literals loader where it is a .py file of the folder,
        else `otherwise`."""
        origin = spec.origin if spec is not None else None
        if not origin or not origin.endswith(".py") or not spec.has_location:
            return otherwise
        if os.path.commonpath([self.folder, os.path.realpath(origin)]) != self.folder:
            return otherwise
        spec.loader = _WrittenLoader(spec.name, origin)
        return spec


class _WrittenLoader(importlib.machinery.SourceFileLoader):
    """A module's source compiled with its literals written (exact_literals), never from or
    into a bytecode cache, which holds the plain floats."""

    def get_code(self, fullname):
        path = self.get_filename(fullname)
        return exact_literals(self.get_data(path), path)

    def exec_module(self, module):
        module.__dict__["__derive_written__"] = written_literal
        module.__dict__["__derive_int__"] = written_int
        super().exec_module(module)


def _deadline(seconds: float | None):
    """The import's deadline (an alarm, so only in the main thread), or no limit."""
    if seconds is None or threading.current_thread() is not threading.main_thread():
        return contextlib.nullcontext()
    return Deadline(seconds).guard()


def _checked(name: str, filename: str, importer, seconds: float | None = None) -> Document:
    mark = corrections.doubt_mark()
    try:
        # kept_functions innermost: the float watch sees its frames as its own caller's.
        with (
            _deadline(seconds),
            corrections.building(),
            kept_functions(),
            kept_exact(),
            kept_math(),
            kept_shapes(),
        ):
            module = importer()
    except OutOfTime:
        raise LoadError(
            f"{name}: did not finish loading within {seconds:g} s (a loop at module level?)"
        ) from None
    except SyntaxError as problem:
        raise LoadError(f"{name}: syntax error at line {problem.lineno}: {problem.msg}") from None
    except SystemExit as problem:  # the document's own sys.exit() must not end the run
        where = _line_in(problem, filename)
        raise LoadError(f"{name}: {where}the document called sys.exit({problem.code!r})") from None
    except Exception as problem:  # noqa: BLE001 - any failure of a document is reported
        where = _line_in(problem, filename)
        raise LoadError(f"{name}: {where}{type(problem).__name__}: {problem}") from None
    document = getattr(module, "DOCUMENT", None)
    if not isinstance(document, Document):
        raise LoadError(f"{name}: the module defines no DOCUMENT = document(...)")
    # Every unconfirmed reading of a number while the module ran, also those an earlier
    # document() of the same module took (see declare.document).
    doubts = tuple(dict.fromkeys((*document.doubts, *corrections.doubted_since(mark))))
    return dataclasses.replace(document, doubts=doubts) if doubts else document


def _line_in(problem: Exception, filename: str) -> str:
    """'line N: ' for the deepest frame of the failure inside the document's own file."""
    frames = [
        f
        for f in traceback.extract_tb(problem.__traceback__)
        if os.path.abspath(f.filename) == filename
    ]
    return f"line {frames[-1].lineno}: " if frames else ""
