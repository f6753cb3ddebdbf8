"""Numeric harnesses of generated kernels, one module per kernel kind: importing this package
imports every module in it, and each registers its kinds' records (derive.kernels.kinds)."""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
