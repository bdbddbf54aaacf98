# Copyright (c) OpenMMLab. All rights reserved.
"""A ResNet stage of TDN blocks (MMAction2 ``make_res_layer`` names)."""
import torch.nn as nn
from mmaction.utils import ConfigType
from mmcv.cnn import ConvModule


def make_tdn_res_layer(block: type, inplanes: int, planes: int, blocks: int,
                       stride: int, conv_cfg: ConfigType,
                       norm_cfg: ConfigType, act_cfg: ConfigType,
                       **block_kwargs) -> nn.Sequential:
    """A ResNet stage of ``blocks`` blocks, the first one strided.

    Module names follow MMAction2's ``make_res_layer`` (``{i}.conv{k}.conv``,
    ``{i}.conv{k}.bn``, ``0.downsample.conv``, ``0.downsample.bn``).
    """
    downsample = None
    if stride != 1 or inplanes != planes * block.expansion:
        downsample = ConvModule(
            inplanes,
            planes * block.expansion,
            kernel_size=1,
            stride=stride,
            bias=False,
            conv_cfg=conv_cfg,
            norm_cfg=norm_cfg,
            act_cfg=None)
    common = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg, act_cfg=act_cfg)
    layers = [
        block(inplanes, planes, stride=stride, downsample=downsample,
              **common, **block_kwargs)
    ]
    for _ in range(1, blocks):
        layers.append(
            block(planes * block.expansion, planes, **common, **block_kwargs))
    return nn.Sequential(*layers)
