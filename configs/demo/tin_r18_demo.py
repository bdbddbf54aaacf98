# Copyright (c) OpenMMLab. All rights reserved.
# TIN (mmtin's TINResNet, depth 18, from scratch) on the demo dataset.
# shift_div=4: every interlaced conv has C in {64, 128, 256, 512} input
# channels, so the shifted part F = C // 4 is divisible by the 4 groups.
_base_ = ['./_base_demo.py']

model = dict(
    backbone=dict(
        type='TINResNet',
        depth=18,
        num_segments={{_base_.num_segments}},
        shift_div=4,
        pretrained=None,
        pretrained2d=False,
        norm_eval=False),
    cls_head=dict(is_shift=True))
