"""Numeric harnesses of generated kernels, one module per kernel kind (see kernelcheck)."""

from derive.harnesses import attention, scan  # noqa: F401
