# Copyright (c) OpenMMLab. All rights reserved.
"""Contract cases for CVRL pre-training: the model, its transforms and
the linear-probe head of its evaluation."""
import numpy as np
import torch


def _two_clips():
    rng = np.random.default_rng(0)
    imgs = [rng.integers(0, 255, (24, 24, 3), dtype=np.uint8)
            for _ in range(8)]
    return dict(imgs=imgs, num_clips=2, clip_len=4, img_shape=(24, 24),
                ori_shape=(24, 24), modality='RGB')


def _check_pair(out):
    assert len(out['frame_inds']) == 8 and out['num_clips'] == 2


def _check_clips(out):
    assert len(out['imgs']) == 8 and out['img_shape'] == (16, 16)


CASES = {
    'CVRL':
    dict(
        cfg=dict(
            type='CVRL',
            backbone=dict(type='ResNet3dRS', depth=50, base_channels=4,
                          stem_channels=4),
            neck=dict(type='mmpretrain.NonLinearNeck', in_channels=128,
                      hid_channels=16, out_channels=8, with_avg_pool=False,
                      norm_cfg=dict(type='BN1d')),
            head=dict(type='mmpretrain.ContrastiveHead',
                      loss=dict(type='mmpretrain.CrossEntropyLoss'),
                      temperature=0.1),
            queue_len=8),
        inputs=lambda: (torch.randn(2, 2, 3, 4, 32, 32), ),
        call=lambda m, x: m(x, mode='loss')),
    'LinearProbeHead':
    dict(
        cfg=dict(type='LinearProbeHead', num_classes=3, in_channels=8),
        inputs=lambda: (torch.randn(4, 8, 2, 3, 3), )),
    'SampleClipPair':
    dict(
        cfg=dict(type='SampleClipPair', clip_len=4, frame_interval=2),
        inputs=lambda: (dict(total_frames=20, start_index=0), ),
        check=_check_pair),
    'ClipwiseAugment':
    dict(
        cfg=dict(
            type='ClipwiseAugment',
            transforms=[
                dict(type='RandomResizedCrop'),
                dict(type='Resize', scale=(16, 16), keep_ratio=False),
                dict(type='Flip', flip_ratio=0.5)
            ]),
        inputs=lambda: (_two_clips(), ),
        check=_check_clips),
}
