# Copyright (c) OpenMMLab. All rights reserved.
"""MoViNet backbone: published block specs, shapes, SE width, (2+1)D and
causal convs against hand-written references, DropPath, errors."""
import copy
import math

import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS

import mmtin  # noqa: F401
from mmtin.models.layers.movinet_conv import MoViNetConv
from mmtin.models.layers.movinet_se import MoViNetSE

# The spec's table (seed_systems.md section 5), written out by hand:
# per stage (base channels, [(expand, (kt, k, k), spatial stride)]).
K155, K333, K533, K133 = (1, 5, 5), (3, 3, 3), (5, 3, 3), (1, 3, 3)
SPEC = {
    'a0': dict(
        stem=8, project=480,
        stages=[
            (8, [(24, K155, 2)]),
            (32, [(80, K333, 2), (80, K333, 1), (80, K333, 1)]),
            (56, [(184, K533, 2), (112, K333, 1), (184, K333, 1)]),
            (56, [(184, K533, 1)] + [(184, K333, 1)] * 3),
            (104, [(384, K533, 2)] + [(280, K155, 1)] * 2 +
             [(344, K155, 1)]),
        ]),
    'a1': dict(
        stem=16, project=600,
        stages=[
            (16, [(40, K155, 2), (40, K333, 1)]),
            (40, [(96, K333, 2), (120, K333, 1), (96, K333, 1),
                  (96, K333, 1)]),
            (64, [(216, K533, 2), (128, K333, 1), (216, K333, 1),
                  (168, K333, 1), (216, K333, 1)]),
            (64, [(216, K533, 1), (216, K333, 1), (216, K333, 1),
                  (128, K333, 1), (128, K155, 1), (216, K333, 1)]),
            (136, [(456, K533, 2)] + [(360, K155, 1)] * 3 +
             [(456, K155, 1), (456, K333, 1), (544, K133, 1)]),
        ]),
    'a2': dict(
        stem=16, project=640,
        stages=[
            (16, [(40, K155, 2), (40, K333, 1), (64, K333, 1)]),
            (40, [(96, K333, 2), (120, K333, 1), (96, K333, 1),
                  (96, K333, 1), (120, K333, 1)]),
            (72, [(240, K533, 2), (160, K333, 1), (240, K333, 1),
                  (192, K333, 1), (240, K333, 1)]),
            (72, [(240, K533, 1)] + [(240, K333, 1)] * 3 +
             [(144, K155, 1), (240, K333, 1)]),
            (144, [(480, K533, 2)] + [(384, K155, 1)] * 2 +
             [(480, K155, 1)] * 2 + [(480, K333, 1), (576, K133, 1)]),
        ]),
}
TINY_ARCH = dict(
    stem=4,
    stages=[(4, '8/155*'), (8, '12/333* 12/333'), (8, '16/533'),
            (8, '12/155 12/333'), (12, '16/533* 16/133')],
    project=16)
STREAM = dict(
    causal=True, conv_type='2plus1d', se_type='2plus3d',
    act_cfg=dict(type='HSwish'), gate_cfg=dict(type='HSigmoid'))


def _blocks(model):
    return [getattr(model, n) for n in model.layer_names]


def _randomize(model):
    """Non-trivial weights: ReZero / positional scales and BN statistics
    away from their (identity-making) init."""
    g = torch.Generator().manual_seed(1)
    for name, p in model.named_parameters():
        if name.endswith('rezero') or name.endswith('pos_scale'):
            p.data.copy_(torch.rand((), generator=g) + 0.5)
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.running_mean.copy_(torch.rand(m.num_features, generator=g) *
                                 0.2 - 0.1)
            m.running_var.copy_(torch.rand(m.num_features, generator=g) +
                                0.5)
    return model


@pytest.mark.parametrize('arch', ['a0', 'a1', 'a2'])
def test_published_block_specs(arch):
    spec = SPEC[arch]
    model = MODELS.build(dict(type='MoViNet', arch=arch))
    assert model.stem.conv.out_channels == spec['stem']
    assert model.stem.conv.kernel_size == (1, 3, 3)
    assert model.stem.conv.stride == (1, 2, 2)
    assert model.conv_head.conv.out_channels == spec['project']
    built = _blocks(model)
    expected = [(c, e, k, s) for c, layers in spec['stages']
                for e, k, s in layers]
    assert len(built) == len(expected)
    for blk, (c, e, k, s) in zip(built, expected):
        assert blk.expand.conv.out_channels == e
        assert blk.dw.conv.kernel_size == k
        assert blk.dw.conv.groups == e
        assert blk.dw.conv.stride == (1, s, s)  # never a temporal stride
        assert blk.project.conv.out_channels == c


