# Copyright (c) OpenMMLab. All rights reserved.
# Shared settings of the AdaFocus demo configs: the small-object dataset
# (python tools/data/generate_small_object_dataset.py data/small_object;
# 96x96 frames, a 16x16 target = 2.8% of the frame), MMAction2's stock
# video pipeline, 4 segments, tiny backbones trained from scratch on a CPU.
# glancer: MMAction2 MobileNetV2 (x0.25) on the frame downsampled to 24x24
# (`area`: the 4-px texture that decides the class is invisible there, the
# ring colour is not), its stride-4 map (6x6) feeds the policy;
# focuser: mmpretrain ResNet-18 (16 base channels) on a 40x40 patch.
# Policy: the translation-equivariant `actor_type='conv'` (one score per
# glance-map cell = one of 6x6 patch positions); the published recurrent
# actor is in the ActivityNet / Something-Something configs.
default_scope = 'mmaction'
custom_imports = dict(imports=['mmtin'], allow_failed_imports=False)

data_root = 'data/small_object'
num_segments = 4
frame_size = 96
patch_size = 40
glance_size = 24
num_classes = 4

# No Flip: mirroring swaps the diagonal and anti-diagonal classes.
train_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1,
         num_clips=num_segments),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(frame_size, frame_size), keep_ratio=False),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1,
         num_clips=num_segments, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(frame_size, frame_size), keep_ratio=False),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]


def _loader(split, pipeline, shuffle, test_mode=False):
    return dict(
        batch_size=16,
        num_workers=1,
        persistent_workers=True,
        sampler=dict(type='DefaultSampler', shuffle=shuffle),
        dataset=dict(
            type='CheckedVideoDataset',
            ann_file=f'{data_root}/{split}.txt',
            data_prefix=dict(video=data_root),
            pipeline=pipeline,
            test_mode=test_mode))


train_dataloader = _loader('train', train_pipeline, True)
val_dataloader = _loader('val', test_pipeline, False, True)
test_dataloader = _loader('test', test_pipeline, False, True)
del _loader
val_evaluator = [dict(type='AccMetric'), dict(type='GFLOPsMetric')]
test_evaluator = val_evaluator

glance_channels = 8  # MobileNetV2 x0.25, stage index 1 (stride 4)
focus_channels = 128  # ResNet-18 with 16 base channels, last stage
model = dict(
    type='AdaFocusRecognizer',
    num_segments=num_segments,
    patch_size=patch_size,
    glance_size=glance_size,
    glance_mode='area',
    frame_size=frame_size,
    patch_mode='random',
    glancer=dict(
        type='MobileNetV2', widen_factor=0.25, out_indices=(1, ),
        pretrained=None),
    focuser=dict(
        type='mmpretrain.ResNet', depth=18, stem_channels=16,
        base_channels=16, out_indices=(3, )),
    policy=dict(
        type='AdaFocusPolicy',
        in_channels=glance_channels,
        feat_size=(glance_size // 4, glance_size // 4),
        reduce_channels=32,
        hidden_channels=128,
        action_type='continuous',
        actor_type='conv'),
    cls_head=dict(
        type='RecurrentClsHead',
        num_classes=num_classes,
        in_channels=glance_channels + focus_channels,
        hidden_channels=128,
        dropout_ratio=0.2),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCHW'))

max_epochs = 6
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1,
    val_interval=max_epochs)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=2e-3, weight_decay=1e-4),
    clip_grad=dict(max_norm=20, norm_type=2))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=0,
         by_epoch=True, begin=0, end=max_epochs)
]
auto_scale_lr = dict(enable=False, base_batch_size=16)

default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=20, ignore_last=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='AtomicCheckpointHook', interval=1, max_keep_ckpts=1),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    sync_buffers=dict(type='SyncBuffersHook'))
custom_hooks = [
    dict(type='EpochSeedHook'),
    dict(type='ConfigCheckHook'),
    dict(type='BrokenVideoReportHook'),
]
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
