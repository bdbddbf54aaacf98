# Copyright (c) OpenMMLab. All rights reserved.
"""TSM-style segment-consensus head that accepts more feature layouts."""
from typing import Sequence, Union

from mmaction.models.heads import TSMHead
from mmaction.registry import MODELS
from torch import Tensor

from ..utils.validators import check_num_segments


@MODELS.register_module()
class SegmentConsensusHead(TSMHead):
    """MMAction2's ``TSMHead`` (spatial pool -> dropout -> fc per frame ->
    average over ``num_segments`` frames) for more input layouts.

    Accepted features:

    * ``[N * T, C, H, W]`` or ``[N * T, C]``: per-frame features (any
      2D backbone, MMAction2's or mmpretrain's after global pooling);
    * ``[N, C, S, H, W]``: what ``Recognizer2D`` hands on from a neck such
      as ``TINShiftNeck``; frames are taken in order, so ``S`` may hold
      several views of ``num_segments`` frames (one score per view, which
      ``average_clips`` then combines, as with ``TSMHead``);
    * a tuple or list of the above (mmpretrain backbones, ``TINInserter``):
      element ``in_index`` is used.

    Args:
        num_classes (int): Number of classes.
        in_channels (int): Channels of the input feature.
        num_segments (int): Frames per clip that the consensus averages.
            Default: 8.
        in_index (int): Element used when the input is a tuple/list.
            Default: -1.
        **kwargs: Other arguments of ``TSMHead`` (``spatial_type``,
            ``consensus``, ``dropout_ratio``, ``init_std``, ``loss_cls``,
            ``average_clips``, ...).
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 num_segments: int = 8,
                 in_index: int = -1,
                 **kwargs) -> None:
        check_num_segments(num_segments, 'SegmentConsensusHead')
        super().__init__(num_classes, in_channels, num_segments, **kwargs)
        self.in_index = in_index

    def forward(self,
                x: Union[Tensor, Sequence[Tensor]],
                num_segs: int = None,
                **kwargs) -> Tensor:
        """Class scores ``[N * views, num_classes]``.

        Args:
            x (Tensor | Sequence[Tensor]): Features (see the class doc).
            num_segs (int, optional): Unused, as in ``TSMHead``: the clip
                length is ``num_segments``. Default: None.

        Returns:
            Tensor: The classification scores.
        """
        if isinstance(x, (tuple, list)):
            if not -len(x) <= self.in_index < len(x):
                raise IndexError(
                    f'SegmentConsensusHead: in_index={self.in_index} is out '
                    f'of range for {len(x)} input feature(s)')
            x = x[self.in_index]
        if x.dim() == 5:  # [N, C, S, H, W] -> [N * S, C, H, W]
            n, c, s, h, w = x.shape
            x = x.transpose(1, 2).reshape(n * s, c, h, w)
        elif x.dim() == 2:
            x = x[:, :, None, None]
        elif x.dim() != 4:
            raise ValueError('SegmentConsensusHead: expected a 2-, 4- or '
                             f'5-D feature, got shape {tuple(x.shape)}')
        segments = self.num_segments
        if self.is_shift and self.temporal_pool:
            segments //= 2
        if x.shape[1] != self.in_channels:
            raise ValueError(
                f'SegmentConsensusHead: feature has {x.shape[1]} channels '
                f'(frames shape {tuple(x.shape)}), in_channels is '
                f'{self.in_channels}')
        if x.shape[0] % segments != 0:
            raise ValueError(
                f'SegmentConsensusHead: {x.shape[0]} frames (shape '
                f'{tuple(x.shape)}) is not a multiple of the {segments} '
                'segments per clip (num_segments)')
        return super().forward(x, num_segs)
