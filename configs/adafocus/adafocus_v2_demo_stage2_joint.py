# Copyright (c) OpenMMLab. All rights reserved.
# AdaFocusV2 stage 2: the continuous-centre policy and the rest train
# jointly through the differentiable crop, starting from stage 1.
_base_ = ['./_base_adafocus_demo.py']

model = dict(patch_mode='v2', random_patch_prob=0.1)
max_epochs = 11
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=0,
         by_epoch=True, begin=0, end=max_epochs)
]
load_from = 'work_dirs/adafocus_demo_stage1_random/epoch_3.pth'
