# Copyright (c) OpenMMLab. All rights reserved.
"""Pure tensor math of TDN (Temporal Difference Networks).

Paper: Wang et al., "TDN: Temporal Difference Networks for Efficient Action
Recognition", CVPR 2021 (https://arxiv.org/abs/2012.10071). These functions
hold no parameters; the modules in ``mmtin/models/layers/`` (``LongTermTDM``,
``ShortTermTDM``, ``TemporalDepthwiseConv``) own the weights and call them.
:func:`pooled_differences`, :func:`pointwise_conv` and :func:`nearest_fuse`
are the fused inference kernels that those modules use only after
``switch_to_deploy()``; each equals the plain math it replaces. Behaviour
follows the official code (MCG-NJU/TDN), see ``shared/specs/tdn.md``.
"""
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor


def stdm_fusion_weights(num_segments: int) -> Tuple[float, float]:
    """Weights ``(alpha, beta)`` of the S-TDM fusion
    ``alpha * rgb + beta * diff``.

    The official code tests ``num_segments is 8``: ``(0.5, 0.5)`` for 8
    segments, ``(0.75, 0.25)`` for any other number.

    Args:
        num_segments (int): Segments per clip T.

    Returns:
        tuple[float, float]: ``(alpha, beta)``.
    """
    return (0.5, 0.5) if num_segments == 8 else (0.75, 0.25)


def pooled_differences(frames: Tensor, num_channels: int = 3) -> Tensor:
    """``AvgPool2d(2, 2)`` of the consecutive-frame differences, in one pass.

    ``[x2 - x1, ..., xK - x(K-1)]`` of ``AvgPool2d(2, 2)(frames)`` (both
    steps are linear), computed as one stride-2 2x2 convolution whose
    output channel ``(k, ch)`` averages ``+frame[k+1, ch]`` and
    ``-frame[k, ch]`` over the window. It reads the full-resolution frames
    once and writes only the pooled differences; odd sizes drop the last
    row/column, as the pool.

    Args:
        frames (Tensor): ``(NT, K * num_channels, H, W)``, the K frames of a
            segment stacked along channels (frame outer, colour inner).
        num_channels (int): Channels of one frame. Default: 3.

    Returns:
        Tensor: ``(NT, (K - 1) * num_channels, H // 2, W // 2)``.
    """
    if frames.dim() != 4 or frames.shape[1] % num_channels != 0 \
            or frames.shape[1] < 2 * num_channels:
        raise ValueError(
            'pooled_differences: frames must be (NT, K*num_channels, H, W) '
            f'with K >= 2 and num_channels={num_channels}, got shape '
            f'{tuple(frames.shape)}')
    if min(frames.shape[2:]) < 2:
        raise ValueError(
            'pooled_differences: frames must be at least 2x2 for the 2x2 '
            f'pool, got shape {tuple(frames.shape)}')
    in_ch = frames.shape[1]
    out_ch = in_ch - num_channels
    weight = frames.new_zeros(out_ch, in_ch, 2, 2)
    idx = torch.arange(out_ch, device=frames.device)
    weight[idx, idx + num_channels] = 0.25
    weight[idx, idx] = -0.25
    return F.conv2d(frames, weight, stride=2)


def pointwise_conv(x: Tensor, weight: Tensor,
                   bias: Optional[Tensor] = None) -> Tensor:
    """A 1x1 convolution as one batched matrix product.

    ``out[n, o] = sum_i weight[o, i] * x[n, i] (+ bias[o])``, the same as
    ``F.conv2d(x, weight, bias)``. For the thin layers of the L-TDM
    (C -> C/16 -> C) the matrix product avoids the blocked-layout reorders
    of the oneDNN convolution on CPU, which cost several times the
    arithmetic there.

    Args:
        x (Tensor): ``(N, C_in, H, W)``.
        weight (Tensor): ``(C_out, C_in, 1, 1)``.
        bias (Tensor, optional): ``(C_out, )``. Default: None.

    Returns:
        Tensor: ``(N, C_out, H, W)``.
    """
    c_out, c_in = weight.shape[:2]
    if weight.shape[2:] != (1, 1) or x.dim() != 4 or x.shape[1] != c_in:
        raise ValueError(
            f'pointwise_conv: expected x (N, {c_in}, H, W) and weight '
            f'(C_out, C_in, 1, 1), got x {tuple(x.shape)} and weight '
            f'{tuple(weight.shape)}')
    n, _, h, w = x.shape
    flat = x.reshape(n, c_in, h * w)
    w2 = weight.reshape(c_out, c_in)
    if bias is None:
        out = torch.matmul(w2, flat)
    elif c_out > c_in:
        # widening (C/16 -> C): the bias rides along as an extra input
        # channel of ones, so the product writes the large output once
        ones = flat.new_ones(n, 1, h * w)
        out = torch.matmul(torch.cat([w2, bias.view(c_out, 1)], dim=1),
                           torch.cat([flat, ones], dim=1))
    else:  # narrowing: add the bias to the small output
        out = torch.matmul(w2, flat) + bias.view(1, c_out, 1)
    return out.view(n, c_out, h, w)


