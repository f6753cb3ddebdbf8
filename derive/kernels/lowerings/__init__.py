"""One lowering per document: importing this package imports every module in it, and each
registers its document's lowering (derive.kernels.lowering.LOWERINGS)."""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
