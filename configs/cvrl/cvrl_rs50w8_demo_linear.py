# Copyright (c) OpenMMLab. All rights reserved.
# Linear evaluation of a CVRL pre-trained backbone on the demo dataset:
# the backbone is loaded from the pre-training checkpoint (`load_from`:
# its `backbone.*` keys match; the projection head and queue are ignored)
# and frozen (FreezeSubmodulesHook: no gradients, BN in eval mode); only
# the linear probe trains (LinearProbeHead: global average pooling, a
# parameter-free BatchNorm1d on the pooled features as in MAE's linear
# probe, fc), with SGD (lr 0.01, momentum 0.9; chosen on the motion-type
# val split, docs/resnet3d_rs.md).
# Random-init control: `--cfg-options load_from=None`.
_base_ = ['./_base_cvrl_demo.py']

load_from = 'work_dirs/cvrl_rs50w8_demo_pretrain/epoch_30.pth'
# only backbone.* of the pre-training checkpoint fits this model (its
# projection head and queue are left out, the classifier starts fresh)
checkpoint_strict = False

model = dict(
    type='Recognizer3D',
    cls_head=dict(
        type='LinearProbeHead',
        num_classes=2,
        in_channels={{_base_.feat_channels}},
        norm_cfg=dict(type='BN1d', affine=False, eps=1e-6),
        spatial_type='avg',
        dropout_ratio=0.,
        init_std=0.01,
        average_clips='prob'))

# the probe trains on the whole frames (a random clip start, no crop): with
# random crops (area 0.7-1) its training loss stayed near chance on the
# motion-type data (docs/resnet3d_rs.md)
train_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len={{_base_.clip_len}},
         frame_interval=1, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=({{_base_.img_size}}, {{_base_.img_size}}),
         keep_ratio=False),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len={{_base_.clip_len}},
         frame_interval=1, num_clips=1, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=({{_base_.img_size}}, {{_base_.img_size}}),
         keep_ratio=False),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]


def _loader(split, pipeline, shuffle):
    return dict(
        batch_size=16,
        num_workers=1,
        persistent_workers=True,
        sampler=dict(type='DefaultSampler', shuffle=shuffle),
        dataset=dict(
            type='CheckedVideoDataset',
            ann_file=f'data/demo/{split}.txt',
            data_prefix=dict(video='data/demo'),
            pipeline=pipeline,
            test_mode=not shuffle))


train_dataloader = _loader('train', train_pipeline, True)
val_dataloader = _loader('val', test_pipeline, False)
test_dataloader = _loader('test', test_pipeline, False)
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator

max_epochs = 10
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1,
    val_interval=max_epochs)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=0,
         by_epoch=True, begin=0, end=max_epochs)
]
auto_scale_lr = dict(enable=False, base_batch_size=16)

custom_hooks = [
    dict(type='EpochSeedHook'),
    dict(type='ConfigCheckHook'),
    dict(type='BrokenVideoReportHook'),
    dict(type='FreezeSubmodulesHook', modules=['backbone']),
]
