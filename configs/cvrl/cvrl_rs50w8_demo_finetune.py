# Copyright (c) OpenMMLab. All rights reserved.
# Fine-tuning of a CVRL pre-trained backbone on the demo dataset: the
# linear-evaluation config with the backbone trainable (no
# FreezeSubmodulesHook) and a lower learning rate.
_base_ = ['./cvrl_rs50w8_demo_linear.py']

optim_wrapper = dict(optimizer=dict(lr=1e-3, weight_decay=1e-4))
custom_hooks = [
    dict(type='EpochSeedHook'),
    dict(type='ConfigCheckHook'),
    dict(type='BrokenVideoReportHook'),
]
