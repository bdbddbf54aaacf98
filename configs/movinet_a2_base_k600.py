# Copyright (c) OpenMMLab. All rights reserved.
# MoViNet-A2-Base, Kinetics-600 (TF Model Garden `movinet_a2_k600_8x8.yaml`):
# the A0 recipe with the A2 architecture and dropout 0.5. Train 50x5 at 224x224
# (short side 256), test 50x5, 1 clip x 1 centre crop.
# Published (K600 top-1): 78.62, 10 GFLOPs per video.
_base_ = ['./movinet_a0_base_k600.py']

zoo_info = dict(
    dataset='kinetics600',
    frames='50x5',
    published_top1=78.62,
    published_gflops=10,
    source='TF Model Garden projects/movinet README')

model = dict(
    backbone=dict(arch='a2'),
    cls_head=dict(in_channels=640, dropout_ratio=0.5))

file_client_args = dict(io_backend='disk')
train_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(
        type='SampleFrames',
        clip_len=50,
        frame_interval=5,
        num_clips=1),
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
test_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(
        type='SampleFrames',
        clip_len=50,
        frame_interval=5,
        num_clips=1,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
