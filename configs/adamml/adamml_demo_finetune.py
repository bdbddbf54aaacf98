# Copyright (c) OpenMMLab. All rights reserved.
# Stage 3 of 3: fine-tune the main network with the policy frozen
# (FreezeSubmodulesHook: no gradients, eval mode, so it decides by argmax
# and adds no efficiency loss). Starts from the joint stage.
_base_ = ['./_base_adamml_demo.py']

load_from = 'work_dirs/adamml_demo_joint/epoch_4.pth'
max_epochs = 1
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=0,
         by_epoch=True, begin=0, end=max_epochs)
]
optim_wrapper = dict(optimizer=dict(lr=5e-4))
custom_hooks = [
    dict(type='EpochSeedHook'),
    dict(type='ConfigCheckHook'),
    dict(type='BrokenVideoReportHook'),
    dict(type='FreezeSubmodulesHook', modules=['policy']),
]
