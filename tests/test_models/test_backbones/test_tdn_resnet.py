# Copyright (c) OpenMMLab. All rights reserved.
"""TDNResNet in Recognizer2D (loss, predict, segment layout), frozen
stages and norm_eval, build and input errors, the BasicBlock (R18/R34)
layout, gradient checkpointing."""
import copy

import pytest
import torch
import torch.nn as nn

import mmtin  # noqa: F401
from mmaction.registry import MODELS
from mmengine.registry import init_default_scope
from tdn_official_reference import build_recognizer

init_default_scope('mmaction')

# ---------------------------------------------------------------------------
# Recognizer2D, layout, training behaviour, errors
# ---------------------------------------------------------------------------


def test_recognizer2d_loss_and_predict():
    from mmaction.structures import ActionDataSample
    torch.manual_seed(0)
    model = build_recognizer(50, 2, 7)
    model.init_weights()
    inputs = torch.randn(2, 2 * 5, 3, 64, 64)
    samples = [ActionDataSample().set_gt_label(i) for i in (1, 4)]
    model.train()
    losses = model(inputs, samples, mode='loss')
    assert losses['loss_cls'].requires_grad
    losses['loss_cls'].backward()
    assert model.backbone.layer3[2].ltdm.conv1.weight.grad.abs().sum() > 0
    assert model.backbone.diff_conv1.conv.weight.grad.abs().sum() > 0
    assert model.backbone.layer2[0].tconv.weight.grad.abs().sum() > 0
    model.eval()
    with torch.no_grad():
        preds = model(inputs, copy.deepcopy(samples), mode='predict')
        feats, _ = model.extract_feat(inputs, stage='backbone')
    assert feats.shape == (2 * 2, 2048, 2, 2)
    assert len(preds) == 2 and preds[0].pred_score.shape == (7, )
    assert torch.allclose(preds[0].pred_score.sum(), torch.tensor(1.0))
    # multi-view testing: 3 views (clips/crops) of one video, probabilities
    # averaged over views (average_clips='prob')
    views = torch.randn(3, 2 * 5, 3, 64, 64)
    with torch.no_grad():
        (pred, ) = model(views.reshape(1, 3 * 10, 3, 64, 64),
                         [ActionDataSample()], mode='predict')
        each = [
            model.extract_feat(v[None], stage='head', test_mode=True)[0]
            for v in views
        ]
    expected = torch.stack([e.softmax(-1)[0] for e in each]).mean(0)
    assert torch.allclose(pred.pred_score, expected, atol=1e-5)


def test_segments_of_a_clip_stay_together():
    """Two clips in a batch give the same output as each on its own (the
    L-TDM and the temporal conv never mix clips)."""
    torch.manual_seed(0)
    backbone = MODELS.build(
        dict(type='TDNResNet', depth=50, num_segments=2)).eval()
    x = torch.randn(20, 3, 64, 64)
    with torch.no_grad():
        both = backbone(x)
        first = backbone(x[:10])
    assert torch.allclose(both[:2], first, atol=1e-5)


def test_frozen_stages_and_norm_eval():
    backbone = MODELS.build(
        dict(type='TDNResNet', depth=50, frozen_stages=1, norm_eval=True))
    backbone.train()
    for m in (backbone.conv1, backbone.diff_conv1, backbone.layer1,
              backbone.diff_layer1):
        assert all(not p.requires_grad for p in m.parameters())
    assert all(p.requires_grad for p in backbone.layer2.parameters())
    assert not backbone.layer3[0].ltdm.bn3.training
    assert backbone.layer3[0].ltdm.training


@pytest.mark.parametrize('cfg,match', [
    (dict(depth=26), 'depth must be one of'),
    (dict(depth=50, num_segments=1), 'num_segments'),
    (dict(depth=50, clip_len=4), 'clip_len'),
    (dict(depth=50, frozen_stages=5), 'frozen_stages'),
    (dict(depth=50, init_cfg=dict(type='Kaiming')), 'init_cfg'),
])
def test_build_errors(cfg, match):
    with pytest.raises(ValueError, match=match):
        MODELS.build(dict(type='TDNResNet', **cfg))


