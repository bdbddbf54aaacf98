# Copyright (c) OpenMMLab. All rights reserved.
# TIN-R50, 8 segments, Something-Something V1, ImageNet-initialised.
#
# Recipe = MMAction2 1.x `tin_imagenet-pretrained-r50_8xb6-1x1x8-40e_sthv1-rgb`
# (8 GPUs x 6 clips, SGD lr 0.01 m 0.9 wd 5e-4, fc lr x5/x10
# (TSMOptimWrapperConstructor fc_lr5), clip_grad 20, 1 warm-up epoch from
# lr/10 then cosine to 0 over 39 epochs, 40 epochs, dropout 0.8, no flip).
#
# Published results (8 clips x 1 center crop, top-1 / top-5):
#   MMAction2 1.x : 38.68 / 68.55 (metafile; its README says 39.68), ckpt
#     https://download.openmmlab.com/mmaction/v1.0/recognition/tin/tin_imagenet-pretrained-r50_8xb6-1x1x8-40e_sthv1-rgb/tin_imagenet-pretrained-r50_8xb6-1x1x8-40e_sthv1-rgb_20220913-9b7804d6.pth  # noqa: E501
#   MMAction2 v0.24.1 (lr 0.02, cosine min_lr_ratio 0.5): 44.25 / 73.94
#   official repo (deepcs233/TIN, as quoted by MMAction2): 44.04 / 72.72
#     (official recipe: lr 0.02, batch 48, 40 epochs, partial BN on).
# Params 23,895,566; 32.96 GFLOPs (MACs) per 8-frame 224x224 view.
# The MMAction2 1.x checkpoints load into this config with strict=True
# (same keys); note they were trained with mean=std=127.5 normalisation.
_base_ = [
    './_base_/models/tin_r50.py', './_base_/default_runtime.py'
]

custom_imports = dict(imports=['mmtin'], allow_failed_imports=False)

zoo_info = dict(
    dataset='sthv1',
    frames='1x1x8',
    published_top1=38.68,
    source='MMAction2 1.x metafile (README: 39.68; official repo 44.04)')

# model settings
model = dict(cls_head=dict(num_classes=174, dropout_ratio=0.8))

# dataset settings
dataset_type = 'RawframeDataset'
data_root = 'data/sthv1/rawframes'
data_root_val = 'data/sthv1/rawframes'
ann_file_train = 'data/sthv1/sthv1_train_list_rawframes.txt'
ann_file_val = 'data/sthv1/sthv1_val_list_rawframes.txt'
ann_file_test = 'data/sthv1/sthv1_val_list_rawframes.txt'

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
        filename_tmpl='{:05}.jpg',
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
        filename_tmpl='{:05}.jpg',
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
        filename_tmpl='{:05}.jpg',
        pipeline=test_pipeline,
        test_mode=True))

val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator

train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=40, val_begin=1, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

# optimizer: conv/linear weights lr, biases 2*lr wd 0, BN wd 0, head fc
# weight 5*lr, bias 10*lr (TIN's Conv1d/Linear are ordinary conv/linear)
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0005),
    constructor='TSMOptimWrapperConstructor',
    paramwise_cfg=dict(fc_lr5=True),
    clip_grad=dict(max_norm=20, norm_type=2))

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
