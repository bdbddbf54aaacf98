# Copyright (c) OpenMMLab. All rights reserved.
# TDN-R50, 8 segments x 5 frames, Something-Something V1, ImageNet init.
#
# Recipe = the official README command (MCG-NJU/TDN): 8 GPUs x 8 clips,
# SGD lr 0.01, wd 5e-4, clip 20, 60 epochs (30/45/55), dropout 0.5,
# multi-scale crop without pre-resize, flip with label swap.
# Published (official README, 8x1x1, 1 clip x 1 centre crop): 52.3 / 80.6
# top-1 / top-5. 35.6 GFLOPs (GMACs) per 8x5-frame 224x224 view,
# 24.42M params (174 classes; official count, 24.38M here: the conv biases
# are folded into BN and the unused conv1_temp is dropped).
# Official checkpoints (Google Drive links in the official README) convert
# with `python tools/convert_checkpoint.py official-tdn IN OUT` and load with
# strict=True. Their SSv1 label indices may differ from MMAction2's
# annotation files (TDN#19): check the class order before testing.
_base_ = [
    './_base_/models/tdn_r50.py', './_base_/schedules/tdn_sgd_60e.py',
    './_base_/default_runtime.py'
]

custom_imports = dict(imports=['mmtin'], allow_failed_imports=False)

zoo_info = dict(
    dataset='sthv1',
    frames='8x5',
    published_top1=52.3,
    published_top5=80.6,
    published_gflops=35.6,
    test_views='8x1x1',
    source='MCG-NJU/TDN README')

num_segments = 8
model = dict(
    backbone=dict(num_segments=num_segments),
    cls_head=dict(num_classes=174, num_segments=num_segments))

# dataset settings
dataset_type = 'RawframeDataset'
data_root = 'data/sthv1/rawframes'
data_root_val = 'data/sthv1/rawframes'
ann_file_train = 'data/sthv1/sthv1_train_list_rawframes.txt'
ann_file_val = 'data/sthv1/sthv1_val_list_rawframes.txt'
ann_file_test = 'data/sthv1/sthv1_val_list_rawframes.txt'

# Horizontal flip swaps "left to right" / "right to left" classes. The
# indices are those of the official SSv1/v2 label lists (and of MMAction2's
# sthv2 configs); the authors warn their SSv1 indices may differ from other
# annotation files (TDN#19): check them against your class list.
sth_flip_label_map = {86: 87, 87: 86, 93: 94, 94: 93, 166: 167, 167: 166}

train_pipeline = [
    # TDN's training rule (MMAction2 differs only for videos of <= 8 frames)
    dict(
        type='SampleFrames',
        clip_len=5,
        frame_interval=1,
        num_clips=num_segments,
        out_of_bound_opt='repeat_last'),
    dict(type='RawFrameDecode'),
    # raw SSv1 frames (about 100 px high), no pre-resize, as the official code
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
    # deterministic segment centres: int(tick / 2 + tick * i)
    dict(
        type='TDNSampleFrames',
        clip_len=5,
        num_clips=num_segments,
        test_mode=True),
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
test_pipeline = val_pipeline
# 3-crop testing (official --full_res): replace CenterCrop(224) by
# ThreeCrop(256), see tdn_r101_8x_sthv2_3crop.py.

train_dataloader = dict(
    batch_size=8,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file_train,
        data_prefix=dict(img=data_root),
        filename_tmpl='{:05}.jpg',
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file_val,
        data_prefix=dict(img=data_root_val),
        filename_tmpl='{:05}.jpg',
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
        data_prefix=dict(img=data_root_val),
        filename_tmpl='{:05}.jpg',
        pipeline=test_pipeline,
        test_mode=True))

val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator

default_hooks = dict(checkpoint=dict(interval=5, max_keep_ckpts=3))
