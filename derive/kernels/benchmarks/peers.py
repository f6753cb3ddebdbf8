"""The implementations people use today, as benchmark peers and cross-check references.

`torch_selective_scan` follows the semantics of mamba_ssm's `selective_scan_ref` (the only
CPU path mamba_ssm offers), written with torch operations; its backward is torch autograd.
The other peers are the documents' formulas written plainly in torch, for cross-checks.
"""

from __future__ import annotations


def torch_selective_scan(
    torch, u, delta, A, B, C, D=None, z=None, delta_bias=None, delta_softplus=False
):
    """out = scan(u, delta, A, B, C) (+ D u) (* silu(z)), all (batch, dim, L) layouts."""
    if delta_bias is not None:
        delta = delta + delta_bias[None, :, None]
    if delta_softplus:
        delta = torch.nn.functional.softplus(delta)
    decay = torch.exp(torch.einsum("bdl,dn->bdln", delta, A))
    drive = torch.einsum("bdl,bnl,bdl->bdln", delta, B, u)
    state = u.new_zeros((u.shape[0], u.shape[1], A.shape[1]))
    outputs = []
    for t in range(u.shape[2]):
        state = decay[:, :, t] * state + drive[:, :, t]
        outputs.append(torch.einsum("bdn,bn->bd", state, C[:, :, t]))
    out = torch.stack(outputs, dim=2)
    if D is not None:
        out = out + u * D[None, :, None]
    if z is not None:
        out = out * torch.nn.functional.silu(z)
    return out


def torch_ggnn_readout(torch, h, x, graph, W_i, b_i, W_j, b_j, graphs):
    """h_g = tanh(Σ_v σ(i_v) ⊙ tanh(j_v)) per graph, i and j affine in [h_v; x_v] (GGNN)."""
    hx = torch.cat([h, x], dim=1)
    term = torch.sigmoid(hx @ W_i.T + b_i) * torch.tanh(hx @ W_j.T + b_j)
    sums = term.new_zeros((graphs, h.shape[1])).index_add(0, graph, term)
    return torch.tanh(sums)


def torch_soft_if(torch, z, T, F):
    """Row j is g_j T + (1 - g_j) F with g = σ(z) (soft_logic's if)."""
    g = torch.sigmoid(z)[:, None]
    return g * T + (1 - g) * F


def torch_switch(torch, a, C):
    """Row i is softmax(a_i)ᵀ C (soft_logic's switch/case)."""
    return torch.softmax(a, dim=-1) @ C


def torch_lookup_dot(torch, q, k, v):
    """Softmax attention without scaling: softmax(q kᵀ) v."""
    return torch.softmax(q @ k.T, dim=-1) @ v


def torch_lookup_general(torch, q, k, v, W_alpha):
    """Softmax attention with the bilinear score qᵀ W_α k."""
    return torch.softmax(q @ W_alpha @ k.T, dim=-1) @ v


def torch_lookup_concat(torch, q, k, v, W_alpha_c, v_alpha_c):
    """Softmax attention with the additive score v_αᵀ tanh(W_α [q; k])."""
    width = q.shape[1]
    hidden = torch.tanh((q @ W_alpha_c[:, :width].T)[:, None] + (k @ W_alpha_c[:, width:].T)[None])
    return torch.softmax(hidden @ v_alpha_c, dim=-1) @ v


def torch_linear(torch, x, w):
    """y = x wᵀ (torch.nn.functional.linear without a bias)."""
    return torch.nn.functional.linear(x, w)


def torch_mse(torch, x, y_star):
    """Per row, 1/2 ‖x - y*‖² (mse_loss with reduction='sum', halved)."""
    return torch.stack(
        [torch.nn.functional.mse_loss(a, b, reduction="sum") / 2 for a, b in zip(x, y_star)]
    )


def torch_add(torch, x, w):
    """y = x + w, w broadcast over the rows."""
    return x + w


def torch_correlate(torch, x, w, mode="valid"):
    """conv1d, which is a correlation: 'valid' without padding, 'full' padded by k - 1."""
    padding = 0 if mode == "valid" else w.shape[0] - 1
    return torch.nn.functional.conv1d(x[:, None], w[None, None], padding=padding)[:, 0]


def torch_convolve(torch, x, w, mode="valid"):
    """Convolution: conv1d with the filter reversed."""
    return torch_correlate(torch, x, torch.flip(w, (0,)), mode)
