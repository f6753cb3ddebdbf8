"""One lowering per document, each registered in `derive.lowering.LOWERINGS` on import."""

from derive.lowerings import selective_ssm  # noqa: F401
