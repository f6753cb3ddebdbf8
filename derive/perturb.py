"""Deprecated path: this module is derive.notation.perturb (see derive/__init__.py)."""

from derive import _moved

_moved(__name__, "derive.notation.perturb")
