# Copyright (c) OpenMMLab. All rights reserved.
"""TINShiftNeck: math against a hand-written loop, layouts, Recognizer2D
with mmpretrain backbones, errors."""
import math

import pytest
import torch

import mmtin  # noqa: F401
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.registry import init_default_scope
from mmtin.models import TINShiftNeck

# offsets (o0, o1) and weights (w0, w1) forced through the biases
OFFSETS = (0.5, -1.5)
WEIGHTS = (1.0, 1.5)


def _force(tin):
    """Zero weights; biases give offsets OFFSETS and weights WEIGHTS:
    offset = 4 * (sigmoid(b) - 0.5), weight = 2 * sigmoid(b)."""
    with torch.no_grad():
        for p in tin.parameters():
            p.zero_()
        for i, o in enumerate(OFFSETS):
            p = o / 4 + 0.5
            tin.offset_net.fc2.bias[i] = math.log(p / (1 - p))
        for i, w in enumerate(WEIGHTS):
            p = w / 2
            tin.weight_net.conv.bias[i] = math.log(p / (1 - p))


def _reference(x, shift_div=4):
    """Spec tin.md: groups k of F/4 channels, offsets [o0, o1, -o0, -o1],
    weights [w0, w1, w0, w1]; y_k[t] = w_k * interp(x_k, t - o_k) with
    zeros outside the clip; channels >= F unchanged. x: [N, C, T, H, W]."""
    n, c, t, h, w = x.shape
    folds = c // shift_div
    size = folds // 4
    offsets = [OFFSETS[0], OFFSETS[1], -OFFSETS[0], -OFFSETS[1]]
    out = x.clone()
    for k in range(4):
        o, wk = offsets[k], WEIGHTS[k % 2]
        lo = math.floor(o)
        frac = o - lo
        for ch in range(k * size, (k + 1) * size):
            for dst in range(t):
                val = torch.zeros(n, h, w)
                for src, coef in ((dst - lo, 1 - frac), (dst - lo - 1, frac)):
                    if 0 <= src < t:
                        val = val + coef * x[:, ch, src]
                out[:, ch, dst] = wk * val
    return out


def _neck(channels=16, segments=4, **kwargs):
    neck = TINShiftNeck(channels, num_segments=segments, **kwargs)
    for tin in neck.interlaces:
        _force(tin)
    return neck


def test_recognizer_layout_matches_reference():
    x = torch.randn(2, 16, 4, 3, 3)
    out, aux = _neck()([x])
    assert aux == {}
    assert torch.allclose(out, _reference(x), atol=1e-5)
    assert not torch.allclose(out, x)


def test_frame_layout_equals_recognizer_layout():
    x = torch.randn(2, 16, 4, 3, 3)
    frames = x.transpose(1, 2).reshape(8, 16, 3, 3)
    neck = _neck()
    out5, _ = neck([x])
    out4, _ = neck(frames)
    assert out4.shape == frames.shape
    assert torch.allclose(out4, out5.transpose(1, 2).reshape(8, 16, 3, 3))


def test_multi_view_clips_are_separate():
    x = torch.randn(1, 16, 8, 3, 3)  # 2 views of 4 frames
    out, _ = _neck()([x])
    for v in range(2):
        view = x[:, :, 4 * v:4 * v + 4]
        assert torch.allclose(out[:, :, 4 * v:4 * v + 4], _reference(view),
                              atol=1e-5)


def test_selected_outputs():
    a, b = torch.randn(8, 16, 4, 4), torch.randn(8, 32, 2, 2)
    neck = _neck([16, 32], in_indices=(0, 1), out_index=None)
    out, _ = neck((a, b))
    assert isinstance(out, tuple) and len(out) == 2
    ref_a = _reference(a.view(2, 4, 16, 4, 4).transpose(1, 2))
    assert torch.allclose(out[0], ref_a.transpose(1, 2).reshape(a.shape),
                          atol=1e-5)
    assert not torch.allclose(out[1], b)
    only_last, _ = _neck(32, in_indices=-1, out_index=None)((a, b))
    assert only_last[0] is a and not torch.allclose(only_last[1], b)
    single, _ = _neck(32)((a, b))  # out_index=-1: one tensor
    assert torch.is_tensor(single) and single.shape == b.shape


def test_errors():
    with pytest.raises(ValueError, match='in_channels'):
        TINShiftNeck([16, 32], in_indices=-1)
    with pytest.raises(ValueError, match='repeated'):
        TINShiftNeck([16, 16], in_indices=(0, 0))
    neck = TINShiftNeck(16, num_segments=4)
    with pytest.raises(ValueError, match='num_segments=4'):
        neck(torch.randn(6, 16, 3, 3))
    with pytest.raises(ValueError, match=r'in_channels.*mmpretrain'):
        neck(torch.randn(8, 8, 3, 3))
    with pytest.raises(IndexError, match='in_indices'):
        TINShiftNeck(16, in_indices=2)((torch.randn(8, 16, 3, 3), ))
    with pytest.raises(TypeError, match='tensor'):
        neck(['not a tensor'])


def _recognizer(backbone, channels):
    return MODELS.build(
        dict(
            type='Recognizer2D',
            backbone=backbone,
            neck=dict(type='TINShiftNeck', in_channels=channels,
                      num_segments=4),
            cls_head=dict(
                type='SegmentConsensusHead',
                num_classes=3,
                in_channels=channels,
                num_segments=4,
                average_clips='prob')))


@pytest.mark.parametrize('backbone,channels', [
    (dict(type='ResNet', _scope_='mmpretrain', depth=18), 512),
    (dict(type='MobileNetV2', _scope_='mmpretrain', widen_factor=0.5), 1280),
    # MMAction2's ResNet returns a tuple only with 2+ out_indices
    (dict(type='ResNet', depth=18, pretrained=None, out_indices=(2, 3)), 512),
])
def test_in_recognizer2d(backbone, channels):
    init_default_scope('mmaction')
    torch.manual_seed(0)
    model = _recognizer(backbone, channels)
    model.init_weights()
    inputs = torch.randn(2, 4, 3, 32, 32)
    samples = [ActionDataSample().set_gt_label(i) for i in (0, 2)]
    losses = model(inputs, samples, mode='loss')
    losses['loss_cls'].backward()
    grad = model.neck.interlaces[0].weight_net.conv.weight.grad
    assert grad is not None and grad.abs().sum() > 0
    model.eval()
    with torch.no_grad():
        scores, _ = model.extract_feat(inputs, stage='head')
        preds = model(torch.randn(2, 8, 3, 32, 32), samples, mode='predict')
    assert scores.shape == (2, 3)
    assert preds[0].pred_score.shape == (3, )


def test_prefixed_mmpretrain_backbone_gets_clear_error():
    """Recognizer2D unwraps and iterates 'mmpretrain.*' outputs: the neck
    names the workaround instead of failing obscurely."""
    init_default_scope('mmaction')
    model = _recognizer(dict(type='mmpretrain.ResNet', depth=18), 512)
    with pytest.raises(ValueError, match='_scope_'):
        model.extract_feat(torch.randn(1, 4, 3, 32, 32), stage='head')
    model = _recognizer(dict(type='ResNet', depth=18), 512)
    with pytest.raises(ValueError, match='out_indices'):
        model.extract_feat(torch.randn(1, 4, 3, 32, 32), stage='head')
