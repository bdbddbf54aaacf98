# Copyright (c) OpenMMLab. All rights reserved.
"""ResNet-18/34 blocks of TDN (an mmtin extension).

:class:`CheckpointBasicBlock` is MMAction2's ``BasicBlock`` with gradient
checkpointing; :class:`TDNBasicBlock` adds the L-TDM and the temporal conv.
"""
from typing import Dict

from mmaction.models.backbones.resnet import BasicBlock
from torch import Tensor
from torch.utils import checkpoint as cp

from .tdn_res_layer import build_tdn_temporal_modules


class CheckpointBasicBlock(BasicBlock):
    """MMAction2's ResNet ``BasicBlock`` with gradient checkpointing.

    Same modules and state-dict keys as ``BasicBlock`` (``conv1``,
    ``conv2``, ``downsample``), which has no ``with_cp``.

    Args:
        inplanes (int): Input channels.
        planes (int): Output channels.
        with_cp (bool): Gradient checkpointing of the block. Default: False.
        **kwargs: Arguments of MMAction2's ``BasicBlock`` (``stride``,
            ``downsample``, ``conv_cfg``, ``norm_cfg``, ``act_cfg``, ...).
    """

    def __init__(self,
                 inplanes: int,
                 planes: int,
                 with_cp: bool = False,
                 **kwargs) -> None:
        super().__init__(inplanes, planes, **kwargs)
        self.with_cp = with_cp

    def _residual(self, x: Tensor) -> Tensor:
        """``conv2(conv1(x))``, the residual branch."""
        return self.conv2(self.conv1(x))

    def forward(self, x: Tensor) -> Tensor:
        """``(N*T, inplanes, H, W) -> (N*T, planes, H/s, W/s)``."""

        def _inner_forward(x):
            identity = x if self.downsample is None else self.downsample(x)
            return self._residual(x) + identity

        if self.with_cp and x.requires_grad:
            out = cp.checkpoint(_inner_forward, x, use_reentrant=False)
        else:
            out = _inner_forward(x)
        return self.relu(out)


class TDNBasicBlock(CheckpointBasicBlock):
    """ResNet BasicBlock with an L-TDM and a temporal conv after ``conv1``.

    mmtin's extension of TDN to ResNet-18/34 (the published model only has
    Bottleneck ResNets): ``conv1 (3x3, stride, BN, ReLU) -> ltdm -> tconv ->
    conv2 (3x3, BN) -> (+ identity) -> ReLU``. As in :class:`TDNBottleneck`
    both temporal modules follow the first conv-BN-ReLU and run on
    ``planes`` channels (L-TDM reduction ``c = planes // 16``: 8/16/32 in
    layer2/3/4); since the first conv of a BasicBlock carries the stride,
    they run at the output resolution of the block.

    Args:
        inplanes (int): Input channels.
        planes (int): Output channels.
        num_segments (int): Segments per clip T. Default: 8.
        ltdm_cfg (dict): Extra arguments of :class:`LongTermTDM`; its
            ``conv_cfg``/``norm_cfg`` default to the block's. Default:
            ``dict()``.
        tconv_cfg (dict): Extra arguments of :class:`TemporalDepthwiseConv`.
            Default: ``dict()``.
        **kwargs: Arguments of :class:`CheckpointBasicBlock`.
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

    def _residual(self, x: Tensor) -> Tensor:
        return self.conv2(self.tconv(self.ltdm(self.conv1(x))))
