# Copyright (c) OpenMMLab. All rights reserved.
"""TDN sampling against the official formulas (written out naively here),
and the frame layout from the pipeline to the backbone."""
import numpy as np
import pytest
import torch

import mmtin  # noqa: F401
from mmaction.registry import MODELS, TRANSFORMS
from mmengine.registry import init_default_scope

init_default_scope('mmaction')

NEW_LENGTH = 5


def official_test_offsets(num_frames, num_segments):
    """TSNDataSet._get_test_indices (0-based)."""
    if num_frames > num_segments + NEW_LENGTH - 1:
        tick = (num_frames - NEW_LENGTH + 1) / float(num_segments)
        return [int(tick / 2.0 + tick * x) for x in range(num_segments)]
    return [0] * num_segments


def official_train_offsets(num_frames, num_segments):
    """TSNDataSet._sample_indices (0-based), numpy's global RNG."""
    average_duration = (num_frames - NEW_LENGTH + 1) // num_segments
    if average_duration > 0:
        return list(
            np.multiply(list(range(num_segments)), average_duration) +
            np.random.randint(average_duration, size=num_segments))
    if num_frames > num_segments:
        return list(
            np.sort(
                np.random.randint(
                    num_frames - NEW_LENGTH + 1, size=num_segments)))
    return [0] * num_segments


def official_frames(offsets, num_frames):
    """Frames offset+k, k < 5, clamped at the last frame."""
    inds = []
    for off in offsets:
        p = off
        for _ in range(NEW_LENGTH):
            inds.append(p)
            if p < num_frames - 1:
                p += 1
    return inds


LENGTHS = [1, 3, 8, 10, 12, 13, 16, 20, 21, 37, 100, 301]


@pytest.mark.parametrize('num_segments', [8, 16])
@pytest.mark.parametrize('num_frames', LENGTHS)
def test_center_sampling_matches_official(num_segments, num_frames):
    t = TRANSFORMS.build(
        dict(type='TDNSampleFrames', num_clips=num_segments, test_mode=True))
    out = t(dict(total_frames=num_frames, start_index=0))
    expected = official_frames(
        official_test_offsets(num_frames, num_segments), num_frames)
    assert out['frame_inds'].tolist() == expected
    assert out['num_clips'] == num_segments and out['clip_len'] == 5
    # start_index shifts the indices (rawframes are 1-based)
    out1 = t(dict(total_frames=num_frames, start_index=1))
    assert (out1['frame_inds'] - 1).tolist() == expected


def test_center_sampling_hand_case():
    # L = 20, T = 8: tick = 2 -> offsets 1, 3, ..., 15
    t = TRANSFORMS.build(dict(type='TDNSampleFrames', test_mode=True))
    inds = t(dict(total_frames=20, start_index=0))['frame_inds']
    assert inds[:10].tolist() == [1, 2, 3, 4, 5, 3, 4, 5, 6, 7]
    assert inds[-5:].tolist() == [15, 16, 17, 18, 19]


@pytest.mark.parametrize('num_segments', [8, 16])
@pytest.mark.parametrize('num_frames', LENGTHS)
def test_random_sampling_matches_official(num_segments, num_frames):
    t = TRANSFORMS.build(
        dict(type='TDNSampleFrames', num_clips=num_segments))
    for seed in range(3):
        np.random.seed(seed)
        expected = official_frames(
            official_train_offsets(num_frames, num_segments), num_frames)
        np.random.seed(seed)
        got = t(dict(total_frames=num_frames, start_index=0))['frame_inds']
        assert got.tolist() == expected


@pytest.mark.parametrize('num_frames', [9, 12, 13, 40, 301])
def test_mmaction_sampleframes_matches_official_train_rule(num_frames):
    """The configs train with MMAction2's SampleFrames: equal to TDN's rule
    for L > T (TDN uses zeros for L <= T, MMAction2 spreads offsets)."""
    t = TRANSFORMS.build(
        dict(type='SampleFrames', clip_len=5, frame_interval=1, num_clips=8,
             out_of_bound_opt='repeat_last'))
    for seed in range(3):
        np.random.seed(seed)
        expected = official_frames(official_train_offsets(num_frames, 8),
                                   num_frames)
        np.random.seed(seed)
        got = t(dict(total_frames=num_frames, start_index=0))['frame_inds']
        assert got.tolist() == expected