def bidirectional_differences(feat: Tensor, feat_conv: Tensor,
                              num_segments: int) -> Tensor:
    """Forward and backward temporal differences of the L-TDM, stacked.

    With ``B = feat`` and ``Bc = feat_conv`` viewed as ``(N, T, c, H, W)``:
    ``fwd[t] = Bc[t+1] - B[t]`` (``fwd[T-1] = 0``) and
    ``bwd[t] = Bc[t-1] - B[t]`` (``bwd[0] = 0``).

    Args:
        feat (Tensor): ``(N*T, c, H, W)`` features B.
        feat_conv (Tensor): ``(N*T, c, H, W)`` features Bc (B after the
            depthwise conv).
        num_segments (int): Segments per clip T.

    Returns:
        Tensor: ``(2*N*T, c, H, W)``: the forward differences, then the
        backward ones (``.chunk(2)`` splits them).
    """
    nt, c, h, w = feat.shape
    if nt % num_segments != 0:
        raise ValueError(
            f'bidirectional_differences: batch {nt} of shape '
            f'{tuple(feat.shape)} is not divisible by '
            f'num_segments={num_segments}')
    b = feat.view(-1, num_segments, c, h, w)
    bc = feat_conv.view(-1, num_segments, c, h, w)
    out = feat.new_zeros((2, ) + b.shape)
    out[0, :, :-1] = bc[:, 1:] - b[:, :-1]
    out[1, :, 1:] = bc[:, :-1] - b[:, 1:]
    return out.view(2 * nt, c, h, w)


def temporal_depthwise_conv(x: Tensor, weight: Tensor,
                            num_segments: int) -> Tensor:
    """Depthwise 3-tap convolution over time, zero padded.

    ``out[t, ch] = w[ch, 0] * x[t-1, ch] + w[ch, 1] * x[t, ch]
    + w[ch, 2] * x[t+1, ch]`` (cross-correlation, as ``nn.Conv1d``), with
    ``x[-1] = x[T] = 0``. Equals ``Conv1d(C, C, 3, padding=1, groups=C,
    bias=False)`` applied along time at every pixel.

    Args:
        x (Tensor): ``(N*T, C, H, W)``.
        weight (Tensor): ``(C, 1, 3)`` (the ``nn.Conv1d`` layout).
        num_segments (int): Segments per clip T.

    Returns:
        Tensor: ``(N*T, C, H, W)``.
    """
    nt, c = x.shape[:2]
    if nt % num_segments != 0:
        raise ValueError(
            f'temporal_depthwise_conv: batch {nt} of shape {tuple(x.shape)} '
            f'is not divisible by num_segments={num_segments}')
    if weight.shape != (c, 1, 3):
        raise ValueError(
            f'temporal_depthwise_conv: weight must be ({c}, 1, 3) for {c} '
            f'channels, got {tuple(weight.shape)}')
    xt = x.view((-1, num_segments) + x.shape[1:])
    w = weight.view((1, 1, c, 3) + (1, ) * (x.dim() - 2))
    out = xt * w[:, :, :, 1]
    out[:, 1:].addcmul_(xt[:, :-1], w[:, :, :, 0])
    out[:, :-1].addcmul_(xt[:, 1:], w[:, :, :, 2])
    return out.view(x.shape)


def nearest_fuse(x: Tensor, diff: Tensor, alpha: float,
                 beta: float) -> Tensor:
    """``alpha * x + beta * interpolate(diff, size of x, 'nearest')``.

    ``F.interpolate(mode='nearest')`` picks source pixel
    ``floor(i * in / out)``. For an exact 2x size (the 224 and 256 inputs)
    that is pixel replication: ``diff`` is replicated along the width only
    (half the size of ``x``) and broadcast over row pairs, instead of
    materialising the upsampled tensor; the result is the same.

    Args:
        x (Tensor): ``(NT, C, H, W)`` RGB features.
        diff (Tensor): ``(NT, C, h, w)`` difference features.
        alpha (float): Weight of ``x``.
        beta (float): Weight of the upsampled ``diff``.

    Returns:
        Tensor: ``(NT, C, H, W)``.
    """
    if diff.shape[:2] != x.shape[:2]:
        raise ValueError(
            f'nearest_fuse: diff {tuple(diff.shape)} and x {tuple(x.shape)} '
            'must agree in batch and channels')
    (n, c, h, w), (hd, wd) = x.shape, diff.shape[2:]
    if (h, w) == (2 * hd, 2 * wd):
        x5 = x.reshape(n, c, hd, 2, w)
        diff5 = diff.repeat_interleave(2, dim=3).view(n, c, hd, 1, w)
        if alpha + beta == 1:  # one pass: x + beta * (diff - x)
            out = torch.lerp(x5, diff5, beta)
        else:
            out = torch.add(alpha * x5, diff5, alpha=beta)
        return out.view(n, c, h, w)
    if (h, w) != (hd, wd):
        diff = F.interpolate(diff, size=(h, w), mode='nearest')
    return alpha * x + beta * diff
