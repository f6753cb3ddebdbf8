"""One lowering per document, each registered in `derive.kernels.lowering.LOWERINGS` on import."""

from derive.kernels.lowerings import gatv2, ggnn_readout, nn_library, selective_ssm, soft_logic  # noqa: F401
