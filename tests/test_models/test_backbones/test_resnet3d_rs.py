# Copyright (c) OpenMMLab. All rights reserved.
"""3D ResNet-RS: block counts per depth, stem, temporal kernels, SE width,
self-gating placement, stochastic depth, and the block against a
hand-written reference."""
import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS

import mmtin  # noqa: F401
from mmtin.models.layers.bottleneck3d_rs import (Bottleneck3dRS,
                                                 SelfGating3d,
                                                 SqueezeExcite3d)

# blocks per stage, from the spec's table (seed_systems.md section 2)
DEPTHS = {
    50: (3, 4, 6, 3),
    101: (3, 4, 23, 3),
    152: (3, 8, 36, 3),
    200: (3, 24, 36, 3),
    270: (4, 29, 53, 4),
    300: (4, 36, 54, 4),
    350: (4, 36, 72, 4),
}
TINY = dict(base_channels=2, stem_channels=2)  # full depth, tiny width


def _stages(model):
    return [getattr(model, name) for name in model.res_layers]


@pytest.mark.parametrize('depth', sorted(DEPTHS))
def test_block_counts(depth):
    model = MODELS.build(dict(type='ResNet3dRS', depth=depth, **TINY))
    stages = _stages(model)
    assert tuple(len(s) for s in stages) == DEPTHS[depth]
    assert all(isinstance(b, Bottleneck3dRS) for s in stages for b in s)


def test_full_width_output_shape_and_stem():
    model = MODELS.build(dict(type='ResNet3dRS', depth=50)).eval()
    assert [len(s) for s in _stages(model)] == [3, 4, 6, 3]
    convs = [m.conv for m in model.conv1]
    assert [c.out_channels for c in convs] == [32, 32, 64]
    assert [c.kernel_size for c in convs] == [(5, 3, 3), (1, 3, 3),
                                              (1, 3, 3)]
    assert [c.stride for c in convs] == [(2, 2, 2), (1, 1, 1), (1, 1, 1)]
    assert model.maxpool.kernel_size == (1, 3, 3)
    assert model.maxpool.stride == (1, 2, 2)
    with torch.no_grad():
        out = model(torch.randn(1, 3, 8, 32, 32))
    # T: stem stride 2 only; H, W: stem 2, pool 2, stages 2, 2, 2
    assert out.shape == (1, 2048, 4, 1, 1)


def test_stem_pool_with_temporal_stride():
    model = MODELS.build(
        dict(type='ResNet3dRS', depth=50, pool1_stride_t=2, **TINY))
    assert model.maxpool.kernel_size == (3, 3, 3)
    assert model.maxpool.stride == (2, 2, 2)
    with torch.no_grad():
        out = model.eval()(torch.randn(1, 3, 8, 32, 32))
    assert out.shape[2] == 2


def test_temporal_kernels_and_strides():
    model = MODELS.build(dict(type='ResNet3dRS', depth=50, **TINY))
    for i, stage in enumerate(_stages(model)):
        kt = 1 if i < 2 else 3
        for j, blk in enumerate(stage):
            assert blk.conv1.conv.kernel_size == (kt, 1, 1)
            assert blk.conv2.conv.kernel_size == (1, 3, 3)
            s = 2 if (i > 0 and j == 0) else 1
            assert blk.conv2.conv.stride == (1, s, s)
            assert blk.conv1.conv.stride == (1, 1, 1)


def test_self_gating_only_in_last_block_of_each_stage():
    model = MODELS.build(dict(type='ResNet3dRS', depth=101, **TINY))
    for stage in _stages(model):
        flags = [b.self_gating is not None for b in stage]
        assert flags == [False] * (len(stage) - 1) + [True]
    partial = MODELS.build(
        dict(type='ResNet3dRS', depth=50,
             self_gating=(False, True, False, True), **TINY))
    assert [any(b.self_gating is not None for b in s)
            for s in _stages(partial)] == [False, True, False, True]


