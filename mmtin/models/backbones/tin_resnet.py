# Copyright (c) OpenMMLab. All rights reserved.
"""ResNet with a Temporal Interlace module before every block's conv1.

Paper: Shao et al., "Temporal Interlacing Network", AAAI 2020
(https://arxiv.org/abs/2001.06499). Structure and state-dict keys equal
MMAction2's ``ResNetTIN`` (``layerL.i.conv1.conv.net1.offset_net...``,
``layerL.i.conv1.conv.net2.weight``, ``layerL.i.conv1.bn.*``), so its
checkpoints load with ``strict=True``; the shift is mmtin's pure-PyTorch op,
so it runs on any device.
"""
from typing import Sequence

import torch
from mmaction.models.backbones.resnet import ResNet
from mmaction.models.backbones.resnet_tsm import ResNetTSM
from mmaction.registry import MODELS
from mmengine.logging import MMLogger
from mmengine.model import BaseModule

from mmtin.ckpt_convert.torchvision_resnet import \
    load_torchvision_resnet
from ..layers.interlaced_conv import interlace_block
from ..utils.validators import check_int, check_num_segments

_TSM_ONLY = ('is_shift', 'shift_place', 'temporal_pool')


@MODELS.register_module()
class TINResNet(ResNetTSM):
    """ResNet backbone for TIN (depths 18, 34, 50, 101, 152).

    Every residual block of every stage gets a ``TemporalInterlace`` on its
    residual branch, in front of conv1 (before its BN/ReLU); the shortcut
    sees the un-interlaced input. BasicBlocks (depth 18/34) are wrapped the
    same way, before their 3x3 conv1. TSM's shift is never combined with
    TIN (as in MMAction2's ``ResNetTIN``).

    Input ``[N * num_segments, 3, H, W]``: consecutive ``num_segments``
    frames form one clip.

    Args:
        depth (int): Depth of the ResNet, from {18, 34, 50, 101, 152}.
        num_segments (int): Frames per clip. Default: 8.
        shift_div (int): ``C // shift_div`` channels of each block input are
            interlaced. Default: 4, the published value (MMAction2's
            ``ResNetTIN`` class default is 8; its configs pass 4).
        pretrained (str, optional): 2D ImageNet weights, e.g.
            ``'torchvision://resnet50'`` or a local torchvision-format file.
            Default: None.
        pretrained2d (bool): Whether ``pretrained`` is a torchvision-format
            2D ResNet (keys converted, conv1 weights go to ``net2``). If
            False, it is an MMAction2-format checkpoint loaded through
            ``init_cfg``. Default: True.
        non_local (Sequence[int]): Non-local blocks per stage, as in
            ``ResNetTSM``. Default: (0, 0, 0, 0).
        non_local_cfg (dict): Config of the non-local blocks. Default:
            ``dict()``.
        **kwargs: Arguments of MMAction2's ``ResNet``, e.g. ``norm_eval``,
            ``partial_bn``, ``frozen_stages``, ``norm_cfg``, ``with_cp``.
    """

    def __init__(self,
                 depth: int,
                 num_segments: int = 8,
                 shift_div: int = 4,
                 pretrained2d: bool = True,
                 non_local: Sequence[int] = (0, 0, 0, 0),
                 non_local_cfg: dict = dict(),
                 **kwargs) -> None:
        for key in _TSM_ONLY:
            if key in kwargs:
                raise TypeError(f'TINResNet: {key!r} is a TSM option and is '
                                'not supported (TIN replaces the shift)')
        check_num_segments(num_segments, 'TINResNet')
        check_int(shift_div, 'shift_div', 'TINResNet')
        # the channels of every block are checked in interlace_block
        super().__init__(
            depth,
            num_segments=num_segments,
            is_shift=False,
            non_local=non_local,
            non_local_cfg=non_local_cfg,
            shift_div=shift_div,
            temporal_pool=False,
            pretrained2d=pretrained2d,
            **kwargs)

    def init_structure(self) -> None:
        """Insert TIN (and non-local blocks if configured)."""
        self.make_temporal_interlace()
        if len(self.non_local_cfg) != 0:
            self.make_non_local()

    def make_temporal_interlace(self) -> None:
        """Wrap ``conv1.conv`` of every block of every stage with TIN."""
        for layer_name in self.res_layers:
            for i, block in enumerate(getattr(self, layer_name)):
                interlace_block(block, f'TINResNet.{layer_name}.{i}',
                                self.num_segments, self.shift_div)

    def init_weights(self) -> None:
        """Initialise from ``pretrained``, or from scratch if it is None.

        From scratch: Kaiming for Conv2d, 1 for BN (``init_cfg``); TIN keeps
        its published init (PyTorch default plus the offset/weight biases).
        """
        if self.pretrained is None:
            ResNet.init_weights(self)
        elif not isinstance(self.pretrained, str):
            raise TypeError('TINResNet: pretrained must be a str or None, '
                            f'got {type(self.pretrained).__name__}')
        elif self.pretrained2d:
            self.load_original_weights(MMLogger.get_current_instance())
        else:
            self.init_cfg = dict(type='Pretrained', checkpoint=self.pretrained)
            BaseModule.init_weights(self)

    def load_original_weights(self, logger) -> None:
        """Load torchvision-format 2D ResNet weights from ``pretrained``."""
        converted, unused = load_torchvision_resnet(self.pretrained)
        own = self.state_dict()
        to_load, skipped = {}, []
        for key, value in converted.items():
            if key not in own:  # wrapped conv: conv1.conv -> conv1.conv.net2
                prefix, _, param = key.rpartition('.')
                key = f'{prefix}.net2.{param}'
            if key in own and own[key].shape == value.shape:
                to_load[key] = value
            else:
                skipped.append(key)
        self.load_state_dict(to_load, strict=False)
        not_loaded = [
            k for k in own if k not in to_load and '.net1.' not in k
            and not k.endswith('num_batches_tracked')
        ]
        logger.info(f'TINResNet: loaded {len(to_load)} tensors from '
                    f'{self.pretrained}')
        if skipped or unused:
            logger.info('TINResNet: not used from the checkpoint: '
                        f'{sorted(skipped + unused)}')
        if not_loaded:
            logger.warning('TINResNet: trunk weights not in the checkpoint '
                           f'(left at their init): {not_loaded}')

    def train(self, mode: bool = True) -> 'TINResNet':
        """As ``ResNet.train`` (freezing, norm_eval, partial BN), but
        returns ``self`` like ``nn.Module.train`` (so ``.eval()`` chains)."""
        super().train(mode)
        return self

    def forward(self, x: torch.Tensor):
        """``[N * num_segments, C, H, W]`` frames -> features."""
        if x.dim() != 4:
            raise ValueError('TINResNet: expected a 4-D input [N * '
                             'num_segments, C, H, W], got shape '
                             f'{tuple(x.shape)}')
        if x.shape[0] % self.num_segments != 0:
            raise ValueError(
                f'TINResNet: the batch {x.shape[0]} of input shape '
                f'{tuple(x.shape)} is not a multiple of num_segments='
                f'{self.num_segments} (expected [N * num_segments, C, H, W])')
        return super().forward(x)
