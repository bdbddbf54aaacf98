# Copyright (c) OpenMMLab. All rights reserved.
"""SampleClipPair (two clips at a sampled distance) and ClipwiseAugment
(the same crop/flip/colour for every frame of a clip, or per frame)."""
import numpy as np
import pytest
from mmaction.registry import TRANSFORMS

import mmtin  # noqa: F401

AUGMENT = [
    dict(type='RandomResizedCrop', area_range=(0.1, 0.5)),
    dict(type='Resize', scale=(16, 16), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    # hue=0: MMAction2 1.2's hue shift overflows uint8 under NumPy 2
    dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4,
         hue=0),
]


def _pair(total, **kwargs):
    t = TRANSFORMS.build(dict(type='SampleClipPair', **kwargs))
    return t(dict(total_frames=total, start_index=0))


def test_pair_layout_and_distance():
    np.random.seed(0)
    for _ in range(200):
        out = _pair(40, clip_len=4, frame_interval=3, max_distance=10)
        inds, d = out['frame_inds'], out['clip_distance']
        assert out['num_clips'] == 2 and out['clip_len'] == 4
        assert 0 <= d <= 10
        first, second = inds[:4], inds[4:]
        assert list(np.diff(first)) == [3, 3, 3]
        assert list(second - first) == [d] * 4
        assert first[0] >= 0 and second[-1] < 40


def test_decreasing_distance_distribution():
    """P(d) proportional to D + 1 - d: for D = 3, 4/10, 3/10, 2/10, 1/10."""
    np.random.seed(1)
    n = 8000
    ds = [_pair(4 + 3, clip_len=4)['clip_distance'] for _ in range(n)]
    freq = np.bincount(ds, minlength=4) / n
    np.testing.assert_allclose(freq, [0.4, 0.3, 0.2, 0.1], atol=0.02)
    ds = [_pair(7, clip_len=4, distance='uniform')['clip_distance']
          for _ in range(n)]
    np.testing.assert_allclose(np.bincount(ds) / n, [0.25] * 4, atol=0.02)


def test_short_video_loops():
    out = _pair(3, clip_len=5)
    assert list(out['frame_inds']) == [0, 1, 2, 0, 1] * 2
    assert out['clip_distance'] == 0


@pytest.mark.parametrize('kwargs, match', [
    (dict(clip_len=0), 'clip_len must be an int >= 1'),
    (dict(clip_len=4, max_distance=-1), 'max_distance must be an int >= 0'),
    (dict(clip_len=4, distance='power'), 'distance must be one of'),
])
def test_pair_bad_args(kwargs, match):
    with pytest.raises(ValueError, match=match):
        TRANSFORMS.build(dict(type='SampleClipPair', **kwargs))


def _two_clips(frames=4, size=32):
    """Two clips whose frames are all the same picture (a gradient), so
    any difference between output frames comes from the augmentation."""
    y, x = np.mgrid[0:size, 0:size]
    img = np.stack([x * 8, y * 8, (x + y) * 4], axis=-1).astype(np.uint8)
    imgs = [img.copy() for _ in range(2 * frames)]
    return dict(imgs=imgs, num_clips=2, clip_len=frames,
                img_shape=(size, size), ori_shape=(size, size),
                modality='RGB')


def _clips(out, frames=4):
    imgs = np.stack(out['imgs']).astype(np.int32)
    return imgs[:frames], imgs[frames:]


def test_clip_unit_is_consistent_within_and_differs_across_clips():
    np.random.seed(0)
    t = TRANSFORMS.build(dict(type='ClipwiseAugment', transforms=AUGMENT))
    differ = 0
    for _ in range(10):
        out = t(_two_clips())
        assert out['img_shape'] == (16, 16)
        a, b = _clips(out)
        for clip in (a, b):  # every frame of a clip: the same crop/colour
            assert all(np.array_equal(clip[0], f) for f in clip[1:])
        differ += not np.array_equal(a[0], b[0])
    assert differ == 10  # the two clips draw their own augmentation


def test_frame_unit_is_inconsistent():
    np.random.seed(0)
    t = TRANSFORMS.build(
        dict(type='ClipwiseAugment', transforms=AUGMENT, unit='frame'))
    a, b = _clips(t(_two_clips()))
    for clip in (a, b):
        assert not all(np.array_equal(clip[0], f) for f in clip[1:])


def test_stock_crop_alone_is_shared_by_both_clips():
    """Why the wrapper exists: MMAction2's crop draws once per call."""
    np.random.seed(0)
    crop = TRANSFORMS.build(AUGMENT[0])
    out = crop(_two_clips())
    a, b = _clips(out)
    assert np.array_equal(a[0], b[0])


def test_clipwise_errors():
    with pytest.raises(ValueError, match='unit must be one of'):
        TRANSFORMS.build(dict(type='ClipwiseAugment', transforms=AUGMENT,
                              unit='video'))
    t = TRANSFORMS.build(dict(
        type='ClipwiseAugment',
        transforms=[dict(type='RandomResizedCrop', area_range=(0.1, 0.5))]))
    np.random.seed(0)
    with pytest.raises(ValueError, match='fixed-size Resize'):
        t(_two_clips())
    bad = _two_clips()
    bad['imgs'] = bad['imgs'][:-1]
    with pytest.raises(ValueError, match='7 frames are not 2 clips'):
        t(bad)