def test_se_width():
    model = MODELS.build(dict(type='ResNet3dRS', depth=50))
    # max(1, int(4C * 0.25)) = C for planes C = 64, 128, 256, 512
    for stage, planes in zip(_stages(model), (64, 128, 256, 512)):
        for blk in stage:
            assert blk.se.reduce.in_channels == 4 * planes
            assert blk.se.reduce.out_channels == planes
            assert blk.se.expand.out_channels == 4 * planes
    assert SqueezeExcite3d(16, 0.01).hidden_channels == 1  # max(1, 0)
    assert SqueezeExcite3d(40, 0.2).hidden_channels == 8
    no_se = MODELS.build(
        dict(type='ResNet3dRS', depth=50, se_ratio=0, **TINY))
    assert all(b.se is None for s in _stages(no_se) for b in s)


def test_stochastic_depth_schedule_and_eval_identity():
    model = MODELS.build(dict(type='ResNet3dRS', depth=50, **TINY))
    rates = [[b.drop_path.drop_prob for b in s] for s in _stages(model)]
    for rate, expected, stage in zip(rates, (0.04, 0.06, 0.08, 0.10),
                                     _stages(model)):
        assert rate == pytest.approx([expected] * len(stage))
    heavy = MODELS.build(
        dict(type='ResNet3dRS', depth=50, drop_path_rate=0.9, **TINY))
    heavy.init_weights()
    plain = MODELS.build(
        dict(type='ResNet3dRS', depth=50, drop_path_rate=0., **TINY))
    plain.load_state_dict(heavy.state_dict())
    x = torch.randn(4, 3, 4, 32, 32)
    heavy.eval(), plain.eval()
    with torch.no_grad():
        torch.testing.assert_close(heavy(x), plain(x))
        blk, ref = heavy.layer3[0], plain.layer3[0]
        blk.train(), ref.train()
        feat = torch.randn(4, 16, 2, 4, 4)
        torch.manual_seed(0)
        differs = (blk(feat) - ref(feat)).abs().amax(dim=(1, 2, 3, 4))
    assert (differs > 1e-6).any()


def test_block_matches_reference():
    """relu(drop(se(gate(conv3(conv2(conv1(x)))))) + shortcut(x)), eval."""
    torch.manual_seed(0)
    model = MODELS.build(dict(type='ResNet3dRS', depth=50, **TINY))
    model.init_weights()
    blk = model.layer4[2]  # last block: self-gating and SE, identity skip
    for m in blk.modules():
        if isinstance(m, torch.nn.BatchNorm3d):
            m.weight.data.uniform_(0.5, 1.5)
            m.running_var.uniform_(0.5, 1.5)
    blk.eval()
    x = torch.randn(2, 64, 3, 4, 4)

    def cbr(mod, y, act=True):
        y = F.conv3d(y, mod.conv.weight, None, mod.conv.stride,
                     mod.conv.padding)
        y = F.batch_norm(y, mod.bn.running_mean, mod.bn.running_var,
                         mod.bn.weight, mod.bn.bias, False, 0., mod.bn.eps)
        return F.relu(y) if act else y

    y = cbr(blk.conv3, cbr(blk.conv2, cbr(blk.conv1, x)), act=False)
    g = blk.self_gating.fc
    y = y * torch.sigmoid(
        F.conv3d(y.mean((2, 3, 4), keepdim=True), g.weight, g.bias))
    se = blk.se
    h = F.relu(F.conv3d(y.mean((2, 3, 4), keepdim=True), se.reduce.weight,
                        se.reduce.bias))
    y = y * torch.sigmoid(F.conv3d(h, se.expand.weight, se.expand.bias))
    ref = F.relu(y + x)
    with torch.no_grad():
        torch.testing.assert_close(blk(x), ref)


def test_self_gating_init():
    model = MODELS.build(dict(type='ResNet3dRS', depth=50))
    model.init_weights()
    gates = [m for m in model.modules() if isinstance(m, SelfGating3d)]
    assert len(gates) == 4
    w = torch.cat([g.fc.weight.flatten() for g in gates])
    assert w.std() < 0.02 and all(g.fc.bias.abs().sum() == 0 for g in gates)


def test_errors():
    with pytest.raises(KeyError, match='depth'):
        MODELS.build(dict(type='ResNet3dRS', depth=34))
    with pytest.raises(ValueError, match='self_gating'):
        MODELS.build(dict(type='ResNet3dRS', depth=50, self_gating=(True, )))
    with pytest.raises(ValueError, match='drop_path_rate'):
        MODELS.build(dict(type='ResNet3dRS', depth=50, drop_path_rate=1.5))
    with pytest.raises(ValueError, match='ratio'):
        SqueezeExcite3d(8, 1.5)
