# Copyright (c) OpenMMLab. All rights reserved.
"""Two clips of one video at a sampled temporal distance (CVRL)."""
from typing import Dict, Optional

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from mmtin.models.utils.validators import check_int

DISTANCES = ('decreasing', 'uniform')


@TRANSFORMS.register_module()
class SampleClipPair(BaseTransform):
    """Sample two clips of one video for contrastive pre-training (CVRL).

    Each clip has ``clip_len`` frames ``frame_interval`` apart, i.e. a span
    of ``S = (clip_len - 1) * frame_interval + 1`` frames. The distance
    ``d`` between the clips' first frames is drawn from
    ``0 .. D``, ``D = min(max_distance, L - S)`` for a video of ``L``
    frames: with probability ``proportional to D + 1 - d`` for
    ``distance='decreasing'`` (CVRL's best choice: a monotonically
    decreasing distribution, nearby clips more often) or uniformly. The
    first clip starts uniformly in ``0 .. L - S - d``, the second ``d``
    frames later. A video shorter than ``S`` loops (indices modulo ``L``)
    and both clips start at 0.

    Required keys: ``total_frames``, ``start_index``. Added keys:
    ``frame_inds`` (``2 * clip_len``: the first clip, then the second),
    ``clip_len``, ``frame_interval``, ``num_clips`` (2) and
    ``clip_distance`` (``d``). With ``FormatShape('NCTHW')`` the two clips
    become the two views of the sample.

    Args:
        clip_len (int): Frames per clip.
        frame_interval (int): Step between a clip's frames. Default: 1.
        max_distance (int, optional): Largest start distance in frames.
            Default: None (the whole video).
        distance (str): ``'decreasing'`` or ``'uniform'``.
            Default: ``'decreasing'``.
    """

    def __init__(self,
                 clip_len: int,
                 frame_interval: int = 1,
                 max_distance: Optional[int] = None,
                 distance: str = 'decreasing') -> None:
        owner = 'SampleClipPair'
        check_int(clip_len, 'clip_len', owner)
        check_int(frame_interval, 'frame_interval', owner)
        if max_distance is not None:
            check_int(max_distance, 'max_distance', owner, minimum=0)
        if distance not in DISTANCES:
            raise ValueError(f'{owner}: distance must be one of {DISTANCES}, '
                             f'got {distance!r}')
        self.clip_len = clip_len
        self.frame_interval = frame_interval
        self.max_distance = max_distance
        self.distance = distance

    def sample_distance(self, largest: int) -> int:
        """A start distance in ``0 .. largest``."""
        if largest <= 0:
            return 0
        if self.distance == 'uniform':
            return int(np.random.randint(largest + 1))
        weights = np.arange(largest + 1, 0, -1, dtype=np.float64)
        return int(np.random.choice(largest + 1, p=weights / weights.sum()))

    def transform(self, results: Dict) -> Dict:
        total = results['total_frames']
        check_int(total, 'total_frames', 'SampleClipPair')
        span = (self.clip_len - 1) * self.frame_interval + 1
        room = max(total - span, 0)
        largest = room if self.max_distance is None else min(
            room, self.max_distance)
        d = self.sample_distance(largest)
        first = int(np.random.randint(room - d + 1))
        steps = np.arange(self.clip_len) * self.frame_interval
        inds = np.concatenate([first + steps, first + d + steps]) % total
        results['frame_inds'] = inds.astype(np.int64) + results.get(
            'start_index', 0)
        results['clip_len'] = self.clip_len
        results['frame_interval'] = self.frame_interval
        results['num_clips'] = 2
        results['clip_distance'] = d
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(clip_len={self.clip_len}, '
                f'frame_interval={self.frame_interval}, max_distance='
                f'{self.max_distance}, distance={self.distance!r})')
