"""Numeric harnesses of generated kernels, one module per kernel kind (see kernelcheck)."""

from derive.harnesses import attention, gate, lookup, readout, scan  # noqa: F401
