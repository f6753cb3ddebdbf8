"""The bundled documents, and loading any document by name or from a file path.

A document module declares `DOCUMENT`. Loading one never stops the others: `load` either
returns the document or raises `LoadError` with a one-line reason naming it.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import traceback

from derive.model import Document

BUNDLED = ("selective_ssm", "ggnn_readout", "nn_library", "soft_logic", "gatv2")


class LoadError(Exception):
    """A document could not be loaded; the message is one line and names the document."""


class UnknownDocument(LoadError):
    """A name that is neither a bundled document nor an existing file."""


def is_path(spec: str) -> bool:
    return spec.endswith(".py") or os.sep in spec


def load(spec: str) -> Document:
    """Load the bundled document named `spec`, or the document module at path `spec`."""
    if is_path(spec):
        return _load_path(spec)
    if spec not in BUNDLED:
        raise UnknownDocument(
            f"unknown document {spec!r}; valid names: {', '.join(BUNDLED)} (or a path to a .py file)"
        )
    filename = os.path.join(os.path.dirname(__file__), f"{spec}.py")
    return _checked(spec, filename, lambda: importlib.import_module(f"derive.documents.{spec}"))


def _load_path(path: str) -> Document:
    if not os.path.isfile(path):
        raise UnknownDocument(f"{path}: no such file")
    stem = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(f"derive_user_document_{stem}", path)

    def execute():
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return _checked(path, os.path.abspath(path), execute)


def _checked(name: str, filename: str, importer) -> Document:
    try:
        module = importer()
    except SyntaxError as problem:
        raise LoadError(f"{name}: syntax error at line {problem.lineno}: {problem.msg}") from None
    except Exception as problem:  # noqa: BLE001 - any failure of a document is reported
        where = _line_in(problem, filename)
        raise LoadError(f"{name}: {where}{type(problem).__name__}: {problem}") from None
    document = getattr(module, "DOCUMENT", None)
    if not isinstance(document, Document):
        raise LoadError(f"{name}: the module defines no DOCUMENT = document(...)")
    return document


def _line_in(problem: Exception, filename: str) -> str:
    """'line N: ' for the deepest frame of the failure inside the document's own file."""
    frames = [
        f
        for f in traceback.extract_tb(problem.__traceback__)
        if os.path.abspath(f.filename) == filename
    ]
    return f"line {frames[-1].lineno}: " if frames else ""
