# Copyright (c) OpenMMLab. All rights reserved.
"""LSTS's ``low2high`` transform of cheap features into the high space."""
from typing import Optional

import torch.nn as nn
from mmaction.registry import MODELS
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from torch import Tensor


@MODELS.register_module()
class LSTSLow2High(BaseModule):
    """Map low-level features to the channels (and resolution) of the
    high-level ones: 1x1 conv, 3x3 conv (with ``stride``), 3x3 conv, each
    followed by the activation, as in LSTS's non-key-frame path.

    Args:
        in_channels (int): Channels of the low-level features.
        out_channels (int): Channels of the high-level features.
        mid_channels (int): Channels of the first two convs. Default: 256.
        stride (int): Stride of the middle conv, so that the output matches
            the high-level resolution. Default: 1.
        conv_cfg (dict, optional): Conv layer config. Default: None.
        norm_cfg (dict, optional): Norm layer config. Default: None.
        act_cfg (dict): Activation config. Default: dict(type='ReLU').
        init_cfg (dict, optional): Initialisation config. Default: None.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 mid_channels: int = 256,
                 stride: int = 1,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = None,
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.in_channels = in_channels
        common = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.layers = nn.Sequential(
            ConvModule(in_channels, mid_channels, 1, **common),
            ConvModule(mid_channels, mid_channels, 3, stride=stride,
                       padding=1, **common),
            ConvModule(mid_channels, out_channels, 3, padding=1, **common))

    def forward(self, x: Tensor) -> Tensor:
        """``[B, in_channels, H, W]`` -> ``[B, out_channels, H', W']``."""
        if x.dim() != 4 or x.shape[1] != self.in_channels:
            raise ValueError(
                f'LSTSLow2High: input has shape {tuple(x.shape)}; expected '
                f'[B, {self.in_channels}, H, W] (in_channels)')
        return self.layers(x)
