# Copyright (c) OpenMMLab. All rights reserved.
"""Max pooling without argmax indices, for inference on CPU.

On CPU, ``F.max_pool2d`` always runs ``max_pool2d_with_indices`` (it
computes and stores the argmax of every window even without autograd); for
the 3x3/2 ResNet stem pool that is several times slower than the
convolution-free alternative below. A k x k max is separable (a max over
rows, then over columns), and each 1-D max over a strided window is ``k - 1``
elementwise ``maximum`` ops on strided views. The result is bit-identical
to ``F.max_pool2d`` (max is exact; the padding is never materialised:
windows at the border just have fewer taps).
"""
from typing import Tuple, Union

import torch
from torch import Tensor

__all__ = ['separable_max_pool2d']

_Pair = Union[int, Tuple[int, int]]


def _pair(v: _Pair) -> Tuple[int, int]:
    return (v, v) if isinstance(v, int) else tuple(v)


def _max_along(x: Tensor, dim: int, kernel: int, stride: int, pad: int,
               out_size: int) -> Tensor:
    """1-D max pool along ``dim``: ``out[i] = max_j x[i*stride - pad + j]``
    over ``0 <= j < kernel``, ignoring positions outside ``x`` (the
    ``-inf`` padding of ``F.max_pool2d``), without materialising the
    padding. Every window holds at least one real position."""
    size = x.shape[dim]
    # for tap j, outputs i in [lo, hi) read x[i*stride + (j - pad)]
    taps = []
    for j in range(kernel):
        off = j - pad
        lo = 0 if off >= 0 else (stride - off - 1) // stride  # ceil(-off/s)
        hi = min(out_size, (size - 1 - off) // stride + 1)
        if hi > lo:
            taps.append((lo, hi, off))

    def rows(lo, hi, off):
        return x.narrow(dim, lo * stride + off,
                        (hi - lo - 1) * stride + 1)[_strided(
                            dim, stride, x.dim())]

    full = [t for t in taps if (t[0], t[1]) == (0, out_size)]
    if full:
        first = full[0]
        out = rows(*first).clone()
    else:
        first = None
        shape = list(x.shape)
        shape[dim] = out_size
        out = x.new_full(shape, float('-inf'))
    for tap in taps:
        if tap is first:
            continue
        lo, hi, off = tap
        part = out.narrow(dim, lo, hi - lo)
        torch.maximum(part, rows(lo, hi, off), out=part)
    return out


def _strided(dim: int, stride: int, ndim: int) -> tuple:
    index = [slice(None)] * ndim
    index[dim] = slice(None, None, stride)
    return tuple(index)


def separable_max_pool2d(x: Tensor, kernel_size: _Pair, stride: _Pair,
                         padding: _Pair = 0) -> Tensor:
    """``F.max_pool2d(x, kernel_size, stride, padding)`` without indices.

    Same output (bit for bit) for ``dilation=1, ceil_mode=False``.

    Args:
        x (Tensor): ``(N, C, H, W)`` or ``(C, H, W)``.
        kernel_size (int | tuple[int, int]): Window size.
        stride (int | tuple[int, int]): Window stride.
        padding (int | tuple[int, int]): Implicit ``-inf`` padding on each
            side, at most half the window (as ``F.max_pool2d`` requires).
            Default: 0.

    Returns:
        Tensor: ``(N, C, H_out, W_out)`` with ``H_out = (H + 2 * pad - k) //
        stride + 1`` (likewise ``W_out``).
    """
    (kh, kw), (sh, sw), (ph, pw) = (_pair(kernel_size), _pair(stride),
                                    _pair(padding))
    if x.dim() not in (3, 4):
        raise ValueError('separable_max_pool2d: expected (N, C, H, W) or '
                         f'(C, H, W), got shape {tuple(x.shape)}')
    if min(kh, kw, sh, sw) < 1 or ph > kh // 2 or pw > kw // 2 or min(
            ph, pw) < 0:
        raise ValueError(
            'separable_max_pool2d: need kernel, stride >= 1 and 0 <= padding '
            f'<= kernel // 2, got kernel_size={kernel_size}, stride={stride}'
            f', padding={padding}')
    h, w = x.shape[-2:]
    out_h, out_w = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
    if out_h < 1 or out_w < 1:
        raise ValueError(
            f'separable_max_pool2d: input {tuple(x.shape)} is smaller than '
            f'the window {(kh, kw)} (padding {(ph, pw)})')
    rows = _max_along(x, x.dim() - 2, kh, sh, ph, out_h)
    return _max_along(rows, x.dim() - 1, kw, sw, pw, out_w)
