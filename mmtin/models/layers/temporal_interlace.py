# Copyright (c) OpenMMLab. All rights reserved.
"""The Temporal Interlace module (TIN) and its offset/weight predictors.

Paper: Shao et al., "Temporal Interlacing Network", AAAI 2020
(https://arxiv.org/abs/2001.06499). Parameter names and initialisation follow
MMAction2's ``resnet_tin.py`` so that its checkpoints load unchanged
(``offset_net.{conv,fc1,fc2}``, ``weight_net.conv``). The shift itself is
:func:`mmtin.ops.linear_sampler` (pure PyTorch, any device).
"""
from typing import Dict

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmcv.cnn import build_activation_layer, build_conv_layer
from torch import Tensor

from mmtin.ops import linear_sampler
from ..utils.validators import check_num_segments, check_shift_div

#: ``-log(1/0.625 - 1)``: sigmoid gives 0.625, i.e. an initial offset of
#: about +0.5 frame (``4 * (0.625 - 0.5)``), as published.
OFFSET_BIAS_INIT = 0.5108


class OffsetNet(nn.Module):
    """Predicts one temporal offset per learned channel group.

    ``[N, C, T] -> conv1d(C->1, k3) -> fc1(T->T) -> ReLU -> fc2(T->G)
    -> 4 * (sigmoid - 0.5)``, so offsets lie in (-2, 2).

    Args:
        in_channels (int): Channels of the pooled descriptor.
        groups (int): Number of learned offsets. Default: 2.
        num_segments (int): Number of frames T. Default: 8.
        conv_cfg (dict): Config of the temporal conv.
            Default: ``dict(type='Conv1d')``.
        act_cfg (dict): Config of the hidden activation.
            Default: ``dict(type='ReLU')``.
    """

    def __init__(self,
                 in_channels: int,
                 groups: int = 2,
                 num_segments: int = 8,
                 conv_cfg: Dict = dict(type='Conv1d'),
                 act_cfg: Dict = dict(type='ReLU')):
        super().__init__()
        self.conv = build_conv_layer(
            conv_cfg, in_channels, 1, kernel_size=3, padding=1)
        self.fc1 = nn.Linear(num_segments, num_segments)
        self.relu = build_activation_layer(act_cfg)
        self.fc2 = nn.Linear(num_segments, groups)
        self.init_weights()

    def init_weights(self) -> None:
        """Offset starts near +0.5 (fc2 bias 0.5108); the rest keeps
        PyTorch's default init."""
        self.fc2.bias.data.fill_(OFFSET_BIAS_INIT)

    def forward(self, x: Tensor) -> Tensor:
        """``[N, C, T] -> [N, G]`` offsets."""
        n, _, t = x.shape
        x = self.conv(x).view(n, t)
        x = self.fc2(self.relu(self.fc1(x)))
        return 4 * (torch.sigmoid(x) - 0.5)


class WeightNet(nn.Module):
    """Predicts a per-frame weight for each learned channel group.

    ``[N, C, T] -> conv1d(C->G, k3, bias 0) -> 2 * sigmoid``, range (0, 2),
    about 1 at init.

    Args:
        in_channels (int): Channels of the pooled descriptor.
        groups (int): Number of learned groups. Default: 2.
        conv_cfg (dict): Config of the temporal conv.
            Default: ``dict(type='Conv1d')``.
    """

    def __init__(self,
                 in_channels: int,
                 groups: int = 2,
                 conv_cfg: Dict = dict(type='Conv1d')):
        super().__init__()
        self.conv = build_conv_layer(
            conv_cfg, in_channels, groups, kernel_size=3, padding=1)
        self.init_weights()

    def init_weights(self) -> None:
        """Bias 0, so the weights start at 1."""
        self.conv.bias.data.zero_()

    def forward(self, x: Tensor) -> Tensor:
        """``[N, C, T] -> [N, T, G]`` weights."""
        return 2 * torch.sigmoid(self.conv(x)).permute(0, 2, 1)


@MODELS.register_module()
class TemporalInterlace(nn.Module):
    """Interlace the first ``C // shift_div`` channels along time.

    Those channels are split into 4 contiguous groups. Groups 0 and 1 are
    shifted by the two learned offsets ``(o0, o1)``, groups 2 and 3 by their
    mirror ``(-o0, -o1)``; after the shift, group ``k`` is scaled per output
    frame by the learned weight ``w[k % 2]``. The remaining channels pass
    through unchanged. Input and output are ``[N*T, C, H, W]``.

    Args:
        in_channels (int): Channels C of the input.
        num_segments (int): Frames per clip T. Default: 8.
        shift_div (int): ``C // shift_div`` channels are interlaced; that
            number must be divisible by 4. Default: 4.
        conv_cfg (dict): Config of the temporal convs of the offset and
            weight predictors. Default: ``dict(type='Conv1d')``.
        act_cfg (dict): Hidden activation of the offset predictor.
            Default: ``dict(type='ReLU')``.
    """

    groups = 2  # learned offsets; the mirrored copy makes 4 channel groups

    def __init__(self,
                 in_channels: int,
                 num_segments: int = 8,
                 shift_div: int = 4,
                 conv_cfg: Dict = dict(type='Conv1d'),
                 act_cfg: Dict = dict(type='ReLU')):
        super().__init__()
        check_num_segments(num_segments, 'TemporalInterlace')
        check_shift_div(in_channels, shift_div, 'TemporalInterlace')
        num_folds = in_channels // shift_div
        self.in_channels = in_channels
        self.num_segments = num_segments
        self.shift_div = shift_div
        self.num_folds = num_folds
        self.offset_net = OffsetNet(num_folds, self.groups, num_segments,
                                    conv_cfg=conv_cfg, act_cfg=act_cfg)
        self.weight_net = WeightNet(num_folds, self.groups, conv_cfg=conv_cfg)

    def extra_repr(self) -> str:
        return (f'in_channels={self.in_channels}, num_segments='
                f'{self.num_segments}, shift_div={self.shift_div}')

    def forward(self, x: Tensor) -> Tensor:
        """``[N*T, C, H, W] -> [N*T, C, H, W]``."""
        nt, c, h, w = x.shape
        t = self.num_segments
        if c != self.in_channels:
            raise ValueError(f'TemporalInterlace: expected {self.in_channels}'
                             f' channels, got input of shape {tuple(x.shape)}')
        if nt % t != 0:
            raise ValueError(
                f'TemporalInterlace: the batch dimension {nt} of input shape '
                f'{tuple(x.shape)} is not a multiple of num_segments={t}')
        n, f = nt // t, self.num_folds
        desc = x[:, :f].reshape(n, t, f, h, w)
        # mean over W then H, in MMAction2's order (bitwise-equal pooling)
        pooled = desc.mean(3).mean(3).permute(0, 2, 1)  # [N, F, T]
        offset = self.offset_net(pooled)  # [N, 2]
        offset = torch.cat([offset, -offset], dim=1)  # [N, 4]
        weight = self.weight_net(pooled)  # [N, T, 2]
        # group k of 4 uses weight k % 2: [w0, w1, w0, w1]
        weight = weight.repeat(1, 1, 2).repeat_interleave(f // 4, dim=2)
        shifted = linear_sampler(desc, offset)
        shifted = shifted * weight[..., None, None].to(shifted.dtype)
        shifted = shifted.reshape(nt, f, h, w)
        return torch.cat([shifted, x[:, f:]], dim=1)
