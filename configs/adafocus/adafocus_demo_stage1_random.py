# Copyright (c) OpenMMLab. All rights reserved.
# AdaFocus stage 1 (warm-up): random patches; the focuser starts from the
# stage-0 backbone; glancer, focuser and the recurrent classifier learn,
# the policy is not used yet.
_base_ = ['./_base_adafocus_demo.py']

model = dict(
    patch_mode='random',
    focuser=dict(init_cfg=dict(
        type='Pretrained', prefix='backbone.',
        checkpoint='work_dirs/adafocus_demo_stage0_focuser/epoch_2.pth')))

max_epochs = 3
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=0,
         by_epoch=True, begin=0, end=max_epochs)
]