@pytest.mark.parametrize('arch,counts,project', [
    ('a3', [4, 6, 5, 8, 10], 744),
    ('a4', [6, 9, 9, 10, 13], 856),
    ('a5', [6, 11, 13, 11, 18], 992),
    ('t0', [1, 2, 3, 4, 4], 240),
])
def test_larger_arch_layer_counts(arch, counts, project):
    model = MODELS.build(dict(type='MoViNet', arch=arch))
    names = model.layer_names
    assert [sum(n.startswith(f'block{i + 2}_') for n in names)
            for i in range(5)] == counts
    assert model.out_channels == project


@pytest.mark.parametrize('arch,project', [('a0', 480), ('a1', 600),
                                          ('a2', 640)])
def test_output_shape(arch, project):
    model = MODELS.build(dict(type='MoViNet', arch=arch)).eval()
    with torch.no_grad():
        out = model(torch.randn(1, 3, 8, 64, 64))
    # 4 spatial strides of 2 plus the stem's: /32; no temporal stride
    assert out.shape == (1, project, 8, 2, 2)


def test_a0_params_and_flops_near_published():
    from mmengine.analysis import FlopAnalyzer
    backbone = MODELS.build(dict(type='MoViNet', arch='a0')).eval()
    head = MODELS.build(
        dict(type='MoViNetHead', num_classes=600, in_channels=480))
    params = sum(p.numel() for p in backbone.parameters()) + sum(
        p.numel() for p in head.parameters())
    assert abs(params / 1e6 - 3.1) < 0.05 * 3.1  # paper: 3.1M (K600 head)

    def count(t):
        fa = FlopAnalyzer(backbone, (torch.zeros(1, 3, t, 172, 172), ))
        fa.unsupported_ops_warnings(False)
        fa.uncalled_modules_warnings(False)
        with torch.no_grad():
            return fa.total()

    # every conv is per frame except the pooled SE: affine in T
    f1, f2 = count(1), count(2)
    gflops = (f1 + (f2 - f1) * 49) / 1e9
    assert abs(gflops - 2.7) < 0.05 * 2.7  # published: 2.7 at 50x172x172


@pytest.mark.parametrize('se_type,expected', [
    ('3d', {24: 8, 80: 24, 112: 32, 184: 48, 384: 96}),
    ('2plus3d', {24: 16, 80: 40, 184: 96, 280: 144}),
])
def test_se_width(se_type, expected):
    """make_divisible(0.25 * E * (2 if 2plus3d), 8), hand-computed."""
    model = MODELS.build(dict(type='MoViNet', arch='a0', se_type=se_type))
    seen = {}
    for blk in _blocks(model):
        e = blk.expand.conv.out_channels
        seen[e] = blk.se.reduce.out_channels
        squeeze = e * (2 if se_type == '2plus3d' else 1)
        assert blk.se.reduce.in_channels == squeeze
        assert blk.se.expand.out_channels == e
    for e, hidden in expected.items():
        assert seen[e] == hidden


def _bn_eval(bn, x):
    return F.batch_norm(x, bn.running_mean, bn.running_var, bn.weight,
                        bn.bias, False, 0., bn.eps)


