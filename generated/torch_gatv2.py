# GENERATED from derive/documents/gatv2.py by `derive generate`. Do not edit.
"""GATv2Conv as a torch.nn.Module over the Numba kernels derive_kernels.gatv2_numba.

The layer of torch_geometric.nn.GATv2Conv: the same constructor, forward(x, edge_index), and
parameter names and shapes (lin_l.weight (heads·C, H), lin_l.bias, lin_r.*, att (1, heads, C),
bias (heads·C) with concat else (C)), so a PyG layer's state_dict loads into it and gives the
same output and gradients. A torch.autograd.Function calls gatv2_forward and
gatv2_backward; contiguous float32 or float64 CPU tensors reach them and come back without
copies (Tensor.numpy, torch.from_numpy). This is the one generated module that imports torch.
"""

import numpy
import torch

from . import gatv2_numba as kernels

_DTYPES = (torch.float32, torch.float64)


class GATv2Function(torch.autograd.Function):
    """out = gatv2_forward(...); the backward is gatv2_backward on the forward's saved
    work (projections, edges grouped by target). W_r and b_r are None with shared weights;
    b_l, b_r and bias may be None (no bias)."""

    @staticmethod
    def forward(ctx, x, edge_index, W_l, b_l, W_r, b_r, att, bias, options):
        tensors = (x, W_l, b_l, W_r, b_r, att, bias)
        ctx.save_for_backward(*tensors)
        ctx.options, ctx.att_shape = options, att.shape
        ctx.edge_index = edge_index.detach().numpy()
        x, *parameters = _arrays(tensors, options)
        arrays = (x, ctx.edge_index, *parameters)
        out, ctx.work = kernels.gatv2_forward(*arrays, **_keywords(options), save=True)
        return torch.from_numpy(out)

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, dout):
        tensors = ctx.saved_tensors
        x, *parameters = _arrays(tensors, ctx.options)
        arrays = (x, ctx.edge_index, *parameters)
        grads = kernels.gatv2_backward(
            dout.detach().numpy(),
            *arrays,
            **_keywords(ctx.options),
            saved=ctx.work,
            need_dx=ctx.needs_input_grad[0],
        )
        # No gradient for a tensor the caller did not pass (a zero bias, shared weights).
        grads = [
            None if g is None or t is None else torch.from_numpy(g)
            for g, t in zip(grads, tensors, strict=True)
        ]
        dx, dW_l, db_l, dW_r, db_r, datt, dbias = grads
        return dx, None, dW_l, db_l, dW_r, db_r, datt.reshape(ctx.att_shape), dbias, None


def _keywords(options):
    negative_slope, add_self_loops, heads, concat, share_weights = options
    return {
        "negative_slope": negative_slope,
        "add_self_loops": add_self_loops,
        "heads": heads,
        "concat": concat,
        "share_weights": share_weights,
    }


