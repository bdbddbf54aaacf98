# Copyright (c) OpenMMLab. All rights reserved.
# TDN (mmtin's TDNResNet, depth 18, from scratch) on the demo dataset.
# Depth 18 (BasicBlock) is an mmtin extension of TDN, see TDNResNet. Each of
# the 8 segments gives 5 consecutive frames (the S-TDM differences, the RGB
# stream takes the centre one), at the same 32x32 input as TSN/TSM/TIN; at
# that size layer4 works on 1x1 maps, where the L-TDM shrinks its 2x2 pool
# to the map (see LongTermTDM).
_base_ = ['./_base_demo.py']

num_segments = {{_base_.num_segments}}
img_size = {{_base_.img_size}}

model = dict(
    backbone=dict(
        type='TDNResNet',
        depth=18,
        num_segments=num_segments,
        pretrained=None,
        norm_eval=False),
    cls_head=dict(is_shift=False))

# The base pipelines with 5 frames per segment: MMAction2's SampleFrames for
# training (TDN's training rule), TDN's deterministic rule for testing.
train_pipeline = [
    dict(type='DecordInit'),
    dict(
        type='SampleFrames',
        clip_len=5,
        frame_interval=1,
        num_clips=num_segments,
        out_of_bound_opt='repeat_last'),
    dict(type='DecordDecode'),
    dict(type='RandomResizedCrop', area_range=(0.7, 1.0)),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='DecordInit'),
    dict(
        type='TDNSampleFrames',
        clip_len=5,
        frame_interval=1,
        num_clips=num_segments,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
