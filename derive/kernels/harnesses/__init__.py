"""Numeric harnesses of generated kernels, one module per kernel kind (see kernelcheck)."""

from derive.kernels.harnesses import attention, gate, layer, lookup, readout, scan, window  # noqa: F401
