# Copyright (c) OpenMMLab. All rights reserved.
"""Contract cases for MoViNet (backbone, head, streaming recognizer)."""
import torch
from mmaction.structures import ActionDataSample

# a tiny MoViNet with every kind of layer: kt 5/3/1, strided and not
TINY_ARCH = dict(
    stem=4,
    stages=[(4, '8/155*'), (8, '12/333* 12/333'), (8, '16/533'),
            (8, '12/155 12/333'), (12, '16/533* 16/133')],
    project=16)
STREAM = dict(
    causal=True, conv_type='2plus1d', se_type='2plus3d',
    use_pos_encoding=True, act_cfg=dict(type='HSwish'),
    gate_cfg=dict(type='HSigmoid'))


def _samples(n, num_classes):
    return [
        ActionDataSample().set_gt_label(i % num_classes) for i in range(n)
    ]


CASES = {
    'MoViNet':
    dict(
        cfg=dict(type='MoViNet', arch=TINY_ARCH, drop_path_rate=0.1),
        inputs=lambda: (torch.randn(2, 3, 4, 32, 32), )),
    'MoViNetHead':
    dict(
        cfg=dict(
            type='MoViNetHead',
            num_classes=5,
            in_channels=16,
            hidden_channels=8),
        inputs=lambda: (torch.randn(2, 16, 4, 2, 2), )),
    'MoViNetStreamRecognizer':
    dict(
        cfg=dict(
            type='MoViNetStreamRecognizer',
            backbone=dict(type='MoViNet', arch=TINY_ARCH, **STREAM),
            cls_head=dict(
                type='MoViNetHead',
                num_classes=5,
                in_channels=16,
                hidden_channels=8,
                label_smooth_eps=0.1),
            data_preprocessor=dict(
                type='mmaction.ActionDataPreprocessor',
                mean=[0., 0., 0.],
                std=[255., 255., 255.],
                format_shape='NCTHW'),
            test_cfg=dict(chunk_size=2)),
        inputs=lambda: (torch.rand(2, 1, 3, 4, 32, 32) * 255,
                        _samples(2, 5)),
        call=lambda m, x, s: m(x, s, mode='loss')),
}
