# Copyright (c) OpenMMLab. All rights reserved.
# 3D ResNet-RS-50, Kinetics-400, 32 frames x stride 2.
#
# Recipe = TF Model Garden `k400_resnet3drs_50_tpu.yaml` (optimiser in
# `_base_/schedules/resnet3d_rs_sgd_350e.py`): train on one random 32x2 clip,
# short side 256, random-resized crop (area 0.08-1, aspect 0.5-2) to
# 224x224, flip; label smoothing 0.1, dropout 0.5, stochastic depth 0.1,
# EMA 0.9999, from scratch. Test: 10 clips x 3 crops of 32x256x256.
# Not reproduced: bf16 training.
#
# Published (K400 top-1, 10x3 views): 78.2 (GFLOPs not published).
# mmtin: 48,129,840 params (400 classes); 88.4 GFLOPs per 32x224x224 view
# (`tools/analysis/benchmark.py --preset movinet-rs`).
_base_ = [
    './_base_/models/resnet3d_rs50.py',
    './_base_/schedules/resnet3d_rs_sgd_350e.py',
    './_base_/default_runtime.py'
]

custom_imports = dict(imports=['mmtin'], allow_failed_imports=False)

zoo_info = dict(
    dataset='kinetics400',
    frames='32x2',
    published_top1=78.2,
    source='TF Model Garden official/vision README (K400 baselines)')

dataset_type = 'CheckedVideoDataset'
data_root = 'data/kinetics400/videos_train'
data_root_val = 'data/kinetics400/videos_val'
ann_file_train = 'data/kinetics400/kinetics400_train_list_videos.txt'
ann_file_val = 'data/kinetics400/kinetics400_val_list_videos.txt'
ann_file_test = 'data/kinetics400/kinetics400_val_list_videos.txt'

file_client_args = dict(io_backend='disk')
train_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(type='SampleFrames', clip_len=32, frame_interval=2, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(
        type='RandomResizedCrop',
        area_range=(0.08, 1.0),
        aspect_ratio_range=(0.5, 2.0)),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(
        type='SampleFrames',
        clip_len=32,
        frame_interval=2,
        num_clips=1,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='CenterCrop', crop_size=256),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(
        type='SampleFrames',
        clip_len=32,
        frame_interval=2,
        num_clips=10,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='ThreeCrop', crop_size=256),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]

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
# the runtime base's robustness hooks + the recipe's EMA
custom_hooks = [
    dict(type='EpochSeedHook'),
    dict(type='ConfigCheckHook'),
    dict(type='BrokenVideoReportHook'),
    {{_base_.ema_hook}},
]
