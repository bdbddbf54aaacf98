# Copyright (c) OpenMMLab. All rights reserved.
"""``LSTSAlignNeck``: layouts, a hand-checked case, Recognizer2D use."""
import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.registry import init_default_scope

import mmtin  # noqa: F401

init_default_scope('mmaction')


def _neck(**kwargs):
    cfg = dict(type='LSTSAlignNeck', in_channels=6, num_segments=4,
               align=dict(type='LSTSAlign', embed_channels=4,
                          num_offsets=9),
               fusion=dict(type='LSTSQualityFusion', mid_channels=8))
    cfg.update(kwargs)
    return MODELS.build(cfg)


def test_zero_offset_neck_fuses_true_neighbours():
    """With one zero offset the aligned neighbour is the neighbour itself,
    so the output is the quality-weighted mix of frames t-1, t, t+1."""
    neck = _neck(align=dict(type='LSTSAlign', num_offsets=1,
                            offset_init=[[0, 0]], embed_channels=4))
    x = torch.randn(2 * 4, 6, 3, 3)
    out, aux = neck(x)
    assert aux == {}
    clips = x.view(2, 4, 6, 3, 3)
    prev = clips[:, [0, 0, 1, 2]].reshape(8, 6, 3, 3)
    nxt = clips[:, [1, 2, 3, 3]].reshape(8, 6, 3, 3)
    torch.testing.assert_close(out, neck.fusion([x, prev, nxt]))
    same = x.view(2, 4, 6, 3, 3)[:, :1].expand(-1, 4, -1, -1, -1)
    same = same.reshape(8, 6, 3, 3)
    torch.testing.assert_close(neck(same)[0], same)  # static clip: identity


def test_layouts_agree():
    neck = _neck().eval()
    x = torch.randn(2 * 4, 6, 5, 5)
    flat, _ = neck(x)
    five = x.view(2, 4, 6, 5, 5).transpose(1, 2)
    out5, _ = neck([torch.randn(1), five])  # in_index=-1 picks the last
    assert out5.shape == (2, 6, 4, 5, 5)
    torch.testing.assert_close(
        out5.transpose(1, 2).reshape(8, 6, 5, 5), flat)


def test_bad_inputs_and_configs():
    neck = _neck()
    with pytest.raises(ValueError, match='num_segments=4'):
        neck(torch.randn(6, 6, 3, 3))
    with pytest.raises(ValueError, match='in_channels'):
        neck(torch.randn(8, 5, 3, 3))
    with pytest.raises(ValueError, match='neighbours'):
        _neck(neighbours=(0, 1))


def test_in_recognizer2d_with_tsn_backbone():
    model = MODELS.build(dict(
        type='Recognizer2D',
        backbone=dict(type='ResNet', depth=18, pretrained=None,
                      out_indices=(2, 3)),
        neck=dict(type='LSTSAlignNeck', in_channels=512, num_segments=4,
                  align=dict(type='LSTSAlign', embed_channels=8,
                             num_offsets=9),
                  fusion=dict(type='LSTSQualityFusion', mid_channels=16)),
        cls_head=dict(type='SegmentConsensusHead', num_classes=3,
                      in_channels=512, num_segments=4),
        data_preprocessor=dict(type='ActionDataPreprocessor',
                               format_shape='NCHW')))
    inputs = torch.randn(2, 4, 3, 32, 32)
    samples = [ActionDataSample().set_gt_label(i) for i in (0, 2)]
    losses = model(inputs, samples, mode='loss')
    losses['loss_cls'].backward()
    assert model.neck.align.offsets.grad is not None
