"""The implementations people use today, as benchmark peers and cross-check references.

`torch_selective_scan` follows the semantics of mamba_ssm's `selective_scan_ref` (the only
CPU path mamba_ssm offers), written with torch operations; its backward is torch autograd.
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