@pytest.mark.parametrize('causal', [True, False])
def test_2plus1d_conv_matches_reference(causal):
    torch.manual_seed(0)
    conv = MoViNetConv(6, 6, (5, 3, 3), spatial_stride=2, groups=6,
                       conv_type='2plus1d', causal=causal,
                       act_cfg=dict(type='HSwish'))
    _randomize(conv).eval()
    x = torch.randn(2, 6, 7, 9, 9)
    # reference: spatial 1x3x3 conv (stride 2), BN, act; then pad time
    # (4 zeros on the left if causal, 2 + 2 otherwise), 5x1x1 conv, BN, act
    y = F.conv3d(x, conv.conv.weight, None, (1, 2, 2), (0, 1, 1), 1, 6)
    y = F.hardswish(_bn_eval(conv.norm, y))
    y = F.pad(y, (0, 0, 0, 0, 4, 0) if causal else (0, 0, 0, 0, 2, 2))
    y = F.conv3d(y, conv.conv_t.weight, None, 1, 0, 1, 6)
    ref = F.hardswish(_bn_eval(conv.norm_t, y))
    with torch.no_grad():
        out, _ = conv(x)
    assert conv.conv.kernel_size == (1, 3, 3)
    assert conv.conv_t.kernel_size == (5, 1, 1)
    assert out.shape == (2, 6, 7, 5, 5)
    torch.testing.assert_close(out, ref)


def test_3d_causal_conv_matches_reference():
    torch.manual_seed(0)
    conv = MoViNetConv(3, 4, (3, 3, 3), conv_type='3d', causal=True,
                       norm_cfg=None)
    x = torch.randn(1, 3, 6, 5, 5)
    ref = F.conv3d(F.pad(x, (0, 0, 0, 0, 2, 0)), conv.conv.weight, None, 1,
                   (0, 1, 1))
    with torch.no_grad():
        out, states = conv(x)
    torch.testing.assert_close(out, ref)
    # the buffer is the last kt - 1 input frames
    torch.testing.assert_close(states['buffer'], x[:, :, -2:])


def test_3d_and_2plus1d_agree_without_temporal_kernel():
    """With kt = 1 there is nothing to factorise: same modules, same
    output; with kt > 1 the (2+1)D form has fewer parameters."""
    a = MoViNetConv(4, 4, (1, 5, 5), groups=4, conv_type='3d',
                    act_cfg=dict(type='SiLU'))
    b = MoViNetConv(4, 4, (1, 5, 5), groups=4, conv_type='2plus1d',
                    act_cfg=dict(type='SiLU'))
    b.load_state_dict(a.state_dict())
    x = torch.randn(1, 4, 3, 6, 6)
    a.eval(), b.eval()
    torch.testing.assert_close(a(x)[0], b(x)[0])
    full = MoViNetConv(8, 8, (5, 3, 3), groups=8, conv_type='3d')
    sep = MoViNetConv(8, 8, (5, 3, 3), groups=8, conv_type='3d_2plus1d')
    n_full = full.conv.weight.numel()
    n_sep = sep.conv.weight.numel() + sep.conv_t.weight.numel()
    assert (n_full, n_sep) == (8 * 45, 8 * 9 + 8 * 5)


