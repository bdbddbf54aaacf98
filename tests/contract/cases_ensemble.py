# Copyright (c) OpenMMLab. All rights reserved.
"""Contract case for the score ensemble (two tiny half-rate MoViNets)."""
import torch
from mmaction.structures import ActionDataSample

TINY_ARCH = dict(
    stem=4,
    stages=[(4, '8/155*'), (8, '12/333*'), (8, '16/533'), (8, '12/333'),
            (12, '16/133*')],
    project=16)
MEMBER = dict(
    type='Recognizer3D',
    backbone=dict(type='MoViNet', arch=TINY_ARCH),
    cls_head=dict(type='MoViNetHead', num_classes=5, in_channels=16,
                  hidden_channels=8),
    data_preprocessor=dict(
        type='mmaction.ActionDataPreprocessor',
        mean=[0., 0., 0.],
        std=[255., 255., 255.],
        format_shape='NCTHW'))

CASES = {
    'EnsembleRecognizer':
    dict(
        cfg=dict(
            type='EnsembleRecognizer',
            members=[
                dict(model=MEMBER, frames=dict(offset=0, stride=2)),
                dict(model=MEMBER, frames=dict(offset=1, stride=2)),
            ]),
        inputs=lambda: (torch.rand(2, 1, 3, 4, 32, 32), [
            ActionDataSample().set_gt_label(i) for i in range(2)
        ]),
        # the fused scores are a softmax (rows sum to 1): back-prop the loss
        call=lambda m, x, s: m(x, s, mode='loss')),
}
