# Copyright (c) OpenMMLab. All rights reserved.
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mmtin.datasets.synthetic.small_object import (
    CLASSES, generate_small_object_dataset, render_clip)


def test_target_is_small_moving_and_textured_by_class():
    rng = np.random.default_rng(0)
    clip, corners = render_clip(rng, 1, size=96, frames=8, object_size=16)
    assert clip.shape == (8, 96, 96, 3) and clip.dtype == np.uint8
    assert 16 * 16 / 96**2 < 0.05  # a few percent of the frame
    assert (corners[0] != corners[-1]).any()  # it moves
    x, y = corners[3]
    inner = clip[3, y + 2:y + 14, x + 2:x + 14, 0].astype(int)
    # class 1 (vertical): every column is constant, rows are not
    assert (inner == inner[:1]).all() and len(np.unique(inner[0])) == 2


@pytest.mark.parametrize('label', range(len(CLASSES)))
def test_area_downsample_hides_the_class(label):
    """A period x period box filter maps every texture to one flat grey:
    the glance (area downsample by the period) cannot see the class."""
    for period in (3, 4):
        rng = np.random.default_rng(label)
        clip, corners = render_clip(rng, label, size=96, frames=1,
                                    object_size=16, period=period,
                                    num_discs=0)
        x, y = corners[0]
        patch = torch.from_numpy(clip[0, y + 2:y + 14, x + 2:x + 14, 0])
        box = F.avg_pool2d(patch[None, None].float(), period, stride=1)
        assert box.max() - box.min() < 1.0  # flat (rounding only)
        dark = (period // 2) / period
        expected = 255 * (0.15 * dark + 0.85 * (1 - dark))
        assert abs(box.mean() - expected) < 1.0


def test_generates_mp4_and_annotations(tmp_path):
    meta = generate_small_object_dataset(
        str(tmp_path), num_videos=8, frames=4, size=64, object_size=12,
        val_ratio=0.25, test_ratio=0.25)
    assert meta['counts'] == dict(train=4, val=2, test=2)
    lines = (tmp_path / 'train.txt').read_text().split('\n')[:-1]
    assert [int(line.split()[1]) for line in lines] == [0, 1, 2, 3]
    import av
    with av.open(str(tmp_path / lines[0].split()[0])) as container:
        frames = [f.to_ndarray(format='rgb24')
                  for f in container.decode(video=0)]
    assert len(frames) == 4 and frames[0].shape == (64, 64, 3)
    assert (tmp_path / 'label_map.txt').read_text().split() == list(CLASSES)


def test_bad_arguments_named(tmp_path):
    with pytest.raises(ValueError, match='object_size'):
        generate_small_object_dataset(str(tmp_path), object_size=60)
    with pytest.raises(ValueError, match='size'):
        generate_small_object_dataset(str(tmp_path), size=31)


def test_ring_colour_is_the_only_saturated_colour_and_tells_the_pair():
    """The glance cue: the target's ring is red for classes 0/1 and blue for
    2/3, and nothing else in the frame is nearly as saturated."""
    for label in range(len(CLASSES)):
        rng = np.random.default_rng(10 + label)
        clip, corners = render_clip(rng, label, size=96, frames=1,
                                    object_size=16, num_discs=12)
        img = clip[0].astype(int)
        x, y = corners[0]
        ring = img[y, x + 4]
        assert ring.argmax() == (0 if label < 2 else 2)
        saturation = img.max(-1) - img.min(-1)
        outside = np.ones(img.shape[:2], bool)
        outside[y:y + 16, x:x + 16] = False
        assert saturation[outside].max() <= 0.2 * 255 + 1
        assert saturation[y, x + 4] >= 0.85 * 255
