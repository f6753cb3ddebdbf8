"""Numeric harnesses of generated kernels, one module per kernel kind (see kernelcheck)."""

from derive.harnesses import attention, readout, scan  # noqa: F401
