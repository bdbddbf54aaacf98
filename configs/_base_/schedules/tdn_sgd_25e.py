# Copyright (c) OpenMMLab. All rights reserved.
# TDN fine-tuning recipe for UCF101 / HMDB51 from a Kinetics-400 checkpoint
# (TDN#56): SGD lr 0.002 for 8 GPUs x 16 clips, momentum 0.9, grad-norm clip
# 20, 25 epochs, lr x0.1 at epochs 10/20, no warm-up. The issue gives no
# weight decay; 5e-4 is the default of the official opts.py.
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=25, val_begin=1, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.002, momentum=0.9, weight_decay=5e-4),
    clip_grad=dict(max_norm=20, norm_type=2))

param_scheduler = [
    dict(
        type='MultiStepLR',
        begin=0,
        end=25,
        by_epoch=True,
        milestones=[10, 20],
        gamma=0.1)
]

# lr 0.002 is for 8 GPUs x 16 clips; `--auto-scale-lr` rescales it linearly
auto_scale_lr = dict(enable=False, base_batch_size=128)
