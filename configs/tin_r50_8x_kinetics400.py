# Copyright (c) OpenMMLab. All rights reserved.
# TIN-R50, 8 segments, Kinetics-400, fine-tuned from MMAction2's TSM-R50 K400.
#
# Recipe = MMAction2 1.x
# `tin_kinetics400-pretrained-tsm-r50_1x1x8-50e_kinetics400-rgb`: 8 GPUs x 6
# clips, SGD lr 0.01 m 0.9 wd 1e-4, fc_lr5, clip_grad 40, MultiStep [20, 40]
# gamma 0.1, 50 epochs, validation every 5, dropout 0.5, flip 0.5;
# initialised (`load_from`) from TSM-R50 1x1x8 50e K400 (70.24 / 89.56).
#
# TSM -> TIN weights: TSM stores each bottleneck's conv1 as
# `...conv1.conv.net.weight` (its TemporalShift wraps the conv as `net`),
# TIN as `...conv1.conv.net2.weight`. mmtin's TIN wrapper remaps the old key
# while loading, so all 16 conv1 weights really come from TSM (with MMAction2
# they silently stayed ImageNet-initialised); the TIN offset/weight nets are
# new and keep their init.
#
# Published results (8 clips x 1 center crop, top-1 / top-5):
#   MMAction2 1.x : 71.86 / 90.44, ckpt
#     https://download.openmmlab.com/mmaction/v1.0/recognition/tin/tin_kinetics400-pretrained-tsm-r50_1x1x8-50e_kinetics400-rgb/tin_kinetics400-pretrained-tsm-r50_1x1x8-50e_kinetics400-rgb_20220913-7f10d0c0.pth  # noqa: E501
#   MMAction2 v0.24.1 (tin_tsm_finetune): 70.89 / 89.89
# Params 24,358,640; 32.97 GFLOPs (MACs) per 8-frame 224x224 view.
_base_ = [
    './_base_/models/tin_r50.py', './_base_/default_runtime.py'
]

custom_imports = dict(imports=['mmtin'], allow_failed_imports=False)

zoo_info = dict(
    dataset='kinetics400',
    frames='1x1x8',
    published_top1=71.86,
    source='MMAction2 1.x metafile')

# model settings (`is_shift` only matters with temporal_pool: no effect)
# every trunk weight comes from `load_from`: skip the ImageNet download
model = dict(
    backbone=dict(pretrained=None),
    cls_head=dict(num_classes=400, dropout_ratio=0.5, is_shift=True))

# dataset settings
dataset_type = 'CheckedVideoDataset'
data_root = 'data/kinetics400/videos_train'
data_root_val = 'data/kinetics400/videos_val'
ann_file_train = 'data/kinetics400/kinetics400_train_list_videos.txt'
ann_file_val = 'data/kinetics400/kinetics400_val_list_videos.txt'
ann_file_test = 'data/kinetics400/kinetics400_val_list_videos.txt'

train_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=8),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(
        type='MultiScaleCrop',
        input_size=224,
        scales=(1, 0.875, 0.75, 0.66),
        random_crop=False,
        max_wh_scale_gap=1),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='DecordInit'),
    dict(
        type='SampleFrames',
        clip_len=1,
        frame_interval=1,
        num_clips=8,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
test_pipeline = val_pipeline

train_dataloader = dict(
    batch_size=6,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file_train,
        data_prefix=dict(video=data_root),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=6,
    num_workers=2,
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
    num_workers=2,
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

train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=50, val_begin=1, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0001),
    constructor='TSMOptimWrapperConstructor',
    paramwise_cfg=dict(fc_lr5=True),
    clip_grad=dict(max_norm=40, norm_type=2))

param_scheduler = [
    dict(
        type='MultiStepLR',
        begin=0,
        end=50,
        by_epoch=True,
        milestones=[20, 40],
        gamma=0.1)
]

# lr 0.01 is for 8 GPUs x 6 clips; `--auto-scale-lr` rescales it linearly
auto_scale_lr = dict(enable=False, base_batch_size=48)

load_from = 'https://download.openmmlab.com/mmaction/recognition/tsm/tsm_r50_1x1x8_50e_kinetics400_rgb/tsm_r50_1x1x8_50e_kinetics400_rgb_20200607-af7fb746.pth'  # noqa: E501
# a TSM checkpoint: TIN's own offset/weight nets start from their init
checkpoint_strict = False
