# Copyright (c) OpenMMLab. All rights reserved.
# TDN-R50, 16 segments x 5 frames, Kinetics-400, ImageNet init.
# Recipe of tdn_r50_8x_kinetics400.py; S-TDM fusion weights (0.75, 0.25).
# Published (official README, 16x3x10): 77.5 / 93.2 top-1 / top-5.
# 71.3 GFLOPs (GMACs) per 16x5-frame 224x224 view.
_base_ = ['./tdn_r50_8x_kinetics400.py']

zoo_info = dict(
    dataset='kinetics400',
    frames='16x5',
    published_top1=77.5,
    published_top5=93.2,
    published_gflops=None,  # the GMACs in the spec are for 224x224
    test_views='16x3x10',
    source='MCG-NJU/TDN README')

num_segments = 16
model = dict(
    backbone=dict(num_segments=num_segments),
    cls_head=dict(num_segments=num_segments))

train_pipeline = [
    dict(type='DecordInit'),
    dict(
        type='SampleFrames',
        clip_len=5,
        frame_interval=1,
        num_clips=num_segments,
        out_of_bound_opt='repeat_last'),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 320)),
    dict(
        type='MultiScaleCrop',
        input_size=224,
        scales=(1, 0.875, 0.75, 0.66),
        random_crop=False,
        max_wh_scale_gap=1,
        num_fixed_crops=13),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
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
test_pipeline = [
    dict(type='DecordInit'),
    dict(
        type='TDNSampleFrames',
        clip_len=5,
        num_clips=num_segments,
        test_mode=True,
        test_sampling='random',
        num_views=10),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='ThreeCrop', crop_size=256),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]

train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
