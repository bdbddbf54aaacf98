# Copyright (c) OpenMMLab. All rights reserved.
"""The inverted-bottleneck layer of MoViNet."""
from typing import Dict, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn.bricks import DropPath
from mmpretrain.models.utils import make_divisible
from torch import Tensor

from mmtin.ops.stream_ops import add_states, sub_states
from .movinet_conv import MOVINET_NORM_CFG, MoViNetConv
from .movinet_se import MoViNetSE


def spatial_avg_pool(x: Tensor) -> Tensor:
    """Per-frame 3x3 average pool, stride 2, padding 1 (padding excluded
    from the mean), on ``[N, C, T, H, W]``. Done in 2D because
    ``avg_pool3d`` rejects inputs smaller than the kernel even when padded.
    """
    n, c, t, h, w = x.shape
    y = F.avg_pool2d(x.transpose(1, 2).reshape(n * t, c, h, w), 3, 2, 1,
                     count_include_pad=False)
    return y.reshape(n, t, c, y.shape[2], y.shape[3]).transpose(1, 2)


class MoViNetBlock(nn.Module):
    """One MoViNet layer: expand, depthwise conv, SE, project, residual.

    ``x -> expand 1x1x1 (norm, act) -> depthwise kt x k x k (norm, act)
    -> SE -> project 1x1x1 (norm) -> * rezero -> DropPath -> + skip(x)``.
    ``rezero`` is a learned scalar initialised to 0 (the layer starts as its
    skip path). ``skip`` is the identity, or (when the stride or the width
    changes) a ``1x3x3`` average pool with stride ``(1, 2, 2)`` if strided,
    then a 1x1x1 convolution and norm.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        expand_channels (int): Channels of the expanded (depthwise) part.
        kernel_size (Sequence[int]): Depthwise kernel ``(kt, k, k)``.
        spatial_stride (int): Stride of the depthwise conv (1 or 2).
            Default: 1.
        conv_type (str): See :class:`MoViNetConv`. Default: ``'3d'``.
        se_type (str): ``'3d'``, ``'2d'``, ``'2plus3d'`` or ``'none'``.
            Default: ``'3d'``.
        se_ratio (float): SE width is ``make_divisible(se_ratio *
            expand_channels * (2 if se_type == '2plus3d' else 1), 8)``.
            Default: 0.25.
        causal (bool): Causal (streamable) temporal conv and SE.
            Default: False.
        use_pos_encoding (bool): Positional encoding in the SE.
            Default: False.
        conv_cfg (dict): Config of the convolutions (3D).
            Default: ``dict(type='Conv3d')``.
        norm_cfg (dict): Norm config. Default: BN3d with eps 1e-3 and
            momentum 0.01.
        act_cfg (dict): Main activation. Default: ``dict(type='SiLU')``.
        gate_cfg (dict): SE gating activation.
            Default: ``dict(type='Sigmoid')``.
        drop_path_rate (float): Stochastic depth rate. Default: 0.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 expand_channels: int,
                 kernel_size: Sequence[int],
                 spatial_stride: int = 1,
                 conv_type: str = '3d',
                 se_type: str = '3d',
                 se_ratio: float = 0.25,
                 causal: bool = False,
                 use_pos_encoding: bool = False,
                 conv_cfg: Dict = dict(type='Conv3d'),
                 norm_cfg: Dict = MOVINET_NORM_CFG,
                 act_cfg: Dict = dict(type='SiLU'),
                 gate_cfg: Dict = dict(type='Sigmoid'),
                 drop_path_rate: float = 0.):
        super().__init__()
        if spatial_stride not in (1, 2):
            raise ValueError(f'MoViNetBlock: spatial_stride must be 1 or 2, '
                             f'got {spatial_stride}')
        common = dict(
            conv_type=conv_type, conv_cfg=conv_cfg, norm_cfg=norm_cfg)
        self.expand = MoViNetConv(
            in_channels, expand_channels, 1, act_cfg=act_cfg, **common)
        self.dw = MoViNetConv(
            expand_channels, expand_channels, kernel_size,
            spatial_stride=spatial_stride, groups=expand_channels,
            causal=causal, act_cfg=act_cfg, **common)
        self.se = None
        if se_type != 'none':
            multiplier = 2 if se_type == '2plus3d' else 1
            hidden = int(
                make_divisible(se_ratio * expand_channels * multiplier, 8))
            self.se = MoViNetSE(
                expand_channels, hidden, se_type=se_type, causal=causal,
                use_pos_encoding=use_pos_encoding, act_cfg=act_cfg,
                gate_cfg=gate_cfg, conv_cfg=conv_cfg)
        self.project = MoViNetConv(
            expand_channels, out_channels, 1, act_cfg=None, **common)
        self.rezero = nn.Parameter(torch.zeros(()))
        self.drop_path = DropPath(drop_path_rate)
        self.skip_pool = spatial_stride != 1
        self.skip_conv = None
        if spatial_stride != 1 or in_channels != out_channels:
            self.skip_conv = MoViNetConv(in_channels, out_channels, 1,
                                         act_cfg=None, **common)

    def forward(self, x: Tensor, states: Optional[Dict[str, Tensor]] = None
                ) -> Tuple[Tensor, Dict[str, Tensor]]:
        """Run one chunk (or a whole clip).

        Args:
            x (Tensor): ``[N, C, T, H, W]``.
            states (dict, optional): States of the sub-modules, keyed
                ``'dw.*'`` and ``'se.*'``; None at the start of a video.

        Returns:
            tuple[Tensor, dict]: The output and the new states.
        """
        new_states = {}
        out, _ = self.expand(x)
        out, s = self.dw(out, sub_states(states, 'dw.'))
        add_states(new_states, 'dw.', s)
        if self.se is not None:
            out, s = self.se(out, sub_states(states, 'se.'))
            add_states(new_states, 'se.', s)
        out, _ = self.project(out)
        out = self.drop_path(out * self.rezero.to(out.dtype))
        identity = x
        if self.skip_pool:
            identity = spatial_avg_pool(identity)
        if self.skip_conv is not None:
            identity, _ = self.skip_conv(identity)
        return out + identity, new_states
