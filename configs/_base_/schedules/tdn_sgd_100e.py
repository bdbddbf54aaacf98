# Copyright (c) OpenMMLab. All rights reserved.
# TDN recipe for Kinetics-400 (official README command): SGD lr 0.02 for
# 8 GPUs x 16 clips, momentum 0.9, weight decay 1e-4 on every parameter,
# grad-norm clip 20, 100 epochs, lr x0.1 at epochs 50/75/90, no warm-up
# (shorter schedules reproduce ~2.8% lower, TDN#49).
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=100, val_begin=1, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=1e-4),
    clip_grad=dict(max_norm=20, norm_type=2))

param_scheduler = [
    dict(
        type='MultiStepLR',
        begin=0,
        end=100,
        by_epoch=True,
        milestones=[50, 75, 90],
        gamma=0.1)
]

# lr 0.02 is for 8 GPUs x 16 clips; `--auto-scale-lr` rescales it linearly
auto_scale_lr = dict(enable=False, base_batch_size=128)
