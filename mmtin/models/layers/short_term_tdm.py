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

    def differences(self, frames: Tensor) -> Tensor:
        """Pooled RGB differences, ``(NT, K*3, H, W) -> (NT, (K-1)*3, H/2,
        W/2)``: ``AvgPool2d(2, 2)`` then differences, computed in one pass
        (:func:`pooled_differences`)."""
        return pooled_differences(frames, self.num_channels)

    def forward(self, x: Tensor, diff: Tensor) -> Tensor:
        """Fuse ``diff`` (upsampled by nearest to the size of ``x``) into
        ``x``."""
        return nearest_fuse(x, diff, self.alpha, self.beta)

    def extra_repr(self) -> str:
        return f'alpha={self.alpha}, beta={self.beta}'
