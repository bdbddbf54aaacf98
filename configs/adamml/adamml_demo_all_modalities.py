# Copyright (c) OpenMMLab. All rights reserved.
# Control without the method's idea: the same main network, every modality
# in every segment, no policy; as many epochs as the three AdaMML stages.
_base_ = ['./_base_adamml_demo.py']

model = dict(policy=None, modality_loss_weight=1.0)
max_epochs = 7
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=0,
         by_epoch=True, begin=0, end=max_epochs)
]
