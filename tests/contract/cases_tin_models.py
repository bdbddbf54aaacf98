# Copyright (c) OpenMMLab. All rights reserved.
"""Contract cases for the TIN models (backbones, neck, head)."""
import torch

CASES = {
    'TINResNet':
    dict(
        cfg=dict(
            type='TINResNet', depth=18, num_segments=4, pretrained=None),
        inputs=lambda: (torch.randn(8, 3, 32, 32), )),
    'TINInserter':
    dict(
        cfg=dict(
            type='TINInserter',
            backbone=dict(type='ResNet', depth=18, pretrained=None),
            num_segments=4),
        inputs=lambda: (torch.randn(8, 3, 32, 32), )),
    'TINShiftNeck':
    dict(
        cfg=dict(type='TINShiftNeck', in_channels=16, num_segments=4),
        # the [N, C, T, H, W] list Recognizer2D gives a neck
        inputs=lambda: ([torch.randn(2, 16, 4, 3, 3)], )),
    'SegmentConsensusHead':
    dict(
        cfg=dict(
            type='SegmentConsensusHead',
            num_classes=5,
            in_channels=16,
            num_segments=4),
        inputs=lambda: (torch.randn(2, 16, 4, 3, 3), )),
}
