# Copyright (c) OpenMMLab. All rights reserved.
# The plain model of the AdaFocus evidence: the same focuser backbone
# (mmpretrain ResNet-18, 16 base channels) on the full 96x96 frame, in
# MMAction2's stock Recognizer2D with a TSN head (average over segments).
_base_ = ['./_base_adafocus_demo.py']

val_evaluator = [dict(type='AccMetric')]
test_evaluator = val_evaluator
model = dict(
    _delete_=True,
    type='Recognizer2D',
    backbone=dict(
        type='mmpretrain.ResNet', depth=18, stem_channels=16,
        base_channels=16, out_indices=(3, )),
    cls_head=dict(
        type='TSNHead',
        num_classes={{_base_.num_classes}},
        in_channels={{_base_.focus_channels}},
        spatial_type='avg',
        consensus=dict(type='AvgConsensus', dim=1),
        dropout_ratio=0.2,
        init_std=0.01,
        average_clips='prob'),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCHW'))
