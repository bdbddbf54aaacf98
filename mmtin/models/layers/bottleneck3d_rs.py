# Copyright (c) OpenMMLab. All rights reserved.
"""The 3D ResNet-RS bottleneck: self-gating, squeeze-excitation, DropPath.

Paper: Du et al., "Revisiting 3D ResNets for Video Recognition", 2021
(https://arxiv.org/abs/2109.01696); layout as in TF Model Garden
``vision/modeling/layers/nn_blocks_3d.py`` (``BottleneckBlock3D``).
"""
from typing import Dict, List

import torch
import torch.nn as nn
import torch.utils.checkpoint as cp
from mmaction.models.backbones.resnet3d import Bottleneck3d
from mmcv.cnn import build_activation_layer, build_conv_layer
from mmcv.cnn.bricks import DropPath
from torch import Tensor


class SqueezeExcite3d(nn.Module):
    """``x * sigmoid(conv(relu(conv(mean_THW(x)))))`` with 1x1x1 convs.

    Args:
        channels (int): Input (and output) channels.
        ratio (float): The hidden width is ``max(1, int(channels * ratio))``.
            Default: 0.25.
        conv_cfg (dict): Config of the 1x1x1 convs.
            Default: ``dict(type='Conv3d')``.
        act_cfg (dict): Config of the hidden activation.
            Default: ``dict(type='ReLU', inplace=True)``.
    """

    def __init__(self,
                 channels: int,
                 ratio: float = 0.25,
                 conv_cfg: Dict = dict(type='Conv3d'),
                 act_cfg: Dict = dict(type='ReLU', inplace=True)):
        super().__init__()
        if not 0 < ratio <= 1:
            raise ValueError(f'SqueezeExcite3d: ratio must be in (0, 1], '
                             f'got {ratio}')
        self.hidden_channels = max(1, int(channels * ratio))
        self.reduce = build_conv_layer(conv_cfg, channels,
                                       self.hidden_channels, 1)
        self.relu = build_activation_layer(act_cfg)
        self.expand = build_conv_layer(conv_cfg, self.hidden_channels,
                                       channels, 1)

    def forward(self, x: Tensor) -> Tensor:
        s = x.mean(dim=(2, 3, 4), keepdim=True)
        return x * torch.sigmoid(self.expand(self.relu(self.reduce(s))))


class SelfGating3d(nn.Module):
    """S3D-G feature gating: ``x * sigmoid(conv1x1x1(mean_THW(x)))``.

    Args:
        channels (int): Input (and output) channels.
        conv_cfg (dict): Config of the 1x1x1 conv.
            Default: ``dict(type='Conv3d')``.
    """

    def __init__(self, channels: int, conv_cfg: Dict = dict(type='Conv3d')):
        super().__init__()
        self.fc = build_conv_layer(conv_cfg, channels, channels, 1)

    def init_weights(self) -> None:
        """N(0, 0.01) weight (TF uses a truncated normal), zero bias."""
        nn.init.normal_(self.fc.weight, std=0.01)
        nn.init.zeros_(self.fc.bias)

    def forward(self, x: Tensor) -> Tensor:
        return x * torch.sigmoid(
            self.fc(x.mean(dim=(2, 3, 4), keepdim=True)))


class Bottleneck3dRS(Bottleneck3d):
    """:class:`Bottleneck3d` plus the ResNet-RS additions.

    ``out = relu(drop_path(se(self_gating(conv3(conv2(conv1(x)))))) +
    shortcut(x))``: self-gating (if enabled) comes before SE, as in the TF
    code; SE is on the expanded ``4 * planes`` channels; DropPath drops the
    whole residual branch per sample while training and is the identity in
    eval mode. Non-local blocks, if configured, follow as in the parent.

    Args:
        se_ratio (float): SE hidden width is ``max(1, int(4 * planes *
            se_ratio))``; 0 disables SE. Default: 0.25.
        self_gating (bool): Apply :class:`SelfGating3d`. Default: False.
        drop_path_rate (float): Stochastic depth rate. Default: 0.
        kwargs: The arguments of :class:`Bottleneck3d` (``inplanes``,
            ``planes``, strides, ``downsample``, ``inflate``, ...).
    """

    def __init__(self,
                 *args,
                 se_ratio: float = 0.25,
                 self_gating: bool = False,
                 drop_path_rate: float = 0.,
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        channels = self.planes * self.expansion
        self.se_ratio = se_ratio
        self.self_gating = SelfGating3d(
            channels, conv_cfg=self.conv_cfg) if self_gating else None
        self.se = SqueezeExcite3d(
            channels, se_ratio, conv_cfg=self.conv_cfg) if se_ratio else None
        self.drop_path = DropPath(drop_path_rate)

    def forward(self, x: Tensor) -> Tensor:
        """Defines the computation performed at every call."""

        def _inner_forward(x):
            out = self.conv3(self.conv2(self.conv1(x)))
            if self.self_gating is not None:
                out = self.self_gating(out)
            if self.se is not None:
                out = self.se(out)
            out = self.drop_path(out)
            identity = x if self.downsample is None else self.downsample(x)
            return out + identity

        if self.with_cp and x.requires_grad:
            out = cp.checkpoint(_inner_forward, x, use_reentrant=False)
        else:
            out = _inner_forward(x)
        out = self.relu(out)
        if self.non_local:
            out = self.non_local_block(out)
        return out


def rs_block_kwargs(stage: int, num_blocks: int, se_ratio: float,
                    self_gating: bool, drop_path_rate: float) -> List[Dict]:
    """Per-block extra arguments of one ResNet-RS stage (pure function).

    Args:
        stage (int): 0-based stage index.
        num_blocks (int): Blocks in the stage.
        se_ratio (float): SE ratio of every block.
        self_gating (bool): Whether the stage's last block self-gates.
        drop_path_rate (float): The network's base rate; stage ``i`` uses
            ``drop_path_rate * (i + 2) / 5`` in every block.

    Returns:
        list[dict]: One kwargs dict a block.
    """
    rate = drop_path_rate * (stage + 2) / 5
    return [
        dict(se_ratio=se_ratio, drop_path_rate=rate,
             self_gating=self_gating and i == num_blocks - 1)
        for i in range(num_blocks)
    ]
