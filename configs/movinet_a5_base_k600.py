# Copyright (c) OpenMMLab. All rights reserved.
# MoViNet-A5-Base, Kinetics-600 (TF Model Garden `movinet_a5_k600_8x8.yaml`):
# the A0 recipe with the A5 architecture and dropout 0.5. Train 32x2 at 320x320
# (short side 368), test 120x2, 1 clip x 1 centre crop.
# Published (K600 top-1): 84.27, 280 GFLOPs per video.
_base_ = ['./movinet_a0_base_k600.py']

zoo_info = dict(
    dataset='kinetics600',
    frames='120x2',
    published_top1=84.27,
    published_gflops=280,
    source='TF Model Garden projects/movinet README')

model = dict(
    backbone=dict(arch='a5'),
    cls_head=dict(in_channels=992, dropout_ratio=0.5))

file_client_args = dict(io_backend='disk')
train_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(
        type='SampleFrames',
        clip_len=32,
        frame_interval=2,
        num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 368)),
    dict(
        type='RandomResizedCrop',
        area_range=(0.08, 1.0),
        aspect_ratio_range=(0.5, 2.0)),
    dict(type='Resize', scale=(320, 320), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(
        type='SampleFrames',
        clip_len=120,
        frame_interval=2,
        num_clips=1,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 368)),
    dict(type='CenterCrop', crop_size=320),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
