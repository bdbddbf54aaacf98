# Copyright (c) OpenMMLab. All rights reserved.
"""The pure functions of mmtin.utils.config_checks."""
import numpy as np
import pytest
from mmaction.datasets.transforms import SampleFrames

from mmtin.utils.config_checks import (ConfigCheckError, dataset_cfg,
                                       find_sampler, label_problems,
                                       raise_if_problems)
from mmtin.datasets.short_videos import required_frames


def _clean_sampling(num_frames, clip_len, frame_interval, num_clips,
                    test_mode, seed):
    """Whether MMAction2's SampleFrames gives distinct, in-range clips.

    Out-of-range indices are looped (``% num_frames``), which breaks the
    ``frame_interval`` steps inside a clip.
    """
    np.random.seed(seed)
    sampler = SampleFrames(clip_len, frame_interval, num_clips,
                           test_mode=test_mode, out_of_bound_opt='loop')
    inds = sampler(dict(total_frames=num_frames, start_index=0))[
        'frame_inds'].reshape(num_clips, clip_len)
    starts_distinct = len(set(inds[:, 0].tolist())) == num_clips
    in_range = (np.diff(inds, axis=1) == frame_interval).all()
    return starts_distinct and in_range


@pytest.mark.parametrize('clip_len,frame_interval,num_clips',
                         [(1, 1, 8), (5, 1, 8), (4, 2, 3), (8, 8, 1),
                          (2, 3, 4)])
def test_required_frames_against_samplefames(clip_len, frame_interval,
                                             num_clips):
    need = required_frames(clip_len, frame_interval, num_clips)
    for n in (need, need + 1, need + 7):
        for test_mode in (False, True):
            assert all(
                _clean_sampling(n, clip_len, frame_interval, num_clips,
                                test_mode, seed) for seed in range(5)), n
    # one frame fewer: some sampling (train or test mode) repeats a start
    # frame or leaves the video
    assert not all(
        _clean_sampling(need - 1, clip_len, frame_interval, num_clips,
                        test_mode, seed) for test_mode in (False, True)
        for seed in range(20))


def test_required_frames_rejects_bad_values():
    with pytest.raises(ValueError, match='clip_len'):
        required_frames(0)
    with pytest.raises(ValueError, match='num_clips'):
        required_frames(1, 1, 1.5)


def test_find_sampler_and_dataset_cfg():
    pipeline = [dict(type='DecordInit'),
                dict(type='mmaction.DenseSampleFrames', clip_len=1),
                dict(type='DecordDecode')]
    assert find_sampler(pipeline) == (1, pipeline[1])
    assert find_sampler([dict(type='Custom', clip_len=2, num_clips=3)])[0] \
        == 0
    assert find_sampler([dict(type='DecordInit')]) is None
    inner = dict(type='VideoDataset', pipeline=pipeline)
    cfg = dict(train_dataloader=dict(dataset=dict(
        type='RepeatDataset', times=2, dataset=inner)))
    assert dataset_cfg(cfg, 'train') == ('train_dataloader.dataset.dataset',
                                         inner)
    assert dataset_cfg(cfg, 'test') == (None, None)
    with pytest.raises(ValueError, match='split'):
        dataset_cfg(cfg, 'training')


def test_label_problems():
    labels = [(1, 0), (2, [1, 3]), (4, -1), (5, 2)]
    assert label_problems(labels, 4, 'a.txt', allow_unlabeled=True) == []
    problems = label_problems(labels, 3, 'a.txt')
    assert len(problems) == 2
    assert 'the largest 3: 3 (line 2)' in problems[0]
    assert problems[1] == ('a.txt has 1 negative label(s) in a labelled '
                           'split: -1 (line 4)')
    with pytest.raises(ConfigCheckError, match='x check failed:\n  - p'):
        raise_if_problems(['p'], 'x')
    raise_if_problems([])
