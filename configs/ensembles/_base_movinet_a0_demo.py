# Copyright (c) OpenMMLab. All rights reserved.
# Shared settings of the MoViNet ensemble demo (the evidence of
# `tools/analysis/ensemble_evidence.py`): an A0-style MoViNet-Base shrunk
# to train on a CPU (A0's stem and five stages, one block per stage, half
# A0's width: 43k backbone parameters), on the temporal-order demo dataset
# (`python -m mmtin.datasets.synthetic temporal_order data/demo`, 64x64
# videos of 16 frames) at their full 64x64 (at 32x32 the motion is below
# a pixel per frame after the stem and stage 1: no model learned it in the
# budget), trained from scratch.
# No Flip: mirroring a clip swaps the demo's left/right motion classes.
_base_ = ['../_base_/default_runtime.py']

custom_imports = dict(imports=['mmtin'], allow_failed_imports=False)

data_root = 'data/demo'
img_size = 64
clip_len = 8
frame_interval = 2

# MoViNet-A0 block layout (`movinet_arch.MOVINET_ARCHS['a0']`: stem 8,
# 5 stages, 1x5x5 first stage, 5x3x3 / 3x3x3 kernels) at half width, one
# block per stage
movinet_a0_demo = dict(
    stem=8,
    stages=[(8, '24/155*'), (16, '48/333*'), (24, '72/533*'),
            (24, '72/333'), (32, '96/533*')],
    project=128)

model = dict(
    type='Recognizer3D',
    backbone=dict(
        type='MoViNet',
        arch=movinet_a0_demo,
        causal=False,
        conv_type='3d',
        se_type='3d',
        act_cfg=dict(type='SiLU'),
        gate_cfg=dict(type='Sigmoid'),
        drop_path_rate=0.,
        # PyTorch's default BN momentum, not MoViNet's TF-style 0.01: the
        # demo trains for ~100-200 steps, after which running statistics
        # at momentum 0.01 are still mostly their initial values and the
        # eval-mode model predicts one class (val top-1 50.0 %; the same
        # 12-epoch weights with re-estimated statistics: 100 %)
        norm_cfg=dict(type='BN3d', eps=1e-3, momentum=0.1)),
    cls_head=dict(
        type='MoViNetHead',
        num_classes=2,
        in_channels=128,
        hidden_channels=256,
        act_cfg=dict(type='SiLU'),
        dropout_ratio=0.2,
        average_clips='prob'),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[0., 0., 0.],
        std=[255., 255., 255.],
        format_shape='NCTHW'))


def _pipeline(test_mode):
    augment = [] if test_mode else [
        dict(type='RandomResizedCrop', area_range=(0.7, 1.0))
    ]
    return [
        dict(type='DecordInit'),
        dict(type='SampleFrames', clip_len=clip_len,
             frame_interval=frame_interval, num_clips=1,
             test_mode=test_mode),
        dict(type='DecordDecode'),
        *augment,
        dict(type='Resize', scale=(img_size, img_size), keep_ratio=False),
        dict(type='FormatShape', input_format='NCTHW'),
        dict(type='PackActionInputs')
    ]


def _loader(split, test_mode):
    return dict(
        batch_size=16,
        num_workers=1,
        persistent_workers=True,
        sampler=dict(type='DefaultSampler', shuffle=not test_mode),
        dataset=dict(
            type='CheckedVideoDataset',
            ann_file=f'{data_root}/{split}.txt',
            data_prefix=dict(video=data_root),
            pipeline=_pipeline(test_mode),
            test_mode=test_mode))


train_dataloader = _loader('train', False)
val_dataloader = _loader('val', True)
test_dataloader = _loader('test', True)
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator

max_epochs = 10
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1,
    val_interval=max_epochs)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=3e-3, weight_decay=1e-4),
    clip_grad=dict(max_norm=20, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=0,
         by_epoch=True, begin=0, end=max_epochs)
]
auto_scale_lr = dict(enable=False, base_batch_size=16)
default_hooks = dict(
    checkpoint=dict(interval=max_epochs, max_keep_ckpts=1),
    logger=dict(interval=10))
