# Copyright (c) OpenMMLab. All rights reserved.
"""Differentiable temporal-wise frame sampling (the TIN shift), in PyTorch.

Pure functions, no parameters. Layout follows mmcv's ``tin_shift``: the input
is ``[N, T, C, ...]`` (trailing spatial dims are flattened), the channels are
split into ``G`` contiguous groups and every (sample, group) pair has its own
temporal offset.

* :func:`tin_shift` shifts by integer offsets: ``out[n, t, c] =
  x[n, t - s[n, g(c)], c]`` inside the clip and ``0`` outside it (a positive
  shift moves content to later frames). Same forward as mmcv's op.
* :func:`linear_sampler` shifts by fractional offsets with linear
  interpolation between the two neighbouring integer shifts, exactly as
  MMAction2's ``linear_sampler`` composes two ``tin_shift`` calls:
  ``w0 = 1 - (offset - floor(offset))``, ``w1 = 1 - w0``,
  ``out = w0 * shift(x, floor(offset)) + w1 * shift(x, floor(offset) + 1)``.

Gradients are the true adjoint of the forward (``grad_in[t] = grad_out[t +
s]``), as in the official TIN kernel. mmcv's CUDA ``tin_shift`` backward
shifts the gradient the other way (``grad_out[t - s]``); models trained with
mmcv-TIN therefore saw a wrong data gradient through the shifted channels.
The gradient w.r.t. the offset (``d1 - d0``) is the same in both.

Two backends compute the same math:

* ``'embedding_bag'`` (eager default): each output row ``(n, t, g)`` is a
  weighted sum of at most two input rows, which ``F.embedding_bag`` computes
  in one fused pass on CPU and CUDA; its autograd is a scatter-add.
* ``'gather'`` (used while tracing for ONNX or under ``torch.compile``):
  ``torch.gather`` plus a multiply-add, which every exporter understands.

No step synchronises with the host: offsets never leave the device.
"""
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

__all__ = ['tin_shift', 'linear_sampler', 'interpolation_weights']

_BACKENDS = ('auto', 'embedding_bag', 'gather')


def _check_inputs(x: Tensor, offset: Tensor, name: str) -> None:
    if x.dim() < 3:
        raise ValueError(f'{name}: input must be [N, T, C, ...], got shape '
                         f'{tuple(x.shape)}')
    if offset.dim() != 2:
        raise ValueError(f'{name}: offset/shift must be [N, G], got shape '
                         f'{tuple(offset.shape)}')
    n, c = x.shape[0], x.shape[2]
    if offset.shape[0] != n:
        raise ValueError(f'{name}: input has N={n} samples but offset/shift '
                         f'has {offset.shape[0]} rows')
    groups = offset.shape[1]
    if groups <= 0 or c % groups != 0:
        raise ValueError(f'{name}: C={c} channels cannot be split into '
                         f'G={groups} equal groups')


