# Copyright (c) OpenMMLab. All rights reserved.
# Keyframe propagation with LSTS on the demo dataset (configs/demo, 8 x
# 32x32 frames, from scratch): ResNet-18 with a dilated last stage (output
# stride 16); keyframes 2 and 6 run the whole backbone, the other frames the
# stem + layer1 + layer2 and low2high, then LSTS alignment from their
# keyframe and the quality fusion (DFA). Per-frame scores are averaged, so
# like TSN it cannot tell the demo's temporal order: the config shows the
# wiring (the LSTS evidence uses configs/lsts/*_moving_object.py).
_base_ = ['../demo/_base_demo.py']

model = dict(
    _delete_=True,
    type='LSTSPropagationRecognizer',
    backbone=dict(
        type='ResNet',
        depth=18,
        pretrained=None,
        strides=(1, 2, 2, 1),
        dilations=(1, 1, 1, 2),
        norm_eval=False),
    num_low_stages=2,
    low2high=dict(
        type='LSTSLow2High',
        in_channels=128,
        out_channels=512,
        mid_channels=64,
        stride=2),
    align=dict(type='LSTSAlign', embed_channels=64, num_offsets=9),
    fusion=dict(type='LSTSQualityFusion', mid_channels=64),
    num_segments={{_base_.num_segments}},
    keyframe_interval=4,
    propagation='lsts',
    cls_head=dict(
        type='TSNHead',
        num_classes=2,
        in_channels=512,
        spatial_type='avg',
        consensus=dict(type='AvgConsensus', dim=1),
        dropout_ratio=0.5,
        init_std=0.001,
        average_clips='prob'),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCHW'))
optim_wrapper = dict(
    paramwise_cfg=dict(
        custom_keys={'.offsets': dict(lr_mult=20., decay_mult=0.)}))
# accuracy and GFLOPs per video (the recognizer's sample_gflops)
val_evaluator = [dict(type='AccMetric'), dict(type='GFLOPsMetric')]
test_evaluator = val_evaluator
