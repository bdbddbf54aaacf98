# Copyright (c) OpenMMLab. All rights reserved.
"""Pure tensor math of TDN (Temporal Difference Networks).

Paper: Wang et al., "TDN: Temporal Difference Networks for Efficient Action
Recognition", CVPR 2021 (https://arxiv.org/abs/2012.10071). These functions
hold no parameters; the modules in ``long_term_tdm.py``,
``short_term_tdm.py`` and ``temporal_depthwise_conv.py`` own the weights and
call them. Behaviour follows the official code (MCG-NJU/TDN), see
``shared/specs/tdn.md``.
"""
from typing import Tuple

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


def rgb_differences(frames: Tensor, num_channels: int = 3) -> Tensor:
    """Differences of consecutive frames stacked along channels.

    Args:
        frames (Tensor): ``(NT, K * num_channels, H, W)``, the K frames of a
            segment stacked along channels (frame outer, colour inner).
        num_channels (int): Channels of one frame. Default: 3.

    Returns:
        Tensor: ``(NT, (K - 1) * num_channels, H, W)`` holding
        ``[x2 - x1, x3 - x2, ..., xK - x(K-1)]``.
    """
    if frames.dim() != 4 or frames.shape[1] % num_channels != 0 \
            or frames.shape[1] < 2 * num_channels:
        raise ValueError(
            'rgb_differences: frames must be (NT, K*num_channels, H, W) with '
            f'K >= 2 and num_channels={num_channels}, got shape '
            f'{tuple(frames.shape)}')
    return frames[:, num_channels:] - frames[:, :-num_channels]


def bidirectional_differences(feat: Tensor, feat_conv: Tensor,
                              num_segments: int) -> Tuple[Tensor, Tensor]:
    """Forward and backward temporal differences of the L-TDM.

    With ``B = feat`` and ``Bc = feat_conv`` viewed as ``(N, T, c, H, W)``:
    ``fwd[t] = Bc[t+1] - B[t]`` (``fwd[T-1] = 0``) and
    ``bwd[t] = Bc[t-1] - B[t]`` (``bwd[0] = 0``).

    Args:
        feat (Tensor): ``(N*T, c, H, W)`` features B.
        feat_conv (Tensor): ``(N*T, c, H, W)`` features Bc (B after the
            depthwise conv).
        num_segments (int): Segments per clip T.

    Returns:
        tuple[Tensor, Tensor]: Forward and backward differences, both
        ``(N*T, c, H, W)``.
    """
    nt, c, h, w = feat.shape
    if nt % num_segments != 0:
        raise ValueError(
            f'bidirectional_differences: batch {nt} of shape '
            f'{tuple(feat.shape)} is not divisible by '
            f'num_segments={num_segments}')
    b = feat.view(-1, num_segments, c, h, w)
    bc = feat_conv.view(-1, num_segments, c, h, w)
    # F.pad pads dims from the last one: (W, W, H, H, c, c, T_before, T_after)
    fwd = F.pad(bc[:, 1:] - b[:, :-1], (0, 0, 0, 0, 0, 0, 0, 1))
    bwd = F.pad(bc[:, :-1] - b[:, 1:], (0, 0, 0, 0, 0, 0, 1, 0))
    return fwd.view(nt, c, h, w), bwd.view(nt, c, h, w)


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
    that is pixel replication, done here by broadcasting instead of
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
        x6 = x.view(n, c, hd, 2, wd, 2)
        diff6 = diff.view(n, c, hd, 1, wd, 1)
        if alpha + beta == 1:  # one pass: x + beta * (diff - x)
            out = torch.lerp(x6, diff6, beta)
        else:
            out = torch.add(alpha * x6, diff6, alpha=beta)
        return out.view(n, c, h, w)
    if (h, w) != (hd, wd):
        diff = F.interpolate(diff, size=(h, w), mode='nearest')
    return alpha * x + beta * diff
