# Copyright (c) OpenMMLab. All rights reserved.
# Keyframe propagation on Kinetics-400 (the paper's efficiency idea, its
# layout): ResNet-50 with a dilated last stage (output stride 16, 14x14
# maps, as the paper's R-FCN backbone); every 4th segment (the middle one of
# each group) runs the whole backbone, the others only the stem + res2 +
# res3 (stride 8) and low2high (1x1 -> 256, 3x3 stride 2 -> 256, 3x3 ->
# 2048), then take their keyframe's res5 features aligned by LSTS (81
# offsets, 9x9 integer grid, 256-channel embeddings) and fused with their
# own low2high features by the quality network (DFA). No published number.
_base_ = ['./_base_k400.py']

model = dict(
    type='LSTSPropagationRecognizer',
    backbone=dict(
        type='ResNet',
        depth=50,
        pretrained='torchvision://resnet50',
        strides=(1, 2, 2, 1),
        dilations=(1, 1, 1, 2),
        norm_eval=False),
    num_low_stages=2,
    low2high=dict(
        type='LSTSLow2High',
        in_channels=512,
        out_channels=2048,
        mid_channels=256,
        stride=2),
    align=dict(type='LSTSAlign', embed_channels=256, num_offsets=81),
    fusion=dict(type='LSTSQualityFusion', mid_channels=256),
    num_segments={{_base_.num_segments}},
    keyframe_interval=4,
    propagation='lsts',
    key_position='middle',
    cls_head=dict(
        type='TSNHead',
        num_classes=400,
        in_channels=2048,
        spatial_type='avg',
        consensus=dict(type='AvgConsensus', dim=1),
        dropout_ratio=0.4,
        init_std=0.01,
        average_clips='prob'),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCHW'))
# accuracy and GFLOPs per video (the recognizer's sample_gflops)
val_evaluator = [dict(type='AccMetric'), dict(type='GFLOPsMetric')]
test_evaluator = val_evaluator
