# Copyright (c) OpenMMLab. All rights reserved.
# MoViNet-A0-Base, Kinetics-600, 50 frames x stride 5 at 172x172.
#
# Recipe = TF Model Garden `movinet_a0_k600_8x8.yaml` (see
# `_base_/schedules/movinet_rmsprop_240e.py` for the optimiser): train on
# one random 50x5 clip, short side 192, random-resized crop (area 0.08-1,
# aspect 0.5-2) to 172x172, flip; label smoothing 0.1, dropout 0.2,
# stochastic depth 0.2; evaluate 1 clip x 1 centre crop.
# Not reproduced: AutoAugment and the random temporal stride (4-6) of the
# base-model recipe (MMAction2 has no video AutoAugment without extra
# packages; SampleFrames has a fixed interval).
#
# Published (K600 top-1, 1 clip x 1 crop): 72.28, 2.7 GFLOPs per video.
# mmtin: 3,111,799 params (600 classes); 2.76 GFLOPs per 50x172x172 view
# (mmengine FlopAnalyzer, multiply-adds of conv, linear and BN layers;
# `tools/analysis/benchmark.py --preset movinet-rs`).
_base_ = [
    './_base_/models/movinet_a0.py',
    './_base_/schedules/movinet_rmsprop_240e.py',
    './_base_/default_runtime.py'
]

custom_imports = dict(imports=['mmtin'], allow_failed_imports=False)

zoo_info = dict(
    dataset='kinetics600',
    frames='50x5',
    published_top1=72.28,
    published_gflops=2.7,
    source='TF Model Garden projects/movinet README')

dataset_type = 'CheckedVideoDataset'
data_root = 'data/kinetics600/videos_train'
data_root_val = 'data/kinetics600/videos_val'
ann_file_train = 'data/kinetics600/kinetics600_train_list_videos.txt'
ann_file_val = 'data/kinetics600/kinetics600_val_list_videos.txt'
ann_file_test = 'data/kinetics600/kinetics600_val_list_videos.txt'

file_client_args = dict(io_backend='disk')
train_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(type='SampleFrames', clip_len=50, frame_interval=5, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 192)),
    dict(
        type='RandomResizedCrop',
        area_range=(0.08, 1.0),
        aspect_ratio_range=(0.5, 2.0)),
    dict(type='Resize', scale=(172, 172), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(
        type='SampleFrames',
        clip_len=50,
        frame_interval=5,
        num_clips=1,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 192)),
    dict(type='CenterCrop', crop_size=172),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]

train_dataloader = dict(
    batch_size=16,
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
        pipeline=test_pipeline,
        test_mode=True))
test_dataloader = dict(
    batch_size=8,
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
