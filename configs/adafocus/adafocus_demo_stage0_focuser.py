# Copyright (c) OpenMMLab. All rights reserved.
# AdaFocus stage 0 (as the paper's "fine-tune each CNN"): the focuser
# backbone learns the task on the whole frame (the plain full-frame model),
# so that in stage 1 a patch over the target is recognised from the start.
# Stage 1 loads its `backbone.*` weights into the focuser.
_base_ = ['./plain_r18_fullframe_demo.py']

max_epochs = 2
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=0,
         by_epoch=True, begin=0, end=max_epochs)
]
