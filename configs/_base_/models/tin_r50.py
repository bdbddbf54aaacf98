# Copyright (c) OpenMMLab. All rights reserved.
# TIN-R50 (Temporal Interlacing Network, Shao et al., AAAI 2020), the model
# of MMAction2's `_base_/models/tin_r50.py`: TIN before conv1 of all 16
# bottlenecks, shift_div 4 (published value; MMAction2's class default is 8),
# 8 segments, TSN-style segment consensus head.
model = dict(
    type='Recognizer2D',
    backbone=dict(
        type='TINResNet',
        pretrained='torchvision://resnet50',
        depth=50,
        num_segments=8,
        shift_div=4,
        norm_eval=False),
    cls_head=dict(
        type='TSMHead',
        num_classes=400,
        in_channels=2048,
        num_segments=8,
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
        format_shape='NCHW'),
    train_cfg=None,
    test_cfg=None)
