# Copyright (c) OpenMMLab. All rights reserved.
# Shared settings of the LSTS evidence configs: the moving-object dataset
# (`python tools/data/generate_moving_object_dataset.py data/moving_object`,
# 8-frame 32x32 videos; the class is the half of the frame where the object
# spends most frames), all 8 frames in order, no crop or flip (both would
# move the object relative to the frame), and a narrow 3-stage ResNet-18
# (mmpretrain, 8/16/32 channels, output stride 4: 8x8 maps) trained from
# scratch. The head classifies the time-averaged 8x8 map (TSNHead without
# spatial pooling), so where the object is in each frame matters.
# Each config sets model.keyframe_interval / propagation.
default_scope = 'mmaction'
custom_imports = dict(imports=['mmtin'], allow_failed_imports=False)

data_root = 'data/moving_object'
num_segments = 8
img_size = 32
feat_size = img_size // 4

pipeline = [
    dict(type='DecordInit'),
    dict(
        type='SampleFrames',
        clip_len=1,
        frame_interval=1,
        num_clips=num_segments,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]


train_dataloader = dict(
    batch_size=8,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='CheckedVideoDataset',
        ann_file=f'{data_root}/train.txt',
        data_prefix=dict(video=data_root),
        pipeline=pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='CheckedVideoDataset',
        ann_file=f'{data_root}/val.txt',
        data_prefix=dict(video=data_root),
        pipeline=pipeline,
        test_mode=True))
test_dataloader = dict(
    batch_size=8,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='CheckedVideoDataset',
        ann_file=f'{data_root}/test.txt',
        data_prefix=dict(video=data_root),
        pipeline=pipeline,
        test_mode=True))
val_evaluator = [dict(type='AccMetric'), dict(type='GFLOPsMetric')]
test_evaluator = val_evaluator

model = dict(
    type='LSTSPropagationRecognizer',
    backbone=dict(
        type='ResNet',
        _scope_='mmpretrain',
        depth=18,
        stem_channels=8,
        base_channels=8,
        num_stages=3,
        strides=(1, 1, 1),
        dilations=(1, 1, 1),
        out_indices=(2, )),
    cls_head=dict(
        type='TSNHead',
        num_classes=2,
        in_channels=32 * feat_size * feat_size,
        spatial_type=None,
        consensus=dict(type='AvgConsensus', dim=1),
        dropout_ratio=0.,
        init_std=0.01,
        average_clips='prob'),
    # low level = the stem (conv + max-pool, stride 4, 8 channels);
    # low2high maps it to the high level's 32 channels
    low2high=dict(
        type='LSTSLow2High',
        in_channels=8,
        out_channels=32,
        mid_channels=8,
        stride=1,
        norm_cfg=dict(type='BN')),
    # 5x5 grid over [-3, 3]^2 cells: the object moves up to ~2.5 cells
    # (10 px) between a keyframe and the frames it serves. Both embeddings
    # see low2high features (one space), so they share the 1x1 conv.
    align=dict(
        type='LSTSAlign', embed_channels=8, num_offsets=25,
        grid_radius=3., share_embedding=True),
    fusion=None,
    num_segments=num_segments,
    num_low_stages=0,
    key_position='middle',
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCHW'))

max_epochs = 2
train_cfg = dict(
    type='EpochBasedTrainLoop',
    max_epochs=max_epochs,
    val_begin=max_epochs,
    val_interval=max_epochs)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

# The offsets learn with a 20x larger step (the paper: lr_mult=1e4 for SGD
# at lr=2.5e-4; with Adam the step no longer scales with the gradient, so a
# far smaller multiplier gives ~0.04 cells per step) and no weight decay.
optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=2e-3, weight_decay=1e-4),
    paramwise_cfg=dict(
        custom_keys={'.offsets': dict(lr_mult=20., decay_mult=0.)}),
    clip_grad=dict(max_norm=20, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0,
         end=10),
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=0,
         by_epoch=True, begin=0, end=max_epochs, convert_to_iter_based=True)
]
auto_scale_lr = dict(enable=False, base_batch_size=8)

default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=10, ignore_last=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=max_epochs),
    sampler_seed=dict(type='DistSamplerSeedHook'))
env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))
log_processor = dict(type='LogProcessor', window_size=10, by_epoch=True)
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='ActionVisualizer', vis_backends=vis_backends)
log_level = 'INFO'
load_from = None
resume = False
