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

Two backends compute the same math. View the input as rows ``[N*T*G, L]``
(``L = C/G * H * W``); output row ``(n, t, g)`` is the weighted sum of at
most two input rows (``K`` taps: 1 for :func:`tin_shift`, 2 for
:func:`linear_sampler`), with weight 0 for a tap outside the clip.

* ``'embedding_bag'`` (eager default): one ``F.embedding_bag`` pass over the
  data. Everything that does not depend on the offset values (row index and
  in-clip mask of every tap for each of the ``2T + 2`` distinguishable
  integer shifts) is tabulated once per ``(N, T, G, K, device, dtype)`` and
  cached, so a call costs 7 small kernels (``bucketize`` of the offset and
  an add give each output row its table row, one ``index_select`` looks up
  source rows and weight slots, 3 kernels compute the weights, one
  ``index_select`` places them) plus the bag sum.
* ``'gather'`` (chosen automatically while tracing: ``torch.compile``,
  ``torch.jit.trace``, ONNX export): ``index_select`` of the K source rows
  plus a multiply-add, built from ``arange`` with no cached state, which
  every exporter and compiler understands.

Both backends agree with MMAction2's forward to within one rounding of the
last add (``'gather'`` rounds exactly like it; ``embedding_bag`` may fuse
the multiply-add). No step synchronises with the host: offsets never leave
the device (no ``.item()``, ``.tolist()``, ``.cpu()`` or Python ``bool`` of a
tensor), and no output shape depends on tensor values.
"""
from typing import Dict, Optional, Tuple

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


try:
    from torch.compiler import is_compiling as _is_compiling
except ImportError:  # torch < 2.3
    from torch._dynamo import is_compiling as _is_compiling


def _tracing() -> bool:
    """Under torch.compile / torch.export (also the dynamo ONNX exporter) or
    torch.jit.trace (also the TorchScript ONNX exporter)."""
    return _is_compiling() or torch.jit.is_tracing()


def _use_gather(backend: str, tracing: bool) -> bool:
    if backend == 'auto':
        return tracing
    if backend in _BACKENDS:
        return backend == 'gather'
    raise ValueError(f'backend must be one of {_BACKENDS}, got {backend!r}')


# ---------------------------------------------------------------------------
# 'embedding_bag' backend
# ---------------------------------------------------------------------------
# Offset-independent tables, keyed by (N, T, G, K, device, data dtype, offset
# dtype). Filled in eager mode only (never while tracing/compiling); cleared
# when full so that varying shapes cannot grow it without bound.
_TABLES: Dict[tuple, Tuple[Tensor, ...]] = {}
_MAX_TABLES = 64


def _build_tables(n: int, num_frames: int, groups: int, num_taps: int,
                  device: torch.device, dtype: torch.dtype,
                  odtype: torch.dtype) -> Tuple[Tensor, ...]:
    """Everything the embedding_bag backend needs that does not depend on
    the offset values.

    Tap ``k`` of output row ``(n, t, g)`` reads frame ``t - o0[n, g] - k``.
    Only ``o0 = floor(offset)`` clamped to ``[-T-1, T]`` matters (beyond it
    every tap is outside the clip): ``D = 2T + 2`` cases, which
    ``bucketize(offset, [-T, ..., T], right=True)`` numbers as ``b =
    clamp(o0, -T-1, T) + T + 1`` in one kernel. Row ``((n*T + t)*G + g)*D +
    b`` of ``index`` holds the K source rows in the ``[N*T*G, L]`` view of
    the input (clamped into the clip), the same row of ``inside`` holds 1
    for taps inside the clip and 0 outside, and the same row of ``wsel``
    picks each tap's weight from the flattened ``[N, G, 3]`` tensor ``[w0,
    w1, 0]``: ``(n*G + g)*3 + k`` inside the clip, ``(n*G + g)*3 + 2`` (the
    zero) outside.

    Returns:
        tuple[Tensor]: ``boundaries [2T+1]`` (``odtype``), ``keybase [N, T,
        G]``, ``lookup [2, N*T*G*D, K]`` (``index`` and ``wsel``), ``inside
        [N*T*G*D, K]`` (``dtype``), ``bag_offsets [N*T*G]`` and, for the
        interpolation weights, ``one`` (0-dim), ``bias = [0, 1, 0]`` and
        ``sign = [1, -1, 0]`` (``odtype``).
    """
    t_, d_ = num_frames, 2 * num_frames + 2
    kw = dict(device=device, dtype=torch.int64)
    rows = torch.arange(n * t_ * groups, **kw)
    keybase = (rows * d_).view(n, t_, groups)
    nn_ = torch.arange(n, **kw).view(-1, 1, 1, 1, 1)
    tt = torch.arange(t_, **kw).view(1, -1, 1, 1, 1)
    gg = torch.arange(groups, **kw).view(1, 1, -1, 1, 1)
    o0 = torch.arange(d_, **kw).view(1, 1, 1, -1, 1) - (t_ + 1)
    kk = torch.arange(num_taps, **kw).view(1, 1, 1, 1, -1)
    src = (tt - o0 - kk).expand(n, t_, groups, d_, num_taps)  # source frame
    inside = (src >= 0) & (src < t_)
    index = (nn_ * t_ + src.clamp(0, t_ - 1)) * groups + gg
    wsel = (nn_ * groups + gg) * 3 + torch.where(inside, kk, 2)
    if odtype.is_floating_point:
        fkw = dict(device=device, dtype=odtype)
        consts = (torch.ones((), **fkw), torch.tensor([0, 1, 0], **fkw),
                  torch.tensor([1, -1, 0], **fkw))
    else:
        consts = (None, None, None)
    # index and wsel stacked, so one index_select along dim 1 looks both up
    # and leaves each contiguous
    lookup = torch.stack([index, wsel]).reshape(2, -1, num_taps)
    return (torch.arange(-t_, t_ + 1, device=device, dtype=odtype), keybase,
            lookup, inside.to(dtype).reshape(-1, num_taps),
            rows * num_taps) + consts


def _tables(n: int, num_frames: int, groups: int, num_taps: int,
            device: torch.device, dtype: torch.dtype, odtype: torch.dtype,
            cache: bool) -> Tuple[Tensor, ...]:
    key = (n, num_frames, groups, num_taps, device, dtype, odtype)
    if not cache:
        return _build_tables(*key)
    tables = _TABLES.get(key)
    if tables is None:
        if len(_TABLES) >= _MAX_TABLES:
            _TABLES.clear()
        tables = _TABLES[key] = _build_tables(*key)
    return tables


def _mix_embedding_bag(x: Tensor, offset: Tensor, interpolate: bool,
                       cache: bool) -> Tensor:
    """``out[n,t,g] = sum_k w[n,g,k] * x[n, t - floor(offset) - k, g]``, zero
    outside the clip, as one ``F.embedding_bag``. ``interpolate=False``: a
    single tap of weight 1 (integer shift); ``True``: two taps weighted by
    :func:`interpolation_weights` of ``offset``."""
    n, num_frames = x.shape[:2]
    groups = offset.shape[1]
    num_taps = 2 if interpolate else 1
    (boundaries, keybase, lookup, inside, bag_offsets, one, bias,
     sign) = _tables(n, num_frames, groups, num_taps, x.device, x.dtype,
                     offset.dtype, cache)
    # table row of every output row: [N, T, G] -> [N*T*G]
    key = torch.bucketize(offset, boundaries, right=True)
    key = (keybase + key[:, None]).view(-1)
    if interpolate:
        index, wsel = lookup.index_select(1, key).unbind(0)
        # interpolation_weights() bit for bit, in 3 kernels: offset % 1 is
        # offset - floor(offset) exactly (fmod is exact, then one rounding
        # of the same real number), w0 = 1 - that, and [w0, w1 = 1 - w0, 0]
        # = bias + w0 * sign (products by 1, -1, 0 are exact: one rounding)
        w0 = one - torch.remainder(offset, one)
        weights = torch.addcmul(bias, w0[..., None], sign).to(x.dtype)
        psw = weights.view(-1).index_select(0, wsel.view(-1))
    else:
        index = lookup[0].index_select(0, key)
        psw = inside.index_select(0, key).view(-1)
    out = F.embedding_bag(
        index.view(-1),
        x.reshape(n * num_frames * groups, -1),
        bag_offsets,
        per_sample_weights=psw,
        mode='sum')
    return out.view(x.shape)


# ---------------------------------------------------------------------------
# 'gather' backend
# ---------------------------------------------------------------------------
def _mix_gather(x: Tensor, offset0: Tensor,
                weights: Optional[Tensor]) -> Tensor:
    """Same as :func:`_mix_embedding_bag` with ``index_select`` (ONNX
    ``Gather``) and a multiply-add; no cached state, so it traces and
    compiles cleanly. ``offset0`` ``[N, G]`` is the (float) integer shift of
    tap 0, ``weights`` ``[N, G, K]`` the tap weights (``None``: one tap of
    weight 1)."""
    n, num_frames = x.shape[:2]
    groups = offset0.shape[1]
    num_taps = 1 if weights is None else weights.shape[-1]
    rows = x.reshape(n * num_frames * groups, -1)
    fkw = dict(device=x.device, dtype=offset0.dtype)
    t = torch.arange(num_frames, **fkw).view(1, -1, 1, 1)
    k = torch.arange(num_taps, **fkw).view(1, 1, 1, -1)
    src = t - k - offset0[:, None, :, None]  # [N, T, G, K] source frame
    w = ((src >= 0) & (src <= num_frames - 1)).to(x.dtype)
    if weights is not None:
        w = w * weights[:, None]
    base = torch.arange(n, device=x.device).view(-1, 1, 1, 1) * num_frames
    grp = torch.arange(groups, device=x.device).view(1, 1, -1, 1)
    index = (base + src.clamp(0, num_frames - 1).long()) * groups + grp
    taps = rows.index_select(0, index.reshape(-1)).view(
        n * num_frames * groups, num_taps, -1)
    w = w.reshape(n * num_frames * groups, num_taps, 1)
    out = taps[:, 0] * w[:, 0]
    for i in range(1, num_taps):
        out = out + taps[:, i] * w[:, i]
    return out.view(x.shape)


# ---------------------------------------------------------------------------
# public ops
# ---------------------------------------------------------------------------
def tin_shift(x: Tensor, shift: Tensor, backend: str = 'auto') -> Tensor:
    """Shift channel groups along time by integer offsets (zero padded).

    ``out[n, t, c] = x[n, t - shift[n, g(c)], c]`` when ``0 <= t - shift <
    T``, else 0, with ``g(c) = c // (C // G)``: mmcv's ``tin_shift``
    forward. Its gradient is the true adjoint (``grad_x[t] = grad_out[t +
    s]``), not mmcv's CUDA backward (``grad_out[t - s]``); the shift gets no
    gradient.

    Args:
        x (Tensor): ``[N, T, C, ...]``, floating point.
        shift (Tensor): ``[N, G]`` integer (any integer dtype, or
            integer-valued float; other floats are floored) offsets; ``C``
            must be divisible by ``G``.
        backend (str): ``'auto'``, ``'embedding_bag'`` or ``'gather'``.
            Default: ``'auto'`` (``'gather'`` while tracing/compiling,
            ``'embedding_bag'`` otherwise).

    Returns:
        Tensor: same shape and dtype as ``x``.
    """
    _check_inputs(x, shift, 'tin_shift')
    tracing = _tracing()
    if _use_gather(backend, tracing):
        num_frames = x.shape[1]
        # beyond +-T every source frame is outside the clip; clamping first
        # keeps the float arithmetic exact for huge integer shifts
        shift = shift.clamp(-num_frames - 1, num_frames)
        shift = shift.floor() if shift.is_floating_point() else shift.to(
            torch.float32)
        return _mix_gather(x, shift, None)
    return _mix_embedding_bag(x, shift, interpolate=False, cache=not tracing)


def linear_sampler(data: Tensor,
                   offset: Tensor,
                   backend: str = 'auto',
                   out_dtype: Optional[torch.dtype] = None) -> Tensor:
    """Sample frames at fractional positions ``t - offset``, zero outside.

    Same forward as MMAction2's ``linear_sampler`` (two mmcv ``tin_shift``
    calls): ``o0 = floor(offset)``, ``w0 = 1 - (offset - o0)``, ``w1 = 1 -
    w0``, ``out = w0 * shift(data, o0) + w1 * shift(data, o0 + 1)``.
    Gradients: the true adjoint for ``data``, ``d1 - d0`` for ``offset``.

    Args:
        data (Tensor): ``[N, T, C, H, W]`` (or ``[N, T, C, ...]``).
        offset (Tensor): ``[N, G]`` float offsets, one per contiguous group
            of ``C // G`` channels. fp16/bf16 (and integer) offsets are
            promoted to fp32 for the weights.
        backend (str): ``'auto'``, ``'embedding_bag'`` or ``'gather'``.
            Default: ``'auto'`` (``'gather'`` while tracing/compiling,
            ``'embedding_bag'`` otherwise).
        out_dtype (torch.dtype, optional): compute/output dtype; defaults to
            ``data.dtype`` (MMAction2 allocates fp32 whatever the input).

    Returns:
        Tensor: same shape as ``data``, dtype ``out_dtype or data.dtype``.
    """
    _check_inputs(data, offset, 'linear_sampler')
    if out_dtype is not None and data.dtype != out_dtype:
        data = data.to(out_dtype)
    # the weights in the offset's precision, at least fp32
    if not offset.is_floating_point() or offset.dtype in (torch.float16,
                                                          torch.bfloat16):
        offset = offset.float()
    tracing = _tracing()
    if _use_gather(backend, tracing):
        o0, w0, w1 = interpolation_weights(offset)
        weights = torch.stack([w0, w1], dim=-1).to(data.dtype)
        return _mix_gather(data, o0, weights)
    return _mix_embedding_bag(data, offset, interpolate=True,
                              cache=not tracing)
