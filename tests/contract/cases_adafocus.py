# Copyright (c) OpenMMLab. All rights reserved.
"""Contract cases for AdaFocus (policy, recurrent head, recognizer)."""
import torch
from mmaction.structures import ActionDataSample

T = 3
RECOGNIZER = dict(
    type='AdaFocusRecognizer',
    num_segments=T,
    patch_size=16,
    glance_size=16,
    glancer=dict(type='MobileNetV2', widen_factor=0.25, out_indices=(2, )),
    focuser=dict(type='mmpretrain.ResNet', depth=18, stem_channels=8,
                 base_channels=8, out_indices=(3, )),
    policy=dict(type='AdaFocusPolicy', in_channels=8, feat_size=(2, 2),
                reduce_channels=4, hidden_channels=16),
    cls_head=dict(type='RecurrentClsHead', num_classes=3,
                  in_channels=8 + 64, hidden_channels=16),
    data_preprocessor=dict(type='mmaction.ActionDataPreprocessor',
                           mean=[128.] * 3, std=[64.] * 3,
                           format_shape='NCHW'))


def _samples(n):
    return [ActionDataSample().set_gt_label(i % 3) for i in range(n)]


CASES = {
    'AdaFocusPolicy':
    dict(
        cfg=dict(type='AdaFocusPolicy', in_channels=8, feat_size=(2, 2),
                 reduce_channels=4, hidden_channels=16,
                 action_type='discrete', action_dim=9),
        inputs=lambda: (torch.randn(2, T, 8, 2, 2), )),
    'RecurrentClsHead':
    dict(
        cfg=dict(type='RecurrentClsHead', num_classes=3, in_channels=12,
                 hidden_channels=16),
        inputs=lambda: (torch.randn(2, T, 12), )),
    'PPOClipLoss':
    dict(
        cfg=dict(type='PPOClipLoss'),
        inputs=lambda: (torch.randn(2, T, 4, requires_grad=True),
                        torch.randn(2, T, requires_grad=True),
                        torch.randint(0, 4, (2, T)),
                        torch.full((2, T), -1.4), torch.rand(2, T))),
    'AdaFocusRecognizer':
    dict(
        cfg=RECOGNIZER,
        inputs=lambda: (torch.rand(2, T, 3, 32, 32) * 255, _samples(2)),
        call=lambda m, x, s: m(x, s, mode='loss')),
}
