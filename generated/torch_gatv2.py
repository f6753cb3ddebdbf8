# GENERATED from derive/documents/gatv2.py by `derive generate`. Do not edit.
"""GATv2Conv as a torch.nn.Module over the Numba kernels derive_kernels.gatv2_numba.

The layer of torch_geometric.nn.GATv2Conv: the same constructor, forward(x, edge_index), and
parameter names and shapes (lin_l.weight (heads·C, H), lin_l.bias, lin_r.*, att (1, heads, C),
bias (heads·C) with concat else (C)), so a PyG layer's state_dict loads into it and gives the
same output and gradients. The projections x W_l^T + b_l and x W_r^T + b_r are torch's
linear layers; a torch.autograd.Function passes them to gatv2_attention_forward and
gatv2_attention_backward, and contiguous float32 or float64 CPU tensors reach those and
come back without copies (Tensor.numpy, torch.from_numpy). This is the one generated module
that imports torch.
"""

import numpy
import torch

from . import gatv2_numba as kernels

_DTYPES = (torch.float32, torch.float64)


class GATv2Function(torch.autograd.Function):
    """The layer after its projections: out = gatv2_attention_forward(xl, xr, ...), and
    the backward gatv2_attention_backward on the forward's saved work (edges grouped by
    target, softmax). bias may be None (no bias)."""

    @staticmethod
    def forward(ctx, xl, xr, edge_index, att, bias, options):
        ctx.options, ctx.att_shape, ctx.has_bias = options, att.shape, bias is not None
        edge_index = edge_index.detach().numpy()
        arrays = _arrays(xl, xr, att, bias, options)
        out, saved = kernels.gatv2_attention_forward(
            *arrays[:2], edge_index, *arrays[2:], **_keywords(options), save=True
        )
        ctx.arrays, ctx.edge_index, ctx.saved = arrays, edge_index, saved
        return torch.from_numpy(out)

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, dout):
        xl, xr, att, bias = ctx.arrays
        dxl, dxr, datt, dbias = kernels.gatv2_attention_backward(
            dout.detach().numpy(),
            xl,
            xr,
            ctx.edge_index,
            att,
            bias,
            **_keywords(ctx.options),
            saved=ctx.saved,
        )
        dxl, dxr, datt, dbias = (torch.from_numpy(g) for g in (dxl, dxr, datt, dbias))
        dbias = dbias if ctx.has_bias else None
        return dxl, dxr, None, datt.reshape(ctx.att_shape), dbias, None


def _keywords(options):
    negative_slope, add_self_loops, heads, concat = options
    return {
        "negative_slope": negative_slope,
        "add_self_loops": add_self_loops,
        "heads": heads,
        "concat": concat,
    }


def _arrays(xl, xr, att, bias, options):
    """(xl, xr, att, bias) as NumPy views of the tensors (att flattened); a bias the layer
    does not have is zeros."""
    heads, concat = options[2:]
    dtype = numpy.float32 if xl.dtype == torch.float32 else numpy.float64
    width = xl.shape[1] if concat else xl.shape[1] // heads
    bias = numpy.zeros(width, dtype) if bias is None else bias.detach().numpy()
    return [t.detach().numpy() for t in (xl, xr, att.reshape(-1))] + [bias]


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
    # The projections run in torch (its own thread pool: NumPy's BLAS threads, spinning
    # beside torch's, slowed a training step by a third); lin_l serves both with W_r None,
    # and autograd then adds the gradients of its two uses.
    xl = torch.nn.functional.linear(x, W_l, b_l)
    xr = xl if W_r is None else torch.nn.functional.linear(x, W_r, b_r)
    options = (float(negative_slope), bool(add_self_loops), heads, bool(concat))
    return GATv2Function.apply(xl, xr, edge_index, att, bias, options)


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
