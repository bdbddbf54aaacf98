# Copyright (c) OpenMMLab. All rights reserved.
# TDN-R50, 16 segments x 5 frames, Something-Something V2, ImageNet init.
# Recipe of tdn_r50_8x_sthv2.py; S-TDM fusion weights (0.75, 0.25).
# Published (official README, 16x1x1): 65.3 / 89.7 top-1 / top-5.
# 71.3 GFLOPs (GMACs) per 16x5-frame 224x224 view, 24.42M params
# (official count; 24.38M here: conv biases folded into BN).
_base_ = ['./tdn_r50_8x_sthv2.py']

zoo_info = dict(
    dataset='sthv2',
    frames='16x5',
    published_top1=65.3,
    published_top5=89.7,
    published_gflops=71.3,
    test_views='16x1x1',
    source='MCG-NJU/TDN README')

num_segments = 16
model = dict(
    backbone=dict(num_segments=num_segments),
    cls_head=dict(num_segments=num_segments))

sth_flip_label_map = {86: 87, 87: 86, 93: 94, 94: 93, 166: 167, 167: 166}
train_pipeline = [
    dict(type='DecordInit'),
    dict(
        type='SampleFrames',
        clip_len=5,
        frame_interval=1,
        num_clips=num_segments,
        out_of_bound_opt='repeat_last'),
    dict(type='DecordDecode'),
    dict(
        type='MultiScaleCrop',
        input_size=224,
        scales=(1, 0.875, 0.75, 0.66),
        random_crop=False,
        max_wh_scale_gap=1,
        num_fixed_crops=13),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5, flip_label_map=sth_flip_label_map),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='DecordInit'),
    dict(
        type='TDNSampleFrames',
        clip_len=5,
        num_clips=num_segments,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
test_pipeline = val_pipeline

train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
