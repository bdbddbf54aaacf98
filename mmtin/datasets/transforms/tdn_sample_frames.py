# Copyright (c) OpenMMLab. All rights reserved.
"""Frame sampling of TDN (MCG-NJU/TDN ``ops/dataset.py``).

Each of the T segments gives ``clip_len`` (5) consecutive frames starting at
a per-segment offset; frames past the end repeat the last frame.

* test, ``test_sampling='center'`` (Something-Something): if
  ``L > T + clip_len - 1``, ``tick = (L - clip_len + 1) / T`` and
  ``offset_i = int(tick / 2 + tick * i)``; otherwise all offsets are 0.
* train, and test with ``test_sampling='random'`` (Kinetics): with
  ``avg = (L - clip_len + 1) // T``: if ``avg > 0``,
  ``offset_i = i * avg + randint(avg)``; elif ``L > T``, sorted random
  offsets in ``[0, L - clip_len]``; else all 0. Kinetics testing repeats
  this ``num_views`` (10) times, independently.

MMAction2's ``SampleFrames`` equals the training rule except for ``L <= T``
(it spreads rounded offsets instead of zeros), and has no test rule that
matches (``clip_len > 1`` takes its 3D path).
"""
from typing import Dict

import numpy as np
from mmaction.datasets.transforms import SampleFrames
from mmaction.registry import TRANSFORMS


@TRANSFORMS.register_module()
class TDNSampleFrames(SampleFrames):
    """TDN's segment sampling (see the module docstring).

    Required keys: ``total_frames``, ``start_index``. Added keys:
    ``frame_inds`` (``num_views * T * clip_len`` indices, views outer,
    segments, then the frames of a segment), ``clip_len``,
    ``frame_interval``, ``num_clips`` (``num_views * T``).

    Args:
        clip_len (int): Consecutive frames per segment. Default: 5.
        frame_interval (int): Interval between them. Default: 1.
        num_clips (int): Segments T. Default: 8.
        test_mode (bool): Use the test rule. Default: False.
        test_sampling (str): Test rule: ``'center'`` (deterministic
            segment centres, Something-Something) or ``'random'`` (the
            training rule, Kinetics). Default: ``'center'``.
        num_views (int): Independent random views in test mode with
            ``test_sampling='random'`` (Kinetics: 10); must be 1 otherwise.
            Default: 1.
        out_of_bound_opt (str): ``'repeat_last'`` (as TDN) or ``'loop'``.
            Default: ``'repeat_last'``.
    """

    def __init__(self,
                 clip_len: int = 5,
                 frame_interval: int = 1,
                 num_clips: int = 8,
                 test_mode: bool = False,
                 test_sampling: str = 'center',
                 num_views: int = 1,
                 out_of_bound_opt: str = 'repeat_last',
                 **kwargs) -> None:
        unsupported = [
            k for k in ('twice_sample', 'temporal_jitter', 'keep_tail_frames',
                        'target_fps') if kwargs.get(k)
        ]
        if unsupported:
            raise ValueError(f'TDNSampleFrames: {unsupported} not supported')
        if clip_len < 1 or num_clips < 1 or frame_interval < 1:
            raise ValueError(
                'TDNSampleFrames: clip_len, num_clips and frame_interval '
                f'must be >= 1, got {clip_len}, {num_clips}, '
                f'{frame_interval}')
        if test_sampling not in ('center', 'random'):
            raise ValueError('TDNSampleFrames: test_sampling must be '
                             f"'center' or 'random', got {test_sampling!r}")
        if num_views < 1 or (num_views > 1 and not (
                test_mode and test_sampling == 'random')):
            raise ValueError(
                f'TDNSampleFrames: num_views={num_views} needs test_mode=True '
                "and test_sampling='random' (num_views=1 otherwise)")
        super().__init__(
            clip_len=clip_len,
            frame_interval=frame_interval,
            num_clips=num_clips,
            test_mode=test_mode,
            out_of_bound_opt=out_of_bound_opt,
            **kwargs)
        self.test_sampling = test_sampling
        self.num_views = num_views

    def _span(self) -> int:
        """Frames covered by one segment's clip."""
        return (self.clip_len - 1) * self.frame_interval + 1

    def _random_offsets(self, num_frames: int) -> np.ndarray:
        """TDN's training rule (``_sample_indices``)."""
        span, t_len = self._span(), self.num_clips
        avg = (num_frames - span + 1) // t_len
        if avg > 0:
            return np.arange(t_len) * avg + np.random.randint(avg, size=t_len)
        if num_frames > t_len:
            high = max(num_frames - span + 1, 1)
            return np.sort(np.random.randint(high, size=t_len))
        return np.zeros(t_len, dtype=np.int64)

    def _center_offsets(self, num_frames: int) -> np.ndarray:
        """TDN's test rule for Something-Something (``_get_test_indices``)."""
        span, t_len = self._span(), self.num_clips
        if num_frames > t_len + span - 1:
            tick = (num_frames - span + 1) / float(t_len)
            return np.array(
                [int(tick / 2.0 + tick * i) for i in range(t_len)])
        return np.zeros(t_len, dtype=np.int64)

    def _get_train_clips(self, num_frames: int,
                         ori_clip_len: float) -> np.ndarray:
        return self._random_offsets(num_frames)

    def _get_test_clips(self, num_frames: int,
                        ori_clip_len: float) -> np.ndarray:
        if self.test_sampling == 'center':
            return self._center_offsets(num_frames)
        return np.concatenate(
            [self._random_offsets(num_frames) for _ in range(self.num_views)])

    def transform(self, results: Dict) -> Dict:
        """Sample; ``num_clips`` becomes ``num_views * T``."""
        if results.get('total_frames', 0) < 1:
            raise ValueError('TDNSampleFrames: total_frames must be >= 1, '
                             f"got {results.get('total_frames')}")
        results = super().transform(results)
        results['num_clips'] = self.num_clips * (
            self.num_views if self.test_mode else 1)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(clip_len={self.clip_len}, '
                f'frame_interval={self.frame_interval}, '
                f'num_clips={self.num_clips}, test_mode={self.test_mode}, '
                f'test_sampling={self.test_sampling!r}, '
                f'num_views={self.num_views}, '
                f'out_of_bound_opt={self.out_of_bound_opt!r})')
