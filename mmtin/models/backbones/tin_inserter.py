# Copyright (c) OpenMMLab. All rights reserved.
"""Insert TIN into the residual blocks of any ResNet-style backbone."""
from typing import Optional, Sequence

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseModule

from ..layers.interlaced_conv import interlace_block, iter_residual_blocks
from ..utils.validators import check_num_segments


@MODELS.register_module()
class TINInserter(BaseModule):
    """Build a backbone from its config and interlace its residual blocks.

    Every block whose class (or a base class) is named in ``block_types``
    gets a ``TemporalInterlace`` in front of its ``conv1``: an ``nn.Conv2d``
    (mmpretrain / torchvision-style blocks, keys ``conv1.net2.weight``) or a
    ``ConvModule``'s ``.conv`` (MMAction2 blocks, keys
    ``conv1.conv.net2.weight``). The weights of the wrapped convs still load
    from checkpoints of the plain backbone (``init_cfg=dict(type=
    'Pretrained', ...)`` of the inner backbone, ``load_from=``), see
    :mod:`mmtin.models.layers.interlaced_conv`.

    The output is exactly the inner backbone's output: a tensor for
    MMAction2's ``ResNet``; a tuple for mmpretrain backbones, which
    MMAction2's ``TSMHead`` cannot take (use ``SegmentConsensusHead``, or a
    neck such as ``TINShiftNeck``, which need the tuple). This module is
    registered in MMAction2's registry, so ``Recognizer2D`` does not unwrap
    the tuple as it does for ``type='mmpretrain.X'`` backbones.

    Example:
        >>> backbone = dict(
        ...     type='TINInserter',
        ...     backbone=dict(type='mmpretrain.ResNet', depth=50),
        ...     num_segments=8, shift_div=4)

    Args:
        backbone (dict): Config of the backbone to interlace, e.g.
            ``dict(type='mmpretrain.ResNet', depth=50)`` or
            ``dict(type='ResNet', depth=50)`` (MMAction2).
        num_segments (int): Frames per clip; the input is
            ``[N * num_segments, C, H, W]``. Default: 8.
        shift_div (int): ``C // shift_div`` channels of each block input are
            interlaced. Default: 4.
        block_types (Sequence[str]): Class names of the residual blocks to
            interlace (subclasses match too). Default:
            ``('BasicBlock', 'Bottleneck')``.
        init_cfg (dict, optional): Initialisation config. Default: None.
    """

    def __init__(self,
                 backbone: dict,
                 num_segments: int = 8,
                 shift_div: int = 4,
                 block_types: Sequence[str] = ('BasicBlock', 'Bottleneck'),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if not isinstance(backbone, dict) or 'type' not in backbone:
            raise TypeError('TINInserter: backbone must be a config dict '
                            f'with a "type" key, got {backbone!r}')
        check_num_segments(num_segments, 'TINInserter')
        self.num_segments = num_segments
        self.shift_div = shift_div
        self.backbone = MODELS.build(backbone)
        blocks = list(iter_residual_blocks(self.backbone, block_types))
        if not blocks:
            raise ValueError(
                f'TINInserter: backbone {backbone["type"]!r} has no residual '
                f'block of a class named in block_types={tuple(block_types)}')
        for name, block in blocks:
            interlace_block(block, f'TINInserter.backbone.{name}',
                            num_segments, shift_div)
        self.interlaced_blocks = [name for name, _ in blocks]

    def forward(self, x: torch.Tensor):
        """``[N * num_segments, C, H, W]`` frames -> backbone output."""
        if x.dim() != 4 or x.shape[0] % self.num_segments != 0:
            raise ValueError(
                'TINInserter: expected input [N * num_segments, C, H, W] '
                f'with num_segments={self.num_segments}, got shape '
                f'{tuple(x.shape)}')
        return self.backbone(x)