def _arrays(tensors, options):
    """(x, W_l, b_l, W_r, b_r, att, bias) as NumPy views of the tensors (att flattened); a
    bias the layer does not have is zeros, W_r and b_r stay None with shared weights."""
    x, W_l, b_l, W_r, b_r, att, bias = tensors
    heads, concat, shared = options[2:]
    dtype = numpy.float32 if x.dtype == torch.float32 else numpy.float64
    width = W_l.shape[0]
    sizes = (0, 0, width, 0, 0 if shared else width, 0, width if concat else width // heads)
    tensors = (x, W_l, b_l, W_r, b_r, att.reshape(-1), bias)
    return [_view(t, size, dtype) for t, size in zip(tensors, sizes, strict=True)]


def _view(tensor, size, dtype):
    if tensor is not None:
        return tensor.detach().numpy()
    return numpy.zeros(size, dtype) if size else None


def _check(x, edge_index, parameters):
    """ValueError/NotImplementedError naming what the kernels do not take."""
    if not isinstance(x, torch.Tensor):
        raise NotImplementedError("x: a pair of tensors (bipartite graphs) is not supported")
    if not isinstance(edge_index, torch.Tensor) or edge_index.layout != torch.strided:
        raise NotImplementedError("edge_index: only a dense (2, E) index tensor is supported")
    for label, tensor in (("x", x), ("edge_index", edge_index), *parameters.items()):
        if tensor is not None and tensor.device.type != "cpu":
            raise ValueError(f"device: {label} is on {tensor.device}; the kernels run on the CPU")
    if x.dtype not in _DTYPES:
        raise ValueError(f"dtype: x is {x.dtype}; expected torch.float32 or torch.float64")
    for label, tensor in parameters.items():
        if tensor is not None and tensor.dtype != x.dtype:
            raise ValueError(f"dtype: {label} is {tensor.dtype}, x is {x.dtype}")
    if edge_index.dtype.is_floating_point or edge_index.dtype.is_complex:
        raise ValueError(f"edge_index: expected an integer dtype, got {edge_index.dtype}")


def gatv2_conv(
    x, edge_index, W_l, b_l, W_r, b_r, att, bias, *, heads=1, concat=True, negative_slope=0.2,
    add_self_loops=True,
):
    """The layer as a function of its tensors (W_r, b_r None: lin_r is lin_l; b_l, b_r, bias
    None: no bias), differentiable in every floating tensor."""
    parameters = {"W_l": W_l, "b_l": b_l, "W_r": W_r, "b_r": b_r, "att": att, "bias": bias}
    _check(x, edge_index, parameters)
    if tuple(att.shape) != (1, heads, W_l.shape[0] // heads):
        raise ValueError(f"att: expected shape (1, heads, C), got {tuple(att.shape)}")
    options = (float(negative_slope), bool(add_self_loops), heads, bool(concat), W_r is None)
    return GATv2Function.apply(
        x, edge_index, W_l, b_l, W_r, b_r, att, bias, options
    )


class GATv2Conv(torch.nn.Module):
    """torch_geometric.nn.GATv2Conv over the generated kernels.
    Supported: an int in_channels, heads, concat, negative_slope, add_self_loops, bias,
    share_weights; dropout only where it does nothing (0, or in eval mode). Not supported, and
    raising NotImplementedError naming the option: a tuple in_channels, edge_dim (and
    edge_attr), residual, dropout > 0 in training mode, return_attention_weights. x and the
    parameters are float32 or float64 CPU tensors of one dtype (ValueError otherwise).
    """

    def __init__(
        self,
        in_channels,
        out_channels,
        heads=1,
        concat=True,
        negative_slope=0.2,
        dropout=0.0,
        add_self_loops=True,
        edge_dim=None,
        fill_value="mean",
        bias=True,
        share_weights=False,
        residual=False,
    ):
        super().__init__()
        _unsupported(in_channels, edge_dim, residual)
        self.in_channels, self.out_channels, self.heads = in_channels, out_channels, heads
        self.concat, self.negative_slope, self.dropout = concat, negative_slope, dropout
        self.add_self_loops, self.edge_dim, self.fill_value = add_self_loops, edge_dim, fill_value
        self.share_weights, self.residual = share_weights, residual
        self.lin_l = torch.nn.Linear(in_channels, heads * out_channels, bias=bias)
        if share_weights:
            self.lin_r = self.lin_l
        else:
            self.lin_r = torch.nn.Linear(in_channels, heads * out_channels, bias=bias)
        self.att = torch.nn.Parameter(torch.empty(1, heads, out_channels))
        if bias:
            self.bias = torch.nn.Parameter(torch.empty(out_channels * (heads if concat else 1)))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """PyG's initialisation: Glorot weights and att, lin biases as torch's Linear, bias 0."""
        with torch.no_grad():
            for lin in (self.lin_l, self.lin_r):
                lin.reset_parameters()
                torch.nn.init.xavier_uniform_(lin.weight)
            torch.nn.init.xavier_uniform_(self.att.view(self.heads, self.out_channels))
            if self.bias is not None:
                self.bias.zero_()

    def forward(self, x, edge_index, edge_attr=None, return_attention_weights=None):
        if edge_attr is not None:
            raise NotImplementedError("edge_attr: edge features are not supported")
        if return_attention_weights is not None:
            raise NotImplementedError("return_attention_weights: not supported")
        if self.training and self.dropout > 0:
            raise NotImplementedError(
                "dropout: attention dropout in training mode is not supported "
                "(use dropout=0.0, or eval mode)"
            )
        shared = self.share_weights
        return gatv2_conv(
            x,
            edge_index,
            self.lin_l.weight,
            self.lin_l.bias,
            None if shared else self.lin_r.weight,
            None if shared else self.lin_r.bias,
            self.att,
            self.bias,
            heads=self.heads,
            concat=self.concat,
            negative_slope=self.negative_slope,
            add_self_loops=self.add_self_loops,
        )

    def __repr__(self):
        return f"GATv2Conv({self.in_channels}, {self.out_channels}, heads={self.heads})"


def _unsupported(in_channels, edge_dim, residual):
    if not isinstance(in_channels, int):
        raise NotImplementedError(
            f"in_channels: a tuple (bipartite graphs) is not supported, got {in_channels!r}"
        )
    if edge_dim is not None:
        raise NotImplementedError("edge_dim: edge features are not supported")
    if residual:
        raise NotImplementedError("residual: the residual connection is not supported")
