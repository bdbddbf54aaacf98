# Copyright (c) OpenMMLab. All rights reserved.
"""Segment sampling that keeps RGB, motion and audio aligned in time."""
from typing import Dict

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


@TRANSFORMS.register_module()
class SampleMultiModalSegments(BaseTransform):
    """Split a video into S equal segments; one aligned clip per segment.

    Segment ``s`` covers frames ``[floor(s * L / S), floor((s + 1) * L /
    S))`` of a video of ``L`` frames (TSN-style). In it, ``clip_len``
    consecutive frames (``frame_interval`` apart) are taken: at a random
    offset for training, centred for testing; frames past the end repeat
    the last one. The RGB modality reads the middle frame of each clip, the
    motion modality the differences of its frames, and the audio modality
    the sound of the segment's time window, stored here in frames (the
    decoder converts it to seconds with the video's frame rate).

    Required keys: ``total_frames``. Added keys: ``frame_inds``
    (``S * clip_len`` indices, segment outer), ``clip_len``,
    ``frame_interval``, ``num_clips`` (S), ``segment_windows``
    (``(S, 2)`` float frame bounds ``[start, end)``).

    Args:
        num_segments (int): Segments S. Default: 5.
        clip_len (int): Consecutive frames per segment (>= 2 when the
            motion modality is used). Default: 2.
        frame_interval (int): Step between them. Default: 1.
        test_mode (bool): Centred clips instead of random ones.
            Default: False.
    """

    def __init__(self,
                 num_segments: int = 5,
                 clip_len: int = 2,
                 frame_interval: int = 1,
                 test_mode: bool = False) -> None:
        for key, value in (('num_segments', num_segments),
                           ('clip_len', clip_len),
                           ('frame_interval', frame_interval)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f'SampleMultiModalSegments: {key} must be '
                                 f'an int >= 1, got {value!r}')
        self.num_segments = num_segments
        self.clip_len = clip_len
        self.frame_interval = frame_interval
        self.test_mode = test_mode

    def transform(self, results: Dict) -> Dict:
        """Sample the clips and the segment windows."""
        total = int(results.get('total_frames', 0))
        if total < 1:
            raise ValueError('SampleMultiModalSegments: total_frames must be '
                             f'>= 1, got {results.get("total_frames")} for '
                             f'{results.get("filename", "the sample")}')
        seg = self.num_segments
        bounds = np.arange(seg + 1) * total / seg
        starts = np.floor(bounds[:-1]).astype(np.int64)
        ends = np.maximum(np.floor(bounds[1:]).astype(np.int64), starts + 1)
        span = (self.clip_len - 1) * self.frame_interval + 1
        room = np.maximum(ends - starts - span, 0)
        if self.test_mode:
            offsets = starts + room // 2
        else:
            offsets = starts + np.array(
                [np.random.randint(r + 1) for r in room], dtype=np.int64)
        inds = offsets[:, None] + np.arange(
            self.clip_len)[None] * self.frame_interval
        results['frame_inds'] = np.minimum(inds, total - 1).reshape(-1)
        results['clip_len'] = self.clip_len
        results['frame_interval'] = self.frame_interval
        results['num_clips'] = seg
        results['segment_windows'] = np.stack([bounds[:-1], bounds[1:]], 1)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(num_segments={self.num_segments}, '
                f'clip_len={self.clip_len}, '
                f'frame_interval={self.frame_interval}, '
                f'test_mode={self.test_mode})')
