# Copyright (c) OpenMMLab. All rights reserved.
"""The short-term temporal difference module (S-TDM) of TDN.

The S-TDM feeds RGB differences of the frames around each segment's centre
frame through a light ResNet stem and a copy of ``layer1``, and fuses the
result into the RGB stream twice (after the stem and after ``layer1``). The
parameterised parts (the 12->64 stem and the ``layer1`` copy) are ordinary
ResNet pieces built by the backbone (``diff_conv1``, ``diff_layer1`` in
:class:`~mmtin.models.backbones.TDNResNet`); this module holds the
parameter-free steps around them.
"""
from typing import Optional, Sequence

import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS
from torch import Tensor

from mmtin.ops.temporal_difference import (nearest_fuse, pooled_differences,
                                           stdm_fusion_weights)


@MODELS.register_module()
class ShortTermTDM(nn.Module):
    """Difference input and weighted fusion of the S-TDM.

    * :meth:`differences`: ``(NT, 5*3, H, W)`` frames ->
      ``AvgPool2d(2, 2)([x2-x1, x3-x2, x4-x3, x5-x4])``, ``(NT, 12, H/2,
      W/2)``, the input of the difference stem.
    * :meth:`forward`: ``alpha * x + beta * nearest_up(diff)``, the fusion.

    :meth:`switch_to_deploy` swaps in fused kernels for both
    (:func:`~mmtin.ops.pooled_differences`: pool and differences as one
    strided conv; :func:`~mmtin.ops.nearest_fuse`: the 2x nearest upsampling
    as a broadcast); the results are the same.

    Args:
        num_segments (int): Segments per clip T; sets the fusion weights as
            the official code does: ``(0.5, 0.5)`` if T == 8, else
            ``(0.75, 0.25)``. Default: 8.
        fusion_weights (Sequence[float], optional): ``(alpha, beta)`` that
            override the rule above. Default: None.
        num_channels (int): Channels of one frame. Default: 3.
    """

    def __init__(self,
                 num_segments: int = 8,
                 fusion_weights: Optional[Sequence[float]] = None,
                 num_channels: int = 3):
        super().__init__()
        if fusion_weights is None:
            fusion_weights = stdm_fusion_weights(num_segments)
        if len(fusion_weights) != 2:
            raise ValueError(
                'ShortTermTDM: fusion_weights must be (alpha, beta), got '
                f'{fusion_weights}')
        self.num_segments = num_segments
        self.alpha, self.beta = (float(w) for w in fusion_weights)
        self.num_channels = num_channels
        self.deploy = False

    def differences(self, frames: Tensor) -> Tensor:
        """Pooled RGB differences, ``(NT, K*3, H, W) -> (NT, (K-1)*3, H/2,
        W/2)``: consecutive-frame differences, then ``AvgPool2d(2, 2)``."""
        c = self.num_channels
        if frames.dim() != 4 or frames.shape[1] % c != 0 \
                or frames.shape[1] < 2 * c or min(frames.shape[2:]) < 2:
            raise ValueError(
                'ShortTermTDM: frames must be (NT, K*num_channels, H, W) '
                f'with K >= 2, num_channels={c} and H, W >= 2, got shape '
                f'{tuple(frames.shape)}')
        if self.deploy:
            return pooled_differences(frames, c)
        # [x2 - x1, ..., xK - x(K-1)], frame outer, colour inner
        return F.avg_pool2d(frames[:, c:] - frames[:, :-c], 2, 2)

    def forward(self, x: Tensor, diff: Tensor) -> Tensor:
        """Fuse ``diff`` (upsampled by nearest to the size of ``x``) into
        ``x``."""
        if diff.shape[:2] != x.shape[:2]:
            raise ValueError(
                f'ShortTermTDM: diff {tuple(diff.shape)} and x '
                f'{tuple(x.shape)} must agree in batch and channels')
        if self.deploy:
            return nearest_fuse(x, diff, self.alpha, self.beta)
        return self.alpha * x + self.beta * F.interpolate(
            diff, size=x.shape[2:], mode='nearest')

    def switch_to_deploy(self) -> None:
        """Use the fused kernels (no parameters change)."""
        self.deploy = True

    def extra_repr(self) -> str:
        return f'alpha={self.alpha}, beta={self.beta}'
