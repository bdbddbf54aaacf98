# Copyright (c) OpenMMLab. All rights reserved.
"""Learnable depthwise temporal convolution, shift initialised.

It is ``ShiftModule(mode='shift')`` of the official TDN code (the TEA-style
1D conv that follows the L-TDM). The weight keeps the ``nn.Conv1d`` layout
``(C, 1, 3)`` so that the official ``shift.conv.weight`` copies as is.
"""
import torch
import torch.nn as nn
from mmaction.registry import MODELS
from torch import Tensor

from mmtin.ops.temporal_difference import temporal_depthwise_conv
from ..utils.validators import check_int, check_num_segments


@MODELS.register_module()
class TemporalDepthwiseConv(nn.Module):
    """``Conv1d(C, C, 3, padding=1, groups=C, bias=False)`` along time.

    Applied at every pixel of an ``(N*T, C, H, W)`` input. It is computed as
    three shifted multiply-adds (no permute copies).

    Shift initialisation (``fold = C // shift_div``): the first ``fold``
    channels take the next frame (``out[t] = x[t+1]``), the next ``fold``
    the previous frame (``out[t] = x[t-1]``), the rest are identity. The
    weights stay learnable.

    Args:
        channels (int): Channels C.
        num_segments (int): Segments per clip T. Default: 8.
        shift_div (int): ``C // shift_div`` channels per shift direction in
            the initialisation. Default: 8.
    """

    def __init__(self,
                 channels: int,
                 num_segments: int = 8,
                 shift_div: int = 8):
        super().__init__()
        check_num_segments(num_segments, 'TemporalDepthwiseConv')
        check_int(shift_div, 'shift_div', 'TemporalDepthwiseConv', minimum=2)
        self.channels = channels
        self.num_segments = num_segments
        self.shift_div = shift_div
        self.weight = nn.Parameter(torch.empty(channels, 1, 3))
        self.init_weights()

    def init_weights(self) -> None:
        """Shift initialisation (see the class docstring)."""
        fold = self.channels // self.shift_div
        with torch.no_grad():
            self.weight.zero_()
            self.weight[:fold, 0, 2] = 1.0  # out[t] = x[t + 1]
            self.weight[fold:2 * fold, 0, 0] = 1.0  # out[t] = x[t - 1]
            self.weight[2 * fold:, 0, 1] = 1.0  # identity

    def forward(self, x: Tensor) -> Tensor:
        """``(N*T, C, H, W) -> (N*T, C, H, W)``."""
        if x.dim() < 2 or x.shape[1] != self.channels:
            raise ValueError(
                f'TemporalDepthwiseConv: expected input (N*T, '
                f'{self.channels}, ...), got shape {tuple(x.shape)}')
        return temporal_depthwise_conv(x, self.weight, self.num_segments)

    def extra_repr(self) -> str:
        return (f'channels={self.channels}, num_segments={self.num_segments}'
                f', shift_div={self.shift_div}')
