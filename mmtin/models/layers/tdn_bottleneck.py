# Copyright (c) OpenMMLab. All rights reserved.
"""The block of the published TDN (ResNet-50/101 ``Bottleneck``)."""
from typing import Dict

from mmaction.models.backbones.resnet import Bottleneck
from torch import Tensor
from torch.utils import checkpoint as cp

from .tdn_res_layer import build_tdn_temporal_modules


class TDNBottleneck(Bottleneck):
    """ResNet Bottleneck with an L-TDM and a temporal conv after ``conv1``.

    ``conv1 (1x1, BN, ReLU) -> ltdm -> tconv -> conv2 (3x3, stride) ->
    conv3 -> (+ identity) -> ReLU``; both temporal modules run at the input
    resolution of the block on ``planes`` channels.

    Args:
        inplanes (int): Input channels.
        planes (int): Bottleneck channels (output is ``4 * planes``).
        num_segments (int): Segments per clip T. Default: 8.
        ltdm_cfg (dict): Extra arguments of :class:`LongTermTDM`; its
            ``conv_cfg``/``norm_cfg`` default to the block's. Default:
            ``dict()``.
        tconv_cfg (dict): Extra arguments of :class:`TemporalDepthwiseConv`.
            Default: ``dict()``.
        **kwargs: Arguments of MMAction2's ``Bottleneck`` (``stride``,
            ``downsample``, ``conv_cfg``, ``norm_cfg``, ``with_cp``, ...).
    """

    def __init__(self,
                 inplanes: int,
                 planes: int,
                 num_segments: int = 8,
                 ltdm_cfg: Dict = dict(),
                 tconv_cfg: Dict = dict(),
                 **kwargs) -> None:
        super().__init__(inplanes, planes, **kwargs)
        self.ltdm, self.tconv = build_tdn_temporal_modules(
            planes, num_segments, ltdm_cfg, tconv_cfg, kwargs)

    def forward(self, x: Tensor) -> Tensor:
        """``(N*T, inplanes, H, W) -> (N*T, 4*planes, H/s, W/s)``."""

        def _inner_forward(x):
            out = self.tconv(self.ltdm(self.conv1(x)))
            out = self.conv3(self.conv2(out))
            identity = x if self.downsample is None else self.downsample(x)
            return out + identity

        if self.with_cp and x.requires_grad:
            out = cp.checkpoint(_inner_forward, x, use_reentrant=False)
        else:
            out = _inner_forward(x)
        return self.relu(out)
