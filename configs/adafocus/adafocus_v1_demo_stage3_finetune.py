# Copyright (c) OpenMMLab. All rights reserved.
# AdaFocus (V1) stage 3: fine-tune focuser and classifier on the patches the
# (now frozen) stage-2 policy picks; the glancer stays frozen too.
_base_ = ['./_base_adafocus_demo.py']

max_epochs = 3
model = dict(
    patch_mode='v1',
    policy=dict(action_type='discrete', action_dim=36))
optim_wrapper = dict(optimizer=dict(lr=5e-4))
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=0,
         by_epoch=True, begin=0, end=max_epochs)
]
custom_hooks = [
    dict(type='EpochSeedHook'),
    dict(type='ConfigCheckHook'),
    dict(type='BrokenVideoReportHook'),
    dict(type='FreezeSubmodulesHook', modules=['glancer', 'policy']),
]
load_from = 'work_dirs/adafocus_v1_demo_stage2_ppo/epoch_8.pth'
