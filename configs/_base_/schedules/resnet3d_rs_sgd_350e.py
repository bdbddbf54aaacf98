# Copyright (c) OpenMMLab. All rights reserved.
# The published 3D ResNet-RS schedule (TF Model Garden
# `k400_resnet3drs_50_tpu.yaml` on the `video_classification_kinetics400`
# defaults): batch 1024, SGD (momentum 0.9, Nesterov), L2 4e-5 on kernels,
# lr 0.8 with 1050 linear warm-up steps then cosine decay to 0 at 73,682
# steps, EMA of all weights with decay 0.9999. With Kinetics-400's 215,570
# training clips that is 5 warm-up epochs and 350 epochs in all.
#
# Here: 8 GPUs x 8 clips = 64 a step, so lr = 0.8 * 64 / 1024 = 0.05
# (linear scaling); `--auto-scale-lr` rescales it for other batch sizes.
optim_wrapper = dict(
    optimizer=dict(
        type='SGD', lr=0.05, momentum=0.9, nesterov=True, weight_decay=4e-5),
    paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.))

train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=350, val_begin=1, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-3,
        by_epoch=True,
        begin=0,
        end=5,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        T_max=345,
        eta_min=0,
        by_epoch=True,
        begin=5,
        end=350,
        convert_to_iter_based=True)
]

# EMA decay 0.9999 = mmengine momentum 1e-4; buffers (BN statistics) too.
# (Named `ema_hook`, not `custom_hooks`, so it does not clash with the
# runtime base's hooks; the configs list both in `custom_hooks`.)
ema_hook = dict(
    type='EMAHook',
    ema_type='ExponentialMovingAverage',
    momentum=1e-4,
    update_buffers=True,
    priority='ABOVE_NORMAL')

# published recipe: 1024 clips a step; this config: 8 GPUs x 8 clips
auto_scale_lr = dict(enable=False, base_batch_size=64)
