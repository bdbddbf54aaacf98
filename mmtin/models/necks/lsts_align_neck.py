# Copyright (c) OpenMMLab. All rights reserved.
"""Align every segment's features to its neighbours with LSTS and fuse."""
from typing import Optional, Sequence, Tuple, Union

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor

Features = Union[Tensor, Sequence[Tensor]]


@MODELS.register_module()
class LSTSAlignNeck(BaseModule):
    """LSTS alignment between segments, for any 2D backbone.

    For every segment ``t`` of a clip, the features of the segments ``t +
    d`` (``d`` in ``neighbours``, clamped to the clip) are aligned to ``t``
    with ``align`` (an ``LSTSAlign``) and fused with the segment's own
    features by ``fusion`` (an ``LSTSQualityFusion`` over ``1 +
    len(neighbours)`` inputs). This re-uses the paper's feature aggregation
    for action recognition; it is not the paper's detection setting.

    Input layouts (as ``TINShiftNeck``): ``[N * T, C, H, W]`` or ``[N, C,
    S, H, W]`` (what ``Recognizer2D`` hands a neck; ``S`` may hold several
    views of ``num_segments``); a tuple/list uses element ``in_index``. The
    output has the input's layout. Inside ``Recognizer2D`` use
    ``SegmentConsensusHead`` after this neck, and a backbone that returns a
    tuple (see ``TINShiftNeck``).

    Args:
        in_channels (int): Channels of the aligned feature.
        num_segments (int): Frames per clip. Default: 8.
        neighbours (Sequence[int]): Temporal offsets of the aligned
            neighbours. Default: (-1, 1).
        align (dict): ``LSTSAlign`` config (``in_channels`` is filled in).
            Default: dict(type='LSTSAlign', embed_channels=64,
            num_offsets=25).
        fusion (dict): ``LSTSQualityFusion`` config (``in_channels`` and
            ``num_inputs`` are filled in). Default:
            dict(type='LSTSQualityFusion', mid_channels=64).
        in_index (int): Element used when the input is a tuple/list.
            Default: -1.
        init_cfg (dict, optional): Initialisation config. Default: None.
    """

    def __init__(self,
                 in_channels: int,
                 num_segments: int = 8,
                 neighbours: Sequence[int] = (-1, 1),
                 align: dict = dict(
                     type='LSTSAlign', embed_channels=64, num_offsets=25),
                 fusion: dict = dict(
                     type='LSTSQualityFusion', mid_channels=64),
                 in_index: int = -1,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if isinstance(num_segments, bool) or not isinstance(
                num_segments, int) or num_segments < 1:
            raise ValueError('LSTSAlignNeck: num_segments must be an int >= '
                             f'1, got {num_segments!r}')
        neighbours = tuple(neighbours)
        if not neighbours or 0 in neighbours or not all(
                isinstance(d, int) for d in neighbours):
            raise ValueError(
                f'LSTSAlignNeck: neighbours={neighbours} must be non-zero '
                'ints (temporal offsets)')
        self.in_channels = in_channels
        self.num_segments = num_segments
        self.neighbours = neighbours
        self.in_index = in_index
        self.align = MODELS.build(dict(align, in_channels=in_channels))
        self.fusion = MODELS.build(
            dict(fusion, in_channels=in_channels,
                 num_inputs=1 + len(neighbours)))

    def _frames(self, x: Tensor) -> Tensor:
        """Align and fuse ``[B * T, C, H, W]`` frames."""
        bt, c, h, w = x.shape
        t = self.num_segments
        clips = x.view(bt // t, t, c, h, w)
        inputs = [x]
        for d in self.neighbours:
            index = (torch.arange(t, device=x.device) + d).clamp(0, t - 1)
            ref = clips[:, index].reshape(bt, c, h, w)
            inputs.append(self.align(x, ref))
        return self.fusion(inputs)

    def forward(self,
                x: Features,
                data_samples: Optional[list] = None
                ) -> Tuple[Tensor, dict]:
        """Align and fuse the segments.

        Args:
            x (Tensor | Sequence[Tensor]): Backbone features.
            data_samples (list, optional): Unused (``Recognizer2D`` neck
                protocol). Default: None.

        Returns:
            tuple: the fused feature and an empty dict of auxiliary losses.
        """
        feat = x if isinstance(x, Tensor) else list(x)[self.in_index]
        if feat.dim() not in (4, 5) or feat.shape[1] != self.in_channels:
            raise ValueError(
                f'LSTSAlignNeck: feature has shape {tuple(feat.shape)}; '
                f'expected [N*T, {self.in_channels}, H, W] or [N, '
                f'{self.in_channels}, T, H, W] (in_channels)')
        frames = feat.shape[0] if feat.dim() == 4 else feat.shape[2]
        if frames % self.num_segments != 0:
            raise ValueError(
                f'LSTSAlignNeck: feature of shape {tuple(feat.shape)} has '
                f'{frames} frames, not a multiple of num_segments='
                f'{self.num_segments}')
        if feat.dim() == 4:
            return self._frames(feat), {}
        n, c, s, h, w = feat.shape
        out = self._frames(feat.transpose(1, 2).reshape(n * s, c, h, w))
        return out.view(n, s, c, h, w).transpose(1, 2).contiguous(), {}