def test_input_shape_error():
    backbone = MODELS.build(dict(type='TDNResNet', depth=50, num_segments=2))
    with pytest.raises(ValueError, match=r'num_segments=2.*\(15, 3, 64, 64\)'):
        backbone(torch.randn(15, 3, 64, 64))
    # 32 px: layer4 at 1x1, the L-TDM pool window shrinks to the map
    # (mmtin extension; the official code fails there)
    backbone.eval()
    with torch.no_grad():
        assert backbone(torch.randn(10, 3, 32, 32)).shape == (2, 2048, 1, 1)


# ---------------------------------------------------------------------------
# Depth 18/34: BasicBlock (mmtin extension)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize('depth,blocks', [(18, (2, 2, 2, 2)),
                                          (34, (3, 4, 6, 3))])
def test_basic_block_layout(depth, blocks):
    backbone = MODELS.build(dict(type='TDNResNet', depth=depth))
    assert backbone.feat_dim == 512
    keys = backbone.state_dict().keys()
    for i, n in enumerate(blocks):
        for prefix in ([f'layer{i + 1}'] + ['diff_layer1'] * (i == 0)):
            assert len(getattr(backbone, prefix)) == n
            for b in range(n):
                p = f'{prefix}.{b}.'
                has_ltdm = f'{p}ltdm.conv1.weight' in keys
                has_tconv = f'{p}tconv.weight' in keys
                assert has_ltdm == has_tconv == (i > 0), p
                assert f'{p}conv2.conv.weight' in keys
                assert f'{p}conv3.conv.weight' not in keys  # BasicBlock
    for i, planes in ((2, 128), (3, 256), (4, 512)):
        block = getattr(backbone, f'layer{i}')[-1]
        assert block.ltdm.conv1.weight.shape == (planes // 16, planes, 1, 1)
        assert block.tconv.weight.shape == (planes, 1, 3)
    # layer1 and the difference branch: 64 channels, no downsample
    assert backbone.layer1[0].downsample is None
    assert backbone.diff_layer1[0].conv2.conv.out_channels == 64


def test_r18_32px_forward_backward():
    """At 32 px layer4 runs on 1x1 maps (tiny-map L-TDM); training works
    and every temporal part gets gradients."""
    torch.manual_seed(0)
    backbone = MODELS.build(
        dict(type='TDNResNet', depth=18, num_segments=2))
    backbone.init_weights()
    backbone.train()
    x = torch.randn(2 * 2 * 5, 3, 32, 32, requires_grad=True)
    out = backbone(x)
    assert out.shape == (4, 512, 1, 1)
    out.pow(2).mean().backward()
    assert x.grad.abs().sum() > 0
    for name in ('layer4.1.ltdm.conv3_smallscale2.weight',
                 'layer2.0.ltdm.conv1.weight', 'layer3.1.tconv.weight',
                 'diff_conv1.conv.weight', 'diff_layer1.1.conv2.conv.weight'):
        grad = backbone.get_parameter(name).grad
        assert grad is not None and grad.abs().sum() > 0, name


def test_basic_blocks_with_cp_match():
    """Gradient checkpointing (which MMAction2's BasicBlock lacks) gives the
    same outputs and gradients."""
    from mmtin.models.layers import (CheckpointBasicBlock,
                                     TDNBasicBlock)
    torch.manual_seed(0)
    for cls, kwargs in ((CheckpointBasicBlock, {}),
                        (TDNBasicBlock, dict(num_segments=2))):
        plain = cls(16, 32, stride=2, downsample=nn.Conv2d(16, 32, 1, 2),
                    **kwargs)
        ckpt = copy.deepcopy(plain)
        ckpt.with_cp = True
        x = torch.randn(4, 16, 6, 6)
        outs, grads = [], []
        for m in (plain, ckpt):
            xi = x.clone().requires_grad_()
            out = m(xi)
            out.sum().backward()
            outs.append(out)
            grads.append((xi.grad, m.conv1.conv.weight.grad))
        assert torch.allclose(outs[0], outs[1], atol=1e-5)
        for a, b in zip(grads[0], grads[1]):
            assert torch.allclose(a, b, atol=1e-5)
