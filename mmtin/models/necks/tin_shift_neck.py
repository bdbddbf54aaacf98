# Copyright (c) OpenMMLab. All rights reserved.
"""Temporal interlacing of a backbone's output features, as a neck."""
from typing import List, Optional, Sequence, Tuple, Union

import torch.nn as nn
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor

from mmtin.models.layers import TemporalInterlace

Features = Union[Tensor, Sequence[Tensor]]


@MODELS.register_module()
class TINShiftNeck(BaseModule):
    """Apply a ``TemporalInterlace`` to selected backbone feature maps.

    Works on the features of any 2D backbone (MMAction2 ``ResNet``,
    mmpretrain ``ResNet`` / ``MobileNetV2``, ...). Each feature may be

    * ``[N * T, C, H, W]``: frames of consecutive clips, as a 2D backbone
      outputs them (standalone use); or
    * ``[N, C, S, H, W]``: the layout MMAction2's ``Recognizer2D`` gives a
      neck (it reshapes every backbone output this way and calls
      ``neck(x, data_samples=...)``). ``S`` may be several views of
      ``num_segments`` frames each (multi-clip / multi-crop testing): like
      TSM, every run of ``num_segments`` consecutive frames is one clip.

    Inside ``Recognizer2D``, put ``SegmentConsensusHead`` after this neck:
    Recognizer2D hands the neck's single output on with ``num_segs=1`` and
    MMAction2's ``TSMHead`` cannot take a 5-D feature. Note that
    ``Recognizer2D`` iterates over the backbone output, so with a neck the
    backbone must return a tuple: MMAction2's ``ResNet`` needs 2+
    ``out_indices``; ``type='mmpretrain.X'`` backbones get unwrapped into
    one tensor by Recognizer2D, so give them as ``dict(type='X',
    _scope_='mmpretrain', ...)`` (or inside ``TINInserter``) instead.

    Args:
        in_channels (int | Sequence[int]): Channels of each interlaced
            feature map, one per entry of ``in_indices`` (an int for one).
        num_segments (int): Frames per clip. Default: 8.
        shift_div (int): ``C // shift_div`` channels are interlaced.
            Default: 4.
        in_indices (int | Sequence[int]): Which backbone outputs are
            interlaced (a tensor counts as a 1-tuple). Default: -1.
        out_index (int, optional): The output returned: that feature
            (a tensor, as ``Recognizer2D`` needs); None returns all features
            as a tuple. Default: -1.
        init_cfg (dict, optional): Initialisation config. Default: None.
    """

    def __init__(self,
                 in_channels: Union[int, Sequence[int]],
                 num_segments: int = 8,
                 shift_div: int = 4,
                 in_indices: Union[int, Sequence[int]] = -1,
                 out_index: Optional[int] = -1,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        indices = [in_indices] if isinstance(in_indices, int) else list(
            in_indices)
        channels = [in_channels] if isinstance(in_channels, int) else list(
            in_channels)
        if not indices or len(channels) != len(indices):
            raise ValueError(
                f'TINShiftNeck: in_channels={in_channels} must give one '
                f'channel count per entry of in_indices={in_indices}')
        if len(set(indices)) != len(indices):
            raise ValueError(f'TINShiftNeck: in_indices={in_indices} has '
                             'repeated entries')
        self.in_indices = indices
        self.in_channels = channels
        self.num_segments = num_segments
        self.out_index = out_index
        self.interlaces = nn.ModuleList(
            TemporalInterlace(c, num_segments, shift_div) for c in channels)

    def _interlace(self, feat: Tensor, tin: TemporalInterlace,
                   index: int) -> Tensor:
        if feat.dim() not in (4, 5) or feat.shape[1] != tin.in_channels:
            raise ValueError(
                f'TINShiftNeck: feature {index} has shape '
                f'{tuple(feat.shape)}; expected [N*T, {tin.in_channels}, H, '
                f'W] or [N, {tin.in_channels}, T, H, W] (in_channels). '
                'Inside Recognizer2D the backbone must return a tuple: '
                'Recognizer2D iterates over a single output tensor (MMAction2'
                ' ResNet with one out_index: give 2+ out_indices; backbone '
                'type="mmpretrain.*", which it unwraps: use dict(type=..., '
                '_scope_="mmpretrain")).')
        frames = feat.shape[0] if feat.dim() == 4 else feat.shape[2]
        if frames % self.num_segments != 0:
            raise ValueError(
                f'TINShiftNeck: feature {index} of shape {tuple(feat.shape)} '
                f'has {frames} frames, not a multiple of num_segments='
                f'{self.num_segments}')
        if feat.dim() == 4:
            return tin(feat)
        n, c, s, h, w = feat.shape
        frames = feat.transpose(1, 2).reshape(n * s, c, h, w)
        out = tin(frames).reshape(n, s, c, h, w)
        return out.transpose(1, 2).contiguous()

    def forward(self,
                x: Features,
                data_samples: Optional[list] = None
                ) -> Tuple[Union[Tensor, Tuple[Tensor]], dict]:
        """Interlace the selected features.

        Args:
            x (Tensor | Sequence[Tensor]): Backbone features.
            data_samples (list, optional): Unused; accepted for the
                ``Recognizer2D`` neck protocol. Default: None.

        Returns:
            tuple: the output (see ``out_index``) and an empty dict of
            auxiliary losses (the ``Recognizer2D`` neck protocol).
        """
        feats: List[Tensor] = [x] if isinstance(x, Tensor) else list(x)
        if not feats or not all(isinstance(f, Tensor) for f in feats):
            raise TypeError('TINShiftNeck: expected a tensor or a sequence '
                            f'of tensors, got {type(x).__name__}')
        for tin, index in zip(self.interlaces, self.in_indices):
            if not -len(feats) <= index < len(feats):
                raise IndexError(
                    f'TINShiftNeck: in_indices entry {index} is out of '
                    f'range for {len(feats)} backbone output(s)')
            feats[index] = self._interlace(feats[index], tin, index)
        if self.out_index is None:
            return tuple(feats), dict()
        if not -len(feats) <= self.out_index < len(feats):
            raise IndexError(f'TINShiftNeck: out_index={self.out_index} is '
                             f'out of range for {len(feats)} output(s)')
        return feats[self.out_index], dict()
