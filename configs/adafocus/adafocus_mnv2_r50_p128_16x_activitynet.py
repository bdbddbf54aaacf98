# Copyright (c) OpenMMLab. All rights reserved.
# AdaFocus with the published ActivityNet setting (AdaFocus, ICCV 2021):
# 16 segments; glancer = ImageNet MobileNetV2 on every whole frame resized
# to 224 (1280 x 7 x 7 feature map); focuser = ImageNet ResNet-50 on one
# 128 x 128 patch per frame; policy = 1x1 conv 1280->32, FC 1024, GRU 1024;
# recurrent classifier = GRU 1024 over [1280 || 2048], dropout, FC.
# Stages: this file is stage 1 (random patches; lr 5e-4 backbones, 0.05
# classifier, 50 epochs, SGD m 0.9 wd 1e-4, grad clip 20).
# Stage 2 (V1 PPO) / V2 joint and stage 3: see the `*_stage2_*` and
# `*_stage3_*` demo configs in this folder for the switches (patch_mode,
# optim_wrapper dict, FreezeSubmodulesHook, load_from).
# Published results are figures only (mAP vs GFLOPs); not reproduced here.
_base_ = ['../_base_/default_runtime.py']

custom_imports = dict(imports=['mmtin'], allow_failed_imports=False)

num_segments = 16
frame_size = 224
patch_size = 128
model = dict(
    type='AdaFocusRecognizer',
    num_segments=num_segments,
    patch_size=patch_size,
    glance_size=224,
    frame_size=frame_size,
    patch_mode='random',
    glancer=dict(
        type='MobileNetV2',
        pretrained='https://download.openmmlab.com/mmclassification/v0/'
        'mobilenet_v2/mobilenet_v2_batch256_imagenet_20200708-3b2dc3af.pth'),
    focuser=dict(
        type='ResNet', depth=50, pretrained='torchvision://resnet50',
        norm_eval=False),
    policy=dict(
        type='AdaFocusPolicy',
        in_channels=1280,
        feat_size=(7, 7),
        reduce_channels=32,
        hidden_channels=1024,
        action_type='discrete',
        action_dim=49),
    cls_head=dict(
        type='RecurrentClsHead',
        num_classes=200,
        in_channels=1280 + 2048,
        hidden_channels=1024,
        dropout_ratio=0.5),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCHW'))

# ActivityNet v1.3 untrimmed videos as MMAction2 video lists
dataset_type = 'VideoDataset'
data_root = 'data/ActivityNet/videos'
ann_file_train = 'data/ActivityNet/anet_train_video.txt'
ann_file_val = 'data/ActivityNet/anet_val_video.txt'
train_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1,
         num_clips=num_segments),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='RandomResizedCrop'),
    dict(type='Resize', scale=(frame_size, frame_size), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1,
         num_clips=num_segments, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='CenterCrop', crop_size=frame_size),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
train_dataloader = dict(
    batch_size=8, num_workers=8, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, ann_file=ann_file_train,
                 data_prefix=dict(video=data_root),
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8, num_workers=8, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, ann_file=ann_file_val,
                 data_prefix=dict(video=data_root),
                 pipeline=test_pipeline, test_mode=True))
test_dataloader = val_dataloader
val_evaluator = [dict(type='AccMetric'), dict(type='GFLOPsMetric')]
test_evaluator = val_evaluator

max_epochs = 50
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs,
                 val_begin=1, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='AmpOptimWrapper',
    optimizer=dict(type='SGD', lr=5e-4, momentum=0.9, weight_decay=1e-4),
    paramwise_cfg=dict(custom_keys={'cls_head': dict(lr_mult=100.)}),
    clip_grad=dict(max_norm=20, norm_type=2))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=0,
         by_epoch=True, begin=0, end=max_epochs)
]
# 8 GPUs x 8 clips
auto_scale_lr = dict(enable=False, base_batch_size=64)
