# Copyright (c) OpenMMLab. All rights reserved.
# TSM (MMAction2's ResNetTSM, depth 18, from scratch) on the demo dataset.
_base_ = ['./_base_demo.py']

model = dict(
    backbone=dict(
        type='ResNetTSM',
        depth=18,
        num_segments={{_base_.num_segments}},
        shift_div=8,
        pretrained=None,
        pretrained2d=False,
        norm_eval=False),
    cls_head=dict(is_shift=True))
