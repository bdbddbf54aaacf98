# Copyright (c) OpenMMLab. All rights reserved.
# TSN baseline: the same ResNet-18 without temporal shift. Every frame is
# classified on its own and the scores are averaged, so on the demo dataset
# (twin videos = the same frames in opposite order) it stays at chance.
_base_ = ['./_base_demo.py']

model = dict(
    backbone=dict(
        type='ResNet',
        depth=18,
        pretrained=None,
        norm_eval=False),
    cls_head=dict(is_shift=False))
