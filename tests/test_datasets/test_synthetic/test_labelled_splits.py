# Copyright (c) OpenMMLab. All rights reserved.
"""split_sizes: the one split-size rule of the labelled-video generators."""
import pytest

from mmtin.datasets.synthetic.labelled_splits import split_sizes


def test_rounds_val_and_test_and_gives_train_the_rest():
    # 0.15 * 30 = 4.5 rounds to 4 (half to even), 0.25 * 30 = 7.5 to 8
    assert split_sizes(30, 0.15, 0.25) == dict(train=18, val=4, test=8)
    assert split_sizes(10, 0.0, 0.5, min_videos=0) == dict(train=5, val=0,
                                                           test=5)


def test_too_few_videos_name_num_videos_and_the_sizes():
    with pytest.raises(ValueError, match=r'num_videos=4 leaves an empty '
                       r"split: \{'train': 3, 'val': 0, 'test': 1\}"):
        split_sizes(4, 0.1, 0.25)
    with pytest.raises(ValueError, match='num_videos=12 leaves a split with '
                       'fewer than 3 videos'):
        split_sizes(12, 0.15, 0.25, min_videos=3)
    assert split_sizes(12, 0.25, 0.25, min_videos=3) == dict(
        train=6, val=3, test=3)
