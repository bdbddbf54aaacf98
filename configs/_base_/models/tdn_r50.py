# Copyright (c) OpenMMLab. All rights reserved.
# TDN-R50 (Temporal Difference Networks, Wang et al., CVPR 2021), 8 segments
# of 5 consecutive frames each: the backbone gets (N*8*5, 3, H, W) from
# SampleFrames(clip_len=5, num_clips=8) + FormatShape('NCHW').
# Head: per-segment fc on pooled features, then average of the logits over
# segments (TSMHead with is_shift=False), as the official TSN wrapper.
# ImageNet init: torchvision's resnet50-19c8e357.pth, the file the official
# code loads (RGB stream and the difference branch's layer1 copy from it,
# diff stem from its conv1 averaged over RGB).
model = dict(
    type='Recognizer2D',
    backbone=dict(
        type='TDNResNet',
        depth=50,
        num_segments=8,
        clip_len=5,
        pretrained='https://download.pytorch.org/models/'
        'resnet50-19c8e357.pth',
        norm_eval=False),
    cls_head=dict(
        type='TSMHead',
        num_classes=174,
        in_channels=2048,
        num_segments=8,
        spatial_type='avg',
        consensus=dict(type='AvgConsensus', dim=1),
        dropout_ratio=0.5,
        init_std=0.001,
        is_shift=False,
        average_clips='prob'),
    # TDN normalises RGB frames with the ImageNet mean/std
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCHW'),
    train_cfg=None,
    test_cfg=None)
