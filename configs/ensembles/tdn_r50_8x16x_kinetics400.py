# Copyright (c) OpenMMLab. All rights reserved.
# TDN-R50 8-segment + 16-segment ensemble, Kinetics-400 (TDN, Wang et al.,
# CVPR 2021, reports 8+16 ensembles next to the single models).
#
# The test pipeline is the 16x5 one of `tdn_r50_16x_kinetics400.py`
# (10 views x 3 crops, 80 frames per view). The 16x member takes all 16
# segments; the 8x member takes every other segment (segments 0, 2, ..., 14,
# 5 frames each: `segment_len=5`), i.e. 8 segments spread over the same
# span, as TDN's 8-segment sampler would draw them. Each member averages
# its softmax over the 30 views (`average_clips='prob'`, as the single
# models); the ensemble averages the two members' probabilities.
#
# Checkpoints: the official MCG-NJU/TDN K400 checkpoints, converted with
#   python tools/convert_checkpoint.py official-tdn OFFICIAL_8x.pth.tar \
#       tdn_r50_8x_kinetics400.pth   (and the same for 16x)
# then: python tools/test.py THIS_CONFIG ENSEMBLE.pth, where ENSEMBLE.pth
# is the state dict of the built ensemble (see docs/tdn.md).
# Published single models (official README, 3x10 views): 8x 76.6, 16x 77.5.
_base_ = ['../tdn_r50_16x_kinetics400.py']

zoo_info = dict(
    dataset='kinetics400',
    frames='16x5 (8x5 and 16x5 members)',
    published_top1=None,
    published_gflops=None,
    test_views='16x3x10',
    source='MCG-NJU/TDN README (single models)')


def _tdn_member(num_segments):
    return dict(
        type='Recognizer2D',
        backbone=dict(
            type='TDNResNet',
            depth=50,
            num_segments=num_segments,
            clip_len=5,
            pretrained=None,  # the member checkpoint has all weights
            norm_eval=False),
        cls_head=dict(
            type='TSMHead',
            num_classes=400,
            in_channels=2048,
            num_segments=num_segments,
            spatial_type='avg',
            consensus=dict(type='AvgConsensus', dim=1),
            dropout_ratio=0.5,
            init_std=0.001,
            is_shift=False,
            average_clips='prob'),
        data_preprocessor=dict(
            type='ActionDataPreprocessor',
            mean=[123.675, 116.28, 103.53],
            std=[58.395, 57.12, 57.375],
            format_shape='NCHW'))


model = dict(
    _delete_=True,
    type='EnsembleRecognizer',
    fuse='prob',
    segment_len=5,
    num_frames=16 * 5,
    members=[
        dict(
            model=_tdn_member(8),
            checkpoint='tdn_r50_8x_kinetics400.pth',
            frames=dict(offset=0, stride=2)),
        dict(
            model=_tdn_member(16),
            checkpoint='tdn_r50_16x_kinetics400.pth'),
    ])