def test_causal_se_matches_naive_loop():
    torch.manual_seed(0)
    se = MoViNetSE(4, 8, se_type='2plus3d', causal=True,
                   use_pos_encoding=True, act_cfg=dict(type='HSwish'),
                   gate_cfg=dict(type='HSigmoid'))
    se.pos_scale.data.fill_(0.7)
    x = torch.randn(2, 4, 5, 3, 3, dtype=torch.float64)
    se.double()
    with torch.no_grad():
        out, states = se(x)
    w1 = se.reduce.weight[:, :, 0, 0, 0]
    w2 = se.expand.weight[:, :, 0, 0, 0]
    ref = torch.empty_like(x)
    for n in range(2):
        for t in range(5):
            frame = [x[n, c, t].mean().item() for c in range(4)]
            cum = [sum(x[n, c, s].mean().item() for s in range(t + 1)) /
                   (t + 1) for c in range(4)]
            v = cum + frame  # 2plus3d: [cumulative ; per-frame], 8 wide
            pe = []
            for i in range(8):  # sin on even channels, then cos on odd
                angle = t / 10000**(2 * (i // 2) / 8)
                pe.append((math.sin(angle), math.cos(angle))[i % 2])
            pe = pe[0::2] + pe[1::2]
            v = torch.tensor([v[i] + 0.7 * pe[i] for i in range(8)],
                             dtype=torch.float64)
            h = F.hardswish(w1 @ v + se.reduce.bias)
            g = F.hardsigmoid(w2 @ h + se.expand.bias)
            ref[n, :, t] = x[n, :, t] * g[:, None, None]
    torch.testing.assert_close(out, ref)
    assert states['pool_count'].tolist() == [5]
    assert states['pe_count'].tolist() == [5]
    torch.testing.assert_close(states['pool_sum'], x.mean((3, 4)).sum(2))


def test_causal_backbone_does_not_look_ahead():
    torch.manual_seed(0)
    causal = _randomize(
        MODELS.build(dict(type='MoViNet', arch=TINY_ARCH, **STREAM))).eval()
    base = _randomize(MODELS.build(dict(type='MoViNet',
                                        arch=TINY_ARCH))).eval()
    x = torch.randn(1, 3, 6, 32, 32)
    y = x.clone()
    y[:, :, 3:] += torch.randn_like(y[:, :, 3:])
    with torch.no_grad():
        torch.testing.assert_close(causal(x)[:, :, :3], causal(y)[:, :, :3])
        assert (base(x)[:, :, :3] - base(y)[:, :, :3]).abs().max() > 1e-4


def test_drop_path_schedule_and_eval_identity():
    model = MODELS.build(
        dict(type='MoViNet', arch=TINY_ARCH, drop_path_rate=0.5))
    rates = [b.drop_path.drop_prob for b in _blocks(model)]
    n = len(rates)
    assert rates == pytest.approx([0.5 * (i + 1) / n for i in range(n)])
    _randomize(model)
    plain = MODELS.build(dict(type='MoViNet', arch=TINY_ARCH))
    plain.load_state_dict(model.state_dict())
    x = torch.randn(4, 3, 3, 32, 32)
    model.eval(), plain.eval()
    with torch.no_grad():
        torch.testing.assert_close(model(x), plain(x))
        model.train(), plain.train()
        torch.manual_seed(0)
        differs = (model(x) - plain(x)).abs().amax(dim=(1, 2, 3, 4))
    assert (differs > 1e-6).any()


def test_rezero_starts_as_skip_path():
    model = MODELS.build(dict(type='MoViNet', arch='a0')).eval()
    model.init_weights()
    blk = model.block4_1  # stride 1, 56 -> 56 channels: identity skip
    assert blk.rezero.item() == 0 and blk.skip_conv is None
    x = torch.randn(1, 56, 3, 4, 4)
    with torch.no_grad():
        torch.testing.assert_close(blk(x)[0], x)


def test_init_states_explicit_zeros():
    model = _randomize(MODELS.build(
        dict(type='MoViNet', arch=TINY_ARCH, **STREAM))).double().eval()
    states = model.init_states((2, 3, 4, 32, 32))
    # 2plus1d: the buffer follows the spatial conv (after its stride)
    assert states['block4_0.dw.buffer'].shape == (2, 16, 4, 4, 4)
    assert states['block3_0.dw.buffer'].shape == (2, 12, 2, 4, 4)
    assert states['block3_0.dw.buffer'].dtype == torch.float64
    assert states['block3_0.se.pool_count'].dtype == torch.long
    assert all(v.abs().sum() == 0 for v in states.values())
    assert model.training is False
    x = torch.randn(2, 3, 4, 32, 32, dtype=torch.float64)
    with torch.no_grad():
        a, sa = model(x, states)
        b, sb = model(x, {})
    torch.testing.assert_close(a, b)
    assert sa.keys() == sb.keys() == states.keys()


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match='arch'):
        MODELS.build(dict(type='MoViNet', arch='a9'))
    with pytest.raises(ValueError, match='lacks keys'):
        MODELS.build(dict(type='MoViNet', arch=dict(stem=8)))
    bad = copy.deepcopy(TINY_ARCH)
    bad['stages'][0] = (4, '8/15*')
    with pytest.raises(ValueError, match='layer spec'):
        MODELS.build(dict(type='MoViNet', arch=bad))
    with pytest.raises(ValueError, match='causal'):
        MODELS.build(
            dict(type='MoViNet', arch=TINY_ARCH, use_pos_encoding=True))
    with pytest.raises(ValueError, match='conv_type'):
        MODELS.build(dict(type='MoViNet', arch=TINY_ARCH, conv_type='2d'))
    base = MODELS.build(dict(type='MoViNet', arch=TINY_ARCH))
    with pytest.raises(ValueError, match='causal'):
        base(torch.randn(1, 3, 2, 32, 32), {})
    with pytest.raises(ValueError, match=r'\[N, C, T, H, W\]'):
        base(torch.randn(3, 32, 32))
