# Copyright (c) OpenMMLab. All rights reserved.
"""A ResNet stage of TDN blocks (MMAction2 ``make_res_layer`` names) and
the two temporal modules every TDN block inserts after its first conv."""
from typing import Dict, Tuple

import torch.nn as nn
from mmaction.utils import ConfigType
from mmcv.cnn import ConvModule

from .long_term_tdm import LongTermTDM
from .temporal_depthwise_conv import TemporalDepthwiseConv


def build_tdn_temporal_modules(
        planes: int, num_segments: int, ltdm_cfg: Dict, tconv_cfg: Dict,
        block_kwargs: Dict) -> Tuple[LongTermTDM, TemporalDepthwiseConv]:
    """The L-TDM and the temporal conv of a TDN block, on ``planes``
    channels.

    The block's ``conv_cfg``/``norm_cfg`` (in ``block_kwargs``) reach the
    L-TDM unless ``ltdm_cfg`` overrides them.

    Returns:
        tuple: ``(LongTermTDM, TemporalDepthwiseConv)``.
    """
    inherited = {k: block_kwargs[k] for k in ('conv_cfg', 'norm_cfg')
                 if k in block_kwargs}
    ltdm = LongTermTDM(planes, num_segments, **{**inherited, **ltdm_cfg})
    tconv = TemporalDepthwiseConv(planes, num_segments, **tconv_cfg)
    return ltdm, tconv


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
