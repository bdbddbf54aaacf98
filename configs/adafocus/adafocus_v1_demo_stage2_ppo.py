# Copyright (c) OpenMMLab. All rights reserved.
# AdaFocus (V1) stage 2: only the discrete actor-critic policy learns, with
# PPO (published settings: Adam lr 3e-4, gamma 0.7, clip 0.2, K=1, value
# 0.5, entropy 0.01) inside the recognizer's train_step; glancer, focuser
# and classifier from stage 1 are frozen by FreezeSubmodulesHook (the one
# freezing convention): the recognizer runs PPO while the V1 policy has
# trainable parameters and skips the classification update while nothing
# else has.
_base_ = ['./_base_adafocus_demo.py']

model = dict(
    patch_mode='v1',
    policy=dict(action_type='discrete', action_dim=36))
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    # published: Adam, lr 3e-4 for 50 epochs; this demo stage is 8
    optimizer=dict(type='Adam', lr=3e-3))
max_epochs = 8
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = []
custom_hooks = [
    dict(type='EpochSeedHook'),
    dict(type='ConfigCheckHook'),
    dict(type='BrokenVideoReportHook'),
    dict(type='FreezeSubmodulesHook',
         modules=['glancer', 'focuser', 'cls_head']),
]
load_from = 'work_dirs/adafocus_demo_stage1_random/epoch_3.pth'
# stage 1 has no PPO critic: load its weights and start the critic fresh
checkpoint_strict = False
