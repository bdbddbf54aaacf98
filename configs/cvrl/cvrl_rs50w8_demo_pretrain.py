# Copyright (c) OpenMMLab. All rights reserved.
# CVRL pre-training (Qian et al., CVPR 2021; the 3D ResNet-RS paper's
# self-supervised setting) on the demo dataset: two 8-frame clips per video
# at a sampled distance (P(d) decreasing in d), each with its own crop and
# colour jitter, the same for all its frames; global pooling, a 3-layer
# projection MLP (mmpretrain NonLinearNeck) to 64-d, InfoNCE with
# temperature 0.1 over the batch negatives (2N - 2 per clip). Labels are not
# used. Not reproduced: LARS, batch 1024, 800 epochs, grayscale and blur.
_base_ = ['./_base_cvrl_demo.py']

model = dict(
    type='CVRL',
    neck=dict(
        type='mmpretrain.NonLinearNeck',
        in_channels={{_base_.feat_channels}},
        hid_channels=256,
        out_channels=64,
        num_layers=3,
        with_avg_pool=False,
        norm_cfg=dict(type='BN1d')),
    head=dict(
        type='mmpretrain.ContrastiveHead',
        loss=dict(type='mmpretrain.CrossEntropyLoss'),
        temperature=0.1),
    queue_len=0)

train_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleClipPair', clip_len={{_base_.clip_len}},
         distance='decreasing'),
    dict(type='DecordDecode'),
    dict(type='ClipwiseAugment', transforms={{_base_.spatial_augment}},
         unit='clip'),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
train_dataloader = dict(
    batch_size=16,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='CheckedVideoDataset',
        ann_file='data/demo/train.txt',
        data_prefix=dict(video='data/demo'),
        pipeline=train_pipeline))

max_epochs = 30
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs)
optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=1e-4),
    clip_grad=dict(max_norm=20, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=0,
         by_epoch=True, begin=0, end=max_epochs)
]
auto_scale_lr = dict(enable=False, base_batch_size=16)

# no validation: keep the last checkpoint (the linear evaluation loads it)
default_hooks = dict(
    checkpoint=dict(interval=max_epochs, save_best=None, max_keep_ckpts=1))
# the runtime's hooks without ConfigCheckHook (no cls_head, no labels used)
custom_hooks = [
    dict(type='EpochSeedHook'),
    dict(type='BrokenVideoReportHook'),
]
