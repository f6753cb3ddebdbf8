"""Deprecated path: this module is derive.notation.primitives (see derive/__init__.py)."""

from derive import _moved

_moved(__name__, "derive.notation.primitives")
