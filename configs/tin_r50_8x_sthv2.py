# Copyright (c) OpenMMLab. All rights reserved.
# TIN-R50, 8 segments, Something-Something V2, ImageNet-initialised.
#
# Recipe = MMAction2 1.x `tin_imagenet-pretrained-r50_8xb6-1x1x8-40e_sthv2-rgb`
# (as sthv1 but clip_grad 40 and validation every 2 epochs): 8 GPUs x 6
# clips, SGD lr 0.01 m 0.9 wd 5e-4, fc_lr5, 1 warm-up epoch from lr/10 then
# cosine over 39 epochs, 40 epochs, dropout 0.8, no flip.
#
# Published results (8 clips x 1 center crop, top-1 / top-5):
#   MMAction2 1.x : 54.78 / 82.18, ckpt
#     https://download.openmmlab.com/mmaction/v1.0/recognition/tin/tin_imagenet-pretrained-r50_8xb6-1x1x8-40e_sthv2-rgb/tin_imagenet-pretrained-r50_8xb6-1x1x8-40e_sthv2-rgb_20220913-84f9b4b0.pth  # noqa: E501
#   MMAction2 v0.24.1: 56.70 / 83.62
#   official repo (deepcs233/TIN, as quoted by MMAction2): 56.48 / 83.45
# Params 23,895,566; 32.96 GFLOPs (MACs) per 8-frame 224x224 view.
# The MMAction2 1.x checkpoints load into this config with strict=True
# (same keys); note they were trained with mean=std=127.5 normalisation.
_base_ = [
    './_base_/models/tin_r50.py', './_base_/default_runtime.py'
]

custom_imports = dict(imports=['mmtin'], allow_failed_imports=False)

zoo_info = dict(
    dataset='sthv2',
    frames='1x1x8',
    published_top1=54.78,
    source='MMAction2 1.x metafile (official repo 56.48)')

# model settings
model = dict(cls_head=dict(num_classes=174, dropout_ratio=0.8))

# dataset settings
dataset_type = 'RawframeDataset'
data_root = 'data/sthv2/rawframes'
data_root_val = 'data/sthv2/rawframes'
ann_file_train = 'data/sthv2/sthv2_train_list_rawframes.txt'
ann_file_val = 'data/sthv2/sthv2_val_list_rawframes.txt'
ann_file_test = 'data/sthv2/sthv2_val_list_rawframes.txt'

train_pipeline = [
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=8),
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(
        type='MultiScaleCrop',
        input_size=224,
        scales=(1, 0.875, 0.75, 0.66),
        random_crop=False,
        max_wh_scale_gap=1),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    # no Flip: Something-Something labels depend on left/right
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(
        type='SampleFrames',
        clip_len=1,
        frame_interval=1,
        num_clips=8,
        test_mode=True),
    dict(type='RawFrameDecode'),
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
        data_prefix=dict(img=data_root),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=6,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file_val,
        data_prefix=dict(img=data_root_val),
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
        data_prefix=dict(img=data_root_val),
        pipeline=test_pipeline,
        test_mode=True))

val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator

train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=40, val_begin=1, val_interval=2)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

# optimizer: conv/linear weights lr, biases 2*lr wd 0, BN wd 0, head fc
# weight 5*lr, bias 10*lr (TIN's Conv1d/Linear are ordinary conv/linear)
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0005),
    constructor='TSMOptimWrapperConstructor',
    paramwise_cfg=dict(fc_lr5=True),
    clip_grad=dict(max_norm=40, norm_type=2))

param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=0.1,
        by_epoch=True,
        begin=0,
        end=1,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        T_max=39,
        eta_min=0,
        by_epoch=True,
        begin=1,
        end=40,
        convert_to_iter_based=True)
]

# lr 0.01 is for 8 GPUs x 6 clips; `--auto-scale-lr` rescales it linearly
auto_scale_lr = dict(enable=False, base_batch_size=48)
