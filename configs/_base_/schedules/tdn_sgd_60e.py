# Copyright (c) OpenMMLab. All rights reserved.
# TDN recipe for Something-Something (official README command for SSv1, also
# used for SSv2): SGD lr 0.01 for 8 GPUs x 8 clips, momentum 0.9, weight
# decay 5e-4 on every parameter (no lr/decay multipliers: the official
# optimiser policies are never read), grad-norm clip 20, 60 epochs, lr x0.1
# at epochs 30/45/55, no warm-up.
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=60, val_begin=1, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4),
    clip_grad=dict(max_norm=20, norm_type=2))

param_scheduler = [
    dict(
        type='MultiStepLR',
        begin=0,
        end=60,
        by_epoch=True,
        milestones=[30, 45, 55],
        gamma=0.1)
]

# lr 0.01 is for 8 GPUs x 8 clips; `--auto-scale-lr` rescales it linearly.
# The authors report lower accuracy with smaller total batches (TDN#19/#39).
auto_scale_lr = dict(enable=False, base_batch_size=64)
