# Copyright (c) OpenMMLab. All rights reserved.
"""Classification head of MoViNet."""
from typing import Dict

import torch.nn as nn
from mmaction.models.heads.base import BaseHead
from mmaction.registry import MODELS
from mmcv.cnn import build_activation_layer
from mmengine.model.weight_init import normal_init
from torch import Tensor


@MODELS.register_module()
class MoViNetHead(BaseHead):
    """Global average pool, hidden FC with activation, dropout, classifier.

    ``[N, C, T, H, W] (or pooled [N, C]) -> mean over T, H, W
    -> Linear(C, hidden) + act -> dropout -> Linear(hidden, num_classes)``.
    The two linear layers are the published 1x1x1 convolutions on the pooled
    vector. Passing already pooled ``[N, C]`` features lets a streaming
    recognizer feed its running mean.

    Args:
        num_classes (int): Number of classes.
        in_channels (int): Channels of the backbone output.
        hidden_channels (int): Width of the hidden layer (2048 for A0-A5,
            1024 for T0). Default: 2048.
        act_cfg (dict): Activation after the hidden layer.
            Default: ``dict(type='SiLU')``.
        dropout_ratio (float): Dropout before the classifier. Default: 0.2.
        init_std (float): Std of the classifier's normal init.
            Default: 0.01.
        kwargs: Passed to :class:`mmaction.models.heads.BaseHead`
            (``loss_cls``, ``label_smooth_eps``, ``average_clips``, ...).
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 hidden_channels: int = 2048,
                 act_cfg: Dict = dict(type='SiLU'),
                 dropout_ratio: float = 0.2,
                 init_std: float = 0.01,
                 **kwargs) -> None:
        super().__init__(num_classes, in_channels, **kwargs)
        self.hidden_channels = hidden_channels
        self.init_std = init_std
        self.fc_hidden = nn.Linear(in_channels, hidden_channels)
        self.act = build_activation_layer(act_cfg)
        self.dropout = nn.Dropout(p=dropout_ratio) if dropout_ratio else None
        self.fc_cls = nn.Linear(hidden_channels, num_classes)

    def init_weights(self) -> None:
        """He-normal hidden layer, N(0, init_std) classifier, zero biases."""
        nn.init.kaiming_normal_(self.fc_hidden.weight, mode='fan_in',
                                nonlinearity='relu')
        nn.init.zeros_(self.fc_hidden.bias)
        normal_init(self.fc_cls, std=self.init_std)

    def forward(self, x: Tensor, **kwargs) -> Tensor:
        """``[N, C, T, H, W]`` or ``[N, C]`` -> class scores
        ``[N, num_classes]``."""
        if x.dim() == 5:
            x = x.mean(dim=(2, 3, 4))
        elif x.dim() != 2:
            raise ValueError(f'MoViNetHead expects [N, C, T, H, W] or '
                             f'[N, C] features, got shape {tuple(x.shape)}')
        if x.shape[1] != self.in_channels:
            raise ValueError(f'MoViNetHead: in_channels={self.in_channels} '
                             f'but the features have {x.shape[1]} channels')
        x = self.act(self.fc_hidden(x))
        if self.dropout is not None:
            x = self.dropout(x)
        return self.fc_cls(x)
