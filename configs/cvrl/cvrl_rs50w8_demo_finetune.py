# Copyright (c) OpenMMLab. All rights reserved.
# Fine-tuning of a CVRL pre-trained backbone on the demo dataset: the
# linear-evaluation config with the backbone trainable (no
# FreezeSubmodulesHook), the plain I3D head (no probe norm), AdamW at a
# lower learning rate and random crops in training.
_base_ = ['./cvrl_rs50w8_demo_linear.py']

model = dict(
    cls_head=dict(
        _delete_=True,
        type='I3DHead',
        num_classes=2,
        in_channels={{_base_.feat_channels}},
        spatial_type='avg',
        dropout_ratio=0.,
        init_std=0.01,
        average_clips='prob'))

train_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len={{_base_.clip_len}},
         frame_interval=1, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='RandomResizedCrop', area_range=(0.7, 1.0)),
    dict(type='Resize', scale=({{_base_.img_size}}, {{_base_.img_size}}),
         keep_ratio=False),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))

optim_wrapper = dict(
    optimizer=dict(_delete_=True, type='AdamW', lr=1e-3, weight_decay=1e-4),
    clip_grad=dict(max_norm=20, norm_type=2))
custom_hooks = [
    dict(type='EpochSeedHook'),
    dict(type='ConfigCheckHook'),
    dict(type='BrokenVideoReportHook'),
]