def interpolation_weights(offset: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
    """Split fractional offsets into ``(floor, w0, w1)`` as MMAction2 does.

    Args:
        offset (Tensor): Offsets of any shape, floating point.

    Returns:
        tuple[Tensor]: ``o0 = floor(offset)`` (same dtype as ``offset``),
        ``w0 = 1 - (offset - o0)`` and ``w1 = 1 - w0``.
    """
    o0 = torch.floor(offset)
    w0 = 1 - (offset - o0)
    w1 = 1 - w0
    return o0, w0, w1


def _taps(offset0: Tensor, weights: Tensor, num_frames: int):
    """Source frames and weights of each output frame.

    Args:
        offset0 (Tensor): ``[N, G]`` integer-valued float shifts of tap 0;
            tap k uses shift ``offset0 + k``.
        weights (Tensor): ``[N, G, K]`` weight of each tap.
        num_frames (int): T.

    Returns:
        tuple[Tensor]: ``src`` ``[N, T, G, K]`` source frame (clamped into
        the clip) as int64, and ``w`` ``[N, T, G, K]`` with zeros where the
        source frame falls outside the clip.
    """
    num_taps = weights.shape[-1]
    t = torch.arange(num_frames, device=offset0.device,
                     dtype=offset0.dtype).view(1, -1, 1, 1)
    k = torch.arange(num_taps, device=offset0.device,
                     dtype=offset0.dtype).view(1, 1, 1, -1)
    src = t - k - offset0[:, None, :, None]  # [N, T, G, K]
    inside = (src >= 0) & (src <= num_frames - 1)
    w = weights[:, None] * inside.to(weights.dtype)
    return src.clamp(0, num_frames - 1).long(), w


def _use_gather(backend: str) -> bool:
    if backend not in _BACKENDS:
        raise ValueError(f'backend must be one of {_BACKENDS}, got '
                         f'{backend!r}')
    if backend != 'auto':
        return backend == 'gather'
    tracing = torch.jit.is_tracing() or torch.onnx.is_in_onnx_export()
    compiling = hasattr(torch, 'compiler') and torch.compiler.is_compiling()
    return tracing or compiling


def _temporal_mix(x: Tensor, offset0: Tensor, weights: Tensor,
                  backend: str) -> Tensor:
    """``out[n,t,g] = sum_k weights[n,g,k] * x[n, t - offset0 - k, g]``."""
    n, num_frames, c = x.shape[:3]
    groups = offset0.shape[1]
    rows = x.reshape(n, num_frames, groups, -1)  # [N, T, G, L]
    src, w = _taps(offset0, weights.to(x.dtype), num_frames)
    if _use_gather(backend):
        length = rows.shape[-1]
        out = None
        for k in range(src.shape[-1]):
            index = src[..., k:k + 1].expand(-1, -1, -1, length)
            term = torch.gather(rows, 1, index) * w[..., k:k + 1]
            out = term if out is None else out + term
    else:
        # flat row id of (n, src, g) in the [N*T*G, L] view
        base = torch.arange(
            n, device=x.device).view(-1, 1, 1, 1) * (num_frames * groups)
        grp = torch.arange(groups, device=x.device).view(1, 1, -1, 1)
        index = base + src * groups + grp
        out = F.embedding_bag(
            index.reshape(-1, index.shape[-1]),
            rows.reshape(n * num_frames * groups, -1),
            per_sample_weights=w.reshape(-1, w.shape[-1]),
            mode='sum')
    return out.reshape(x.shape)


def tin_shift(x: Tensor, shift: Tensor, backend: str = 'auto') -> Tensor:
    """Shift channel groups along time by integer offsets (zero padded).

    Args:
        x (Tensor): ``[N, T, C, ...]``, floating point.
        shift (Tensor): ``[N, G]`` integer (or integer-valued float)
            offsets; ``C`` must be divisible by ``G``.
        backend (str): ``'auto'``, ``'embedding_bag'`` or ``'gather'``.
            Default: ``'auto'``.

    Returns:
        Tensor: same shape and dtype as ``x``.
    """
    _check_inputs(x, shift, 'tin_shift')
    offset0 = shift.to(x.dtype if x.is_floating_point() else torch.float32)
    ones = torch.ones_like(offset0).unsqueeze(-1)
    return _temporal_mix(x, offset0, ones, backend)


def linear_sampler(data: Tensor,
                   offset: Tensor,
                   backend: str = 'auto',
                   out_dtype: Optional[torch.dtype] = None) -> Tensor:
    """Sample frames at fractional positions ``t - offset``, zero outside.

    Args:
        data (Tensor): ``[N, T, C, H, W]`` (or ``[N, T, C, L]``).
        offset (Tensor): ``[N, G]`` float offsets, one per contiguous group
            of ``C // G`` channels.
        backend (str): ``'auto'``, ``'embedding_bag'`` or ``'gather'``.
            Default: ``'auto'``.
        out_dtype (torch.dtype, optional): compute/output dtype; defaults to
            ``data.dtype``.

    Returns:
        Tensor: same shape as ``data``.
    """
    _check_inputs(data, offset, 'linear_sampler')
    if out_dtype is not None and data.dtype != out_dtype:
        data = data.to(out_dtype)
    # interpolation weights in the offset's precision (fp32 under autocast)
    o0, w0, w1 = interpolation_weights(offset.float() if offset.dtype in (
        torch.float16, torch.bfloat16) else offset)
    weights = torch.stack([w0, w1], dim=-1)
    return _temporal_mix(data, o0, weights, backend)
