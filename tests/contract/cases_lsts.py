# Copyright (c) OpenMMLab. All rights reserved.
"""Contract cases for the LSTS layers, neck and recognizer."""
import torch

_RECOGNIZER = dict(
    type='LSTSPropagationRecognizer',
    backbone=dict(type='ResNet', _scope_='mmpretrain', depth=18,
                  stem_channels=8, base_channels=8, num_stages=3,
                  strides=(1, 2, 1), dilations=(1, 1, 1), out_indices=(2, )),
    cls_head=dict(type='TSNHead', num_classes=3, in_channels=32,
                  average_clips='prob'),
    low2high=dict(type='LSTSLow2High', in_channels=8, out_channels=32,
                  mid_channels=8, stride=2),
    align=dict(type='LSTSAlign', embed_channels=8, num_offsets=9),
    fusion=dict(type='LSTSQualityFusion', mid_channels=8),
    num_segments=4,
    keyframe_interval=2,
    data_preprocessor=dict(type='mmaction.ActionDataPreprocessor',
                           format_shape='NCHW'))

CASES = {
    'LSTSAlign':
    dict(
        cfg=dict(type='LSTSAlign', in_channels=8, embed_channels=4,
                 num_offsets=9),
        inputs=lambda: (torch.randn(2, 8, 5, 5), torch.randn(2, 8, 5, 5))),
    'LSTSLow2High':
    dict(
        cfg=dict(type='LSTSLow2High', in_channels=8, out_channels=16,
                 mid_channels=8, stride=2),
        inputs=lambda: (torch.randn(2, 8, 8, 8), )),
    'LSTSQualityFusion':
    dict(
        cfg=dict(type='LSTSQualityFusion', in_channels=8, mid_channels=8),
        inputs=lambda: ([torch.randn(2, 8, 5, 5),
                         torch.randn(2, 8, 5, 5)], )),
    'LSTSAlignNeck':
    dict(
        cfg=dict(type='LSTSAlignNeck', in_channels=8, num_segments=4,
                 align=dict(type='LSTSAlign', embed_channels=4,
                            num_offsets=9),
                 fusion=dict(type='LSTSQualityFusion', mid_channels=8)),
        # the [N, C, T, H, W] list Recognizer2D gives a neck
        inputs=lambda: ([torch.randn(2, 8, 4, 3, 3)], )),
    'LSTSPropagationRecognizer':
    dict(
        cfg=_RECOGNIZER,
        inputs=lambda: (torch.randn(2, 4, 3, 32, 32), ),
        call=lambda m, x: m.extract_feat(x, stage='head')[0]),
}
