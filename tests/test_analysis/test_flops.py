# Copyright (c) OpenMMLab. All rights reserved.
"""FLOP helpers: the extrapolation in T equals a direct count for MoViNet
(base and causal) and 3D ResNet-RS; the FlopCounterMode cross-check
equals conv + linear multiply-adds counted by hand with hooks."""
import pytest
import torch
from mmengine.registry import init_default_scope
from torch import nn

import mmtin  # noqa: F401
from mmaction.registry import MODELS
from mmtin.apis import count_flops
from mmtin.models.utils.flops import count_flops_affine, count_flops_torch

ARCH = dict(
    stem=4,
    stages=[(4, '8/155*'), (8, '12/333* 12/333'), (8, '16/533'),
            (8, '12/155 12/333'), (12, '16/533* 16/133')],
    project=16)


def _build(cfg):
    init_default_scope('mmaction')
    return MODELS.build(cfg).eval()


@pytest.mark.parametrize('backbone,channels', [
    (dict(type='MoViNet', arch=ARCH), 16),
    (dict(type='MoViNet', arch=ARCH, causal=True, conv_type='2plus1d',
          se_type='2plus3d'), 16),
    (dict(type='ResNet3dRS', depth=50, base_channels=4, stem_channels=4),
     128),
])
def test_affine_extrapolation_equals_direct_count(backbone, channels):
    head = dict(type='MoViNetHead', hidden_channels=8) \
        if backbone['type'] == 'MoViNet' else dict(type='I3DHead')
    model = _build(
        dict(type='Recognizer3D', backbone=backbone,
             cls_head=dict(num_classes=5, in_channels=channels, **head)))
    x = torch.zeros(1, 1, 3, 12, 32, 32)
    direct = count_flops(model, x)
    assert count_flops_affine(model, x, 2) == direct
    assert count_flops_affine(model, x, 6) == direct  # too few: direct


def test_flop_counter_cross_check_is_conv_and_linear_macs():
    model = _build(
        dict(type='Recognizer2D',
             backbone=dict(type='ResNet', depth=18, pretrained=None),
             cls_head=dict(type='TSNHead', num_classes=7, in_channels=512)))
    x = torch.randn(1, 2, 3, 32, 32)
    total = []

    def hook(module, args, out):
        if isinstance(module, nn.Conv2d):
            total.append(out.numel() * module.in_channels // module.groups *
                         module.kernel_size[0] * module.kernel_size[1])
        elif isinstance(module, nn.Linear):
            total.append(out.numel() * module.in_features)

    handles = [m.register_forward_hook(hook) for m in model.modules()]
    with torch.no_grad():
        model(x, mode='tensor', stage='head')
    for h in handles:
        h.remove()
    assert count_flops_torch(model, x) == sum(total)