def test_kinetics_random_views():
    t = TRANSFORMS.build(
        dict(type='TDNSampleFrames', num_clips=8, test_mode=True,
             test_sampling='random', num_views=10))
    np.random.seed(5)
    expected = []
    for _ in range(10):
        expected += official_frames(official_train_offsets(250, 8), 250)
    np.random.seed(5)
    out = t(dict(total_frames=250, start_index=0))
    assert out['frame_inds'].tolist() == expected
    assert out['num_clips'] == 80
    views = out['frame_inds'].reshape(10, 40)
    assert len({tuple(v) for v in views}) > 1  # independent draws


@pytest.mark.parametrize('cfg,match', [
    (dict(num_views=10, test_mode=True), 'num_views=10'),
    (dict(num_views=10), 'num_views=10'),
    (dict(test_sampling='uniform'), 'test_sampling'),
    (dict(twice_sample=True), 'twice_sample'),
    (dict(clip_len=0), 'clip_len'),
])
def test_errors(cfg, match):
    with pytest.raises(ValueError, match=match):
        TRANSFORMS.build(dict(type='TDNSampleFrames', **cfg))
    t = TRANSFORMS.build(dict(type='TDNSampleFrames'))
    with pytest.raises(ValueError, match='total_frames'):
        t(dict(total_frames=0, start_index=0))


def test_pipeline_layout_reaches_backbone_as_official():
    """SampleFrames(clip_len=5) + FormatShape('NCHW') + Recognizer2D give
    the backbone (N*T*5, 3, H, W) whose (N*T, 15, H, W) view stacks the 5
    frames of a segment along channels (frame outer, colour inner): the RGB
    stem sees frame 3 of each segment, the diff stem x(k+1) - x(k)."""
    num_frames, t_len, size = 30, 2, 64
    pipeline = [
        TRANSFORMS.build(dict(type='TDNSampleFrames', num_clips=t_len,
                              test_mode=True)),
    ]
    results = dict(total_frames=num_frames, start_index=0)
    for p in pipeline:
        results = p(results)
    inds = results['frame_inds']
    # frame f has value f (colour c adds 1000 * c)
    imgs = np.stack([
        np.full((size, size, 3), f) + np.array([0, 1000, 2000])
        for f in inds
    ]).astype(np.float32)
    results['imgs'] = list(imgs)
    results = TRANSFORMS.build(dict(type='FormatShape',
                                    input_format='NCHW'))(results)
    inputs = torch.from_numpy(results['imgs'])[None]  # collate: batch of 1
    assert inputs.shape == (1, t_len * 5, 3, size, size)

    model = MODELS.build(
        dict(type='Recognizer2D',
             backbone=dict(type='TDNResNet', depth=50, num_segments=t_len),
             cls_head=dict(type='TSMHead', num_classes=3, in_channels=2048,
                           num_segments=t_len, is_shift=False))).eval()
    seen = {}
    model.backbone.conv1.conv.register_forward_pre_hook(
        lambda m, a: seen.setdefault('rgb', a[0].clone()))
    model.backbone.diff_conv1.conv.register_forward_pre_hook(
        lambda m, a: seen.setdefault('diff', a[0].clone()))
    with torch.no_grad():
        model.extract_feat(inputs, stage='backbone')
    offsets = official_test_offsets(num_frames, t_len)
    seg_frames = np.array(official_frames(offsets, num_frames)).reshape(
        t_len, 5)
    for t in range(t_len):
        for c in range(3):
            assert torch.all(seen['rgb'][t, c] == seg_frames[t, 2] + 1000 * c)
            for k in range(4):
                assert torch.all(seen['diff'][t, 3 * k + c] ==
                                 seg_frames[t, k + 1] - seg_frames[t, k])


def test_real_video_decode(video_dir):
    pipeline = [
        TRANSFORMS.build(dict(type='DecordInit')),
        TRANSFORMS.build(dict(type='TDNSampleFrames', num_clips=8,
                              test_mode=True)),
        TRANSFORMS.build(dict(type='DecordDecode')),
    ]
    results = dict(filename=str(video_dir / 'test.mp4'), start_index=0,
                   modality='RGB')
    for p in pipeline:
        results = p(results)
    num_frames = results['total_frames']
    expected = official_frames(official_test_offsets(num_frames, 8),
                               num_frames)
    assert results['frame_inds'].tolist() == expected
    assert len(results['imgs']) == 40 and results['imgs'][0].ndim == 3
