# GENERATED from derive/documents/selective_ssm.py by `derive generate`. Do not edit.
"""PyTorch autograd wrappers of the Numba kernels, for CPU tensors.

Product of As Expanded (Mamba selective SSM).

The only generated module that imports torch: `selective_ssm` and
`selective_ssm_numba` do not. Tensors reach the kernels as NumPy views of their data
and results come back as tensors over the kernels' arrays, both without copies.
"""

import torch

from . import selective_ssm_numba as kernels

_DTYPES = (torch.float32, torch.float64)


def _array(name, tensor, dtype=None):
    """The data of a CPU float32/float64 tensor as a NumPy array (a view, not a copy)."""
    if tensor is None:
        return None
    if not isinstance(tensor, torch.Tensor):
        raise ValueError(f"{name}: expected a torch.Tensor, got {type(tensor).__name__}")
    if tensor.device.type != "cpu":
        raise NotImplementedError(f"{name}: only CPU tensors are supported, got {tensor.device}")
    if tensor.is_complex():
        raise NotImplementedError(f"{name}: complex tensors are not supported, got {tensor.dtype}")
    if tensor.dtype not in _DTYPES:
        expected = "torch.float32 or torch.float64"
        raise ValueError(f"{name}: expected dtype {expected}, got {tensor.dtype}")
    if dtype is not None and tensor.dtype != dtype:
        raise ValueError(f"{name}: expected dtype {dtype} (u's), got {tensor.dtype}")
    return tensor.detach().numpy()


def _selective_ssm_arrays(tensors):
    """The arrays of (u, delta, A, B, C, D, z, delta_bias), checked in order; u fixes the dtype."""
    dtype = tensors[0].dtype if isinstance(tensors[0], torch.Tensor) else None
    names = ("u", "delta", "A", "B", "C", "D", "z", "delta_bias")
    return [_array(name, tensor, dtype) for name, tensor in zip(names, tensors, strict=True)]


class SelectiveScanFn(torch.autograd.Function):
    """selective_ssm_forward and selective_ssm_backward of `selective_ssm_numba` as one autograd
    node; the backward recomputes states from the saved inputs, as the kernel does."""

    @staticmethod
    def forward(ctx, u, delta, A, B, C, D, z, delta_bias, delta_softplus, return_last_state):
        tensors = (u, delta, A, B, C, D, z, delta_bias)
        arrays = _selective_ssm_arrays(tensors)
        options = {"delta_softplus": delta_softplus, "return_last_state": True}
        out, last_state = kernels.selective_ssm_forward(*arrays, **options)
        ctx.save_for_backward(*tensors)
        ctx.delta_softplus = delta_softplus
        if return_last_state:
            return torch.from_numpy(out), torch.from_numpy(last_state)
        return torch.from_numpy(out)

    @staticmethod
    @torch.autograd.function.once_differentiable  # the kernel's backward is not itself taped
    def backward(ctx, dout, dlast_state=None):
        tensors = ctx.saved_tensors
        arrays, dtype = _selective_ssm_arrays(tensors), tensors[0].dtype
        seeds = {"dlast_state": _array("dlast_state", dlast_state, dtype)}
        grads = kernels.selective_ssm_backward(
            _array("dout", dout, dtype), *arrays, delta_softplus=ctx.delta_softplus, **seeds
        )
        needed = ctx.needs_input_grad[: len(grads)]
        returned = [
            None if g is None or not n else torch.from_numpy(g) for g, n in zip(grads, needed)
        ]
        return (*returned, None, None)


def selective_scan_fn(
    u,
    delta,
    A,
    B,
    C,
    D=None,
    z=None,
    delta_bias=None,
    delta_softplus=False,
    return_last_state=False,
):
    """mamba_ssm's selective_scan_fn on CPU float32/float64 tensors, differentiable.
    Equations: Context: Δ, Ā, B̄, h, C̄, y. u, delta, z: (batch, dim, L); A: (dim, N), real;
    B, C: each (dim, N), (batch, N, L), or (batch, G, N, L) with G dividing dim; D, delta_bias:
    (dim,). All tensors share u's dtype. Returns out (batch, dim, L), or (out, last_state) with
    last_state (batch, dim, N) when return_last_state; gradients flow through both.
    """
    tensors = (u, delta, A, B, C, D, z, delta_bias)
    _selective_ssm_arrays(tensors)  # ValueError or NotImplementedError before autograd sees them
    options = (bool(delta_softplus), bool(return_last_state))
    return SelectiveScanFn.apply(*tensors, *options)
