# Copyright (c) OpenMMLab. All rights reserved.
# TDN-R50, 8 segments x 5 frames, Something-Something V2 (videos), ImageNet
# init. The official README has no separate SSv2 command; the SSv1 recipe
# (lr 0.01 for 8 GPUs x 8 clips, 60 epochs 30/45/55, wd 5e-4) is reused.
# Published (official README, 8x1x1): 64.0 / 88.8 top-1 / top-5.
# 35.6 GFLOPs (GMACs) per 8x5-frame 224x224 view, 24.42M params
# (official count; 24.38M here: conv biases folded into BN).
_base_ = [
    './_base_/models/tdn_r50.py', './_base_/schedules/tdn_sgd_60e.py',
    './_base_/default_runtime.py'
]

custom_imports = dict(imports=['mmtin'], allow_failed_imports=False)

zoo_info = dict(
    dataset='sthv2',
    frames='8x5',
    published_top1=64.0,
    published_top5=88.8,
    published_gflops=35.6,
    test_views='8x1x1',
    source='MCG-NJU/TDN README')

num_segments = 8
model = dict(
    backbone=dict(num_segments=num_segments),
    cls_head=dict(num_classes=174, num_segments=num_segments))

# dataset settings
dataset_type = 'CheckedVideoDataset'
data_root = 'data/sthv2/videos'
data_root_val = 'data/sthv2/videos'
ann_file_train = 'data/sthv2/sthv2_train_list_videos.txt'
ann_file_val = 'data/sthv2/sthv2_val_list_videos.txt'
ann_file_test = 'data/sthv2/sthv2_val_list_videos.txt'

# flip swaps "left to right" / "right to left" classes (MMAction2's sthv2
# label indices); check them against your class list (TDN#19)
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

train_dataloader = dict(
    batch_size=8,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file_train,
        data_prefix=dict(video=data_root),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file_val,
        data_prefix=dict(video=data_root_val),
        pipeline=val_pipeline,
        test_mode=True))
test_dataloader = dict(
    batch_size=1,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file_test,
        data_prefix=dict(video=data_root_val),
        pipeline=test_pipeline,
        test_mode=True))

val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator

default_hooks = dict(checkpoint=dict(interval=5, max_keep_ckpts=3))
