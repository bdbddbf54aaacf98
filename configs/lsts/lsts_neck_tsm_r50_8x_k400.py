# Copyright (c) OpenMMLab. All rights reserved.
# TSM-R50 (ImageNet init) with an LSTSAlignNeck on its last stage: every
# segment's 7x7x2048 features are aligned to its two neighbours (81 offsets,
# the paper's 9x9 integer grid over [-4, 4]^2; 256-channel embeddings) and
# fused by the quality network. A re-use of LSTS's aggregation for
# recognition, not the paper's detection setting; no published number.
_base_ = ['./_base_k400.py']

model = dict(
    type='Recognizer2D',
    backbone=dict(
        type='ResNetTSM',
        depth=50,
        pretrained='torchvision://resnet50',
        num_segments={{_base_.num_segments}},
        shift_div=8,
        out_indices=(2, 3),
        norm_eval=False),
    neck=dict(
        type='LSTSAlignNeck',
        in_channels=2048,
        num_segments={{_base_.num_segments}},
        neighbours=(-1, 1),
        align=dict(type='LSTSAlign', embed_channels=256, num_offsets=81),
        fusion=dict(type='LSTSQualityFusion', mid_channels=256)),
    cls_head=dict(
        type='SegmentConsensusHead',
        num_classes=400,
        in_channels=2048,
        num_segments={{_base_.num_segments}},
        spatial_type='avg',
        consensus=dict(type='AvgConsensus', dim=1),
        dropout_ratio=0.5,
        init_std=0.001,
        is_shift=True,
        average_clips='prob'),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCHW'))
