# Copyright (c) OpenMMLab. All rights reserved.
# AdaFocus (V1) stage 2: only the discrete actor-critic policy learns, with
# PPO (published settings: Adam lr 3e-4, gamma 0.7, clip 0.2, K=1, value
# 0.5, entropy 0.01) inside the recognizer's train_step; glancer, focuser
# and classifier from stage 1 are frozen.
_base_ = ['./_base_adafocus_demo.py']

model = dict(
    patch_mode='v1',
    policy=dict(action_type='discrete', action_dim=49))
optim_wrapper = dict(
    _delete_=True,
    constructor='SubmoduleOptimWrapperConstructor',
    policy=dict(
        type='OptimWrapper',
        optimizer=dict(type='Adam', lr=3e-4),
        modules=['policy']))
param_scheduler = []
custom_hooks = [
    dict(type='EpochSeedHook'),
    dict(type='ConfigCheckHook'),
    dict(type='BrokenVideoReportHook'),
    dict(type='FreezeSubmodulesHook',
         modules=['glancer', 'focuser', 'cls_head']),
]
load_from = 'work_dirs/adafocus_demo_stage1_random/epoch_6.pth'
