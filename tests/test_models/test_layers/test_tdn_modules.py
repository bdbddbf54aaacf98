# Copyright (c) OpenMMLab. All rights reserved.
"""TDN layers against naive references of the spec'd math (loops over t,
explicit BN formulas, index-based nearest upsampling)."""
import pytest
import torch
import torch.nn.functional as F

import mmtin  # noqa: F401
from mmaction.registry import MODELS
from mmtin.ops.temporal_difference import (pooled_differences,
                                           stdm_fusion_weights)


def naive_nearest(x, size):
    """Output pixel (i, j) takes input (floor(i*h/H), floor(j*w/W))."""
    h, w = x.shape[-2:]
    out = torch.empty(x.shape[:-2] + tuple(size), dtype=x.dtype)
    for i in range(size[0]):
        for j in range(size[1]):
            out[..., i, j] = x[..., (i * h) // size[0], (j * w) // size[1]]
    return out


def bn_eval(x, bn):
    shape = (1, -1, 1, 1)
    return (x - bn.running_mean.view(shape)) / torch.sqrt(
        bn.running_var.view(shape) + bn.eps) * bn.weight.view(
            shape) + bn.bias.view(shape)


def bn_batch(x, bn):
    """Training-mode BN output and the batch statistics it used."""
    mean = x.mean((0, 2, 3))
    var = x.var((0, 2, 3), unbiased=False)
    n = x.numel() / x.shape[1]
    shape = (1, -1, 1, 1)
    y = (x - mean.view(shape)) / torch.sqrt(var.view(shape) + bn.eps)
    return y * bn.weight.view(shape) + bn.bias.view(shape), (
        mean, var * n / (n - 1))


def randomize_(module, seed=0):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, t in list(module.named_parameters()) + list(
                module.named_buffers()):
            if name.endswith('num_batches_tracked'):
                continue
            if name.endswith('running_var'):
                t.copy_(torch.rand(t.shape, generator=g) + 0.5)
            else:
                t.copy_(torch.randn(t.shape, generator=g) * 0.5)


def ltdm_reference(m, x, t_len, bn, pool=lambda d: F.avg_pool2d(d, 2, 2),
                   legacy=False):
    """The L-TDM of spec section 3 with loops over t; ``bn(x, module)`` is
    the BN formula (eval or batch statistics), ``pool`` the pool of S2;
    ``legacy``: the Dec-2020 backward S4 (spec section 5), computed from
    the forward direction's finished S4."""
    stats = {}

    def norm(x, name):
        y, s = bn(x, getattr(m, name))
        stats.setdefault(name, []).append(s)
        return y

    b = norm(F.conv2d(x, m.conv1.weight), 'bn1')
    c = b.shape[1]
    bc = F.conv2d(b, m.conv2.weight, padding=1, groups=c)
    nt, _, h, w = b.shape
    atts, s4_forward = [], None
    for direction in (+1, -1):
        d = torch.zeros_like(b)
        for n in range(nt // t_len):
            for t in range(t_len):
                src = t + direction
                if 0 <= src < t_len:
                    d[n * t_len + t] = bc[n * t_len + src] - b[n * t_len + t]
        s2 = F.conv2d(pool(d), m.conv3_smallscale2.weight, padding=1)
        s2 = naive_nearest(norm(s2, 'bn3_smallscale2'), (h, w))
        s4_in = s4_forward if legacy and direction == -1 else d
        s4 = norm(F.conv2d(s4_in, m.conv3_smallscale4.weight, padding=1),
                  'bn3_smallscale4')
        s4_forward = s4 if direction == 1 else s4_forward
        y = norm(F.conv2d(d / 3 + s2 / 3 + s4 / 3, m.conv3.weight), 'bn3')
        atts.append(torch.sigmoid(y) - 0.5)
    return x + x * (0.5 * atts[0] + 0.5 * atts[1]), stats


def _eval_bn(x, bn):
    return bn_eval(x, bn), None


@pytest.mark.parametrize('t_len,hw', [(4, (7, 7)), (3, (2, 2)), (2, (5, 6)),
                                      (4, (8, 8))])
def test_ltdm_eval_matches_reference(t_len, hw):
    m = MODELS.build(dict(type='LongTermTDM', channels=32,
                          num_segments=t_len))
    randomize_(m)
    m.eval()
    x = torch.randn(2 * t_len, 32, *hw)
    with torch.no_grad():
        expected, _ = ltdm_reference(m, x, t_len, _eval_bn)
        out = m(x)
    assert torch.allclose(out, expected, atol=1e-5)
    # eval mode with autograd on (e.g. saliency maps): same values, grads
    xg = x.clone().requires_grad_()
    with_grad = m(xg)
    assert torch.allclose(with_grad, expected, atol=1e-5)
    with_grad.sum().backward()
    assert xg.grad.abs().sum() > 0


def test_ltdm_train_runs_bn_once_per_direction():
    m = MODELS.build(dict(type='LongTermTDM', channels=32, num_segments=4))
    randomize_(m, seed=3)
    m.train()
    before = {k: v.clone() for k, v in m.state_dict().items()}
    x = torch.randn(8, 32, 6, 6)
    expected, stats = ltdm_reference(m, x, 4, bn_batch)
    out = m(x)
    assert torch.allclose(out, expected, atol=1e-5)
    mom = m.bn3.momentum
    for name in ('bn3', 'bn3_smallscale2', 'bn3_smallscale4'):
        (mean_f, var_f), (mean_b, var_b) = stats[name]
        for key, f, b in (('running_mean', mean_f, mean_b),
                          ('running_var', var_f, var_b)):
            run = before[f'{name}.{key}']
            run = (1 - mom) * run + mom * f  # forward direction first
            run = (1 - mom) * run + mom * b
            assert torch.allclose(
                getattr(m, name).__getattr__(key), run, atol=1e-5), name
        assert getattr(m, name).num_batches_tracked.item() == 2
    assert m.bn1.num_batches_tracked.item() == 1


@pytest.mark.parametrize('hw', [(6, 6), (5, 7)])
def test_ltdm_legacy_backward_s4(hw):
    """The Dec-2020 variant (spec section 5): eval and training against the
    reference, and it differs from the fixed module with the same
    weights."""
    cfg = dict(type='LongTermTDM', channels=32, num_segments=4)
    m = MODELS.build(dict(cfg, legacy_backward_s4=True))
    fixed = MODELS.build(cfg)
    randomize_(m, seed=5)
    fixed.load_state_dict(m.state_dict())
    x = torch.randn(8, 32, *hw)
    m.eval()
    fixed.eval()
    with torch.no_grad():
        expected, _ = ltdm_reference(m, x, 4, _eval_bn, legacy=True)
        out = m(x)
        assert torch.allclose(out, expected, atol=1e-5)
        assert not torch.allclose(fixed(x), expected, atol=1e-3)
    xg = x.clone().requires_grad_()
    assert torch.allclose(m(xg), expected, atol=1e-5)
    m.train()
    run_before = m.bn3_smallscale4.running_mean.clone()
    expected, stats = ltdm_reference(m, x, 4, bn_batch, legacy=True)
    assert torch.allclose(m(x), expected, atol=1e-5)
    # the backward S4 BN saw the batch statistics of the forward S4's
    # output, and updated the running mean after the forward one
    (mean_f, _), (mean_b, _) = stats['bn3_smallscale4']
    mom = m.bn3_smallscale4.momentum
    run = (1 - mom) * ((1 - mom) * run_before + mom * mean_f) + mom * mean_b
    assert torch.allclose(m.bn3_smallscale4.running_mean, run, atol=1e-5)
    assert m.bn3_smallscale4.num_batches_tracked.item() == 2


def test_ltdm_errors():
    with pytest.raises(ValueError, match='reduction=16 must divide'):
        MODELS.build(dict(type='LongTermTDM', channels=40))
    with pytest.raises(ValueError, match='num_segments'):
        MODELS.build(dict(type='LongTermTDM', channels=32, num_segments=1))
    m = MODELS.build(dict(type='LongTermTDM', channels=32, num_segments=2))
    with pytest.raises(ValueError, match='expected input'):
        m(torch.randn(4, 16, 4, 4))
    with pytest.raises(ValueError, match='not divisible by num_segments=2'):
        m(torch.randn(3, 32, 4, 4))


def _pool_1x1(d):
    """Window 1x1: the identity."""
    return d


def _pool_1x2(d):
    """Window 1x2, stride 1x2 (W = 5: columns (0, 1), (2, 3); 4 dropped)."""
    w = d.shape[-1] // 2
    cols = [(d[..., 2 * j] + d[..., 2 * j + 1]) / 2 for j in range(w)]
    return torch.stack(cols, -1)


def _pool_2x1(d):
    return _pool_1x2(d.transpose(-1, -2)).transpose(-1, -2)


@pytest.mark.parametrize('hw,pool', [((1, 1), _pool_1x1),
                                     ((1, 5), _pool_1x2),
                                     ((3, 1), _pool_2x1)])
def test_ltdm_tiny_maps_shrink_the_pool_window(hw, pool):
    """mmtin extension: below 2x2 the S2 pool window is min(2, size)."""
    m = MODELS.build(dict(type='LongTermTDM', channels=32, num_segments=2))
    randomize_(m, seed=5)
    x = torch.randn(4, 32, *hw)
    m.eval()
    with torch.no_grad():
        expected, _ = ltdm_reference(m, x, 2, _eval_bn, pool)
        out = m(x)
    assert torch.allclose(out, expected, atol=1e-5)
    m.train()
    expected, _ = ltdm_reference(m, x, 2, bn_batch, pool)
    out = m(x)
    assert torch.allclose(out, expected, atol=1e-5)
    out.sum().backward()
    assert m.conv3_smallscale2.weight.grad.abs().sum() > 0


def test_temporal_conv_matches_loops_and_shift_init():
    t_len, c = 4, 16
    m = MODELS.build(dict(type='TemporalDepthwiseConv', channels=c,
                          num_segments=t_len))
    x = torch.randn(2 * t_len, c, 3, 2)
    # shift init: fold = 2 channels look ahead, 2 look back, rest identity
    out = m(x).view(2, t_len, c, 3, 2)
    xv = x.view(2, t_len, c, 3, 2)
    zero = torch.zeros_like(xv[:, 0])
    for t in range(t_len):
        nxt = xv[:, t + 1] if t + 1 < t_len else zero
        prv = xv[:, t - 1] if t > 0 else zero
        assert torch.equal(out[:, t, :2], nxt[:, :2])
        assert torch.equal(out[:, t, 2:4], prv[:, 2:4])
        assert torch.equal(out[:, t, 4:], xv[:, t, 4:])
    # random weights against explicit loops
    with torch.no_grad():
        m.weight.normal_()
    out = m(x).view(2, t_len, c, 3, 2)
    w = m.weight[:, 0]
    for n in range(2):
        for t in range(t_len):
            for ch in range(c):
                acc = w[ch, 1] * xv[n, t, ch]
                if t > 0:
                    acc = acc + w[ch, 0] * xv[n, t - 1, ch]
                if t < t_len - 1:
                    acc = acc + w[ch, 2] * xv[n, t + 1, ch]
                assert torch.allclose(out[n, t, ch], acc, atol=1e-6)


def test_stdm_fusion_weights():
    assert stdm_fusion_weights(8) == (0.5, 0.5)
    assert stdm_fusion_weights(16) == (0.75, 0.25)
    assert stdm_fusion_weights(4) == (0.75, 0.25)
    m = MODELS.build(dict(type='ShortTermTDM', num_segments=16))
    assert (m.alpha, m.beta) == (0.75, 0.25)
    m = MODELS.build(
        dict(type='ShortTermTDM', num_segments=8, fusion_weights=(1, 0)))
    assert (m.alpha, m.beta) == (1.0, 0.0)


def test_stdm_differences():
    m = MODELS.build(dict(type='ShortTermTDM'))
    frames = torch.randn(3, 15, 6, 4)
    out = m.differences(frames)
    assert out.shape == (3, 12, 3, 2)
    for k in range(4):
        d = frames[:, 3 * (k + 1):3 * (k + 2)] - frames[:, 3 * k:3 * (k + 1)]
        for i in range(3):
            for j in range(2):
                patch = d[:, :, 2 * i:2 * i + 2, 2 * j:2 * j + 2]
                assert torch.allclose(out[:, 3 * k:3 * k + 3, i, j],
                                      patch.mean((2, 3)), atol=1e-6)
    with pytest.raises(ValueError, match='K >= 2'):
        pooled_differences(torch.randn(2, 3, 4, 4))


def _conv_out(size, k, s, p):
    return (size + 2 * p - k) // s + 1


@pytest.mark.parametrize('size,rgb,diff', [(224, 56, 28), (256, 64, 32),
                                           (97, 25, 12), (225, 57, 28)])
def test_stdm_fusion_sizes_and_nearest(size, rgb, diff):
    """Stem sizes of both streams at 224, 256 and odd inputs, and the fusion
    against index-based nearest upsampling."""
    # the spec'd stems, by the conv output-size formula
    assert _conv_out(_conv_out(size, 7, 2, 3), 3, 2, 1) == rgb
    assert _conv_out(_conv_out(size // 2, 7, 2, 3), 3, 2, 1) == diff
    # the backbone's own stems give those sizes
    backbone = MODELS.build(
        dict(type='TDNResNet', depth=50, num_segments=2)).eval()
    frames = torch.randn(1, 15, size, size)
    with torch.no_grad():
        d0 = backbone.maxpool(
            backbone.diff_conv1(backbone.stdm.differences(frames)))
        x0 = backbone.maxpool(backbone.conv1(frames[:, 6:9]))
    assert d0.shape[-2:] == (diff, diff) and x0.shape[-2:] == (rgb, rgb)
    # fusion: alpha * x + beta * nearest(d)
    stdm = MODELS.build(dict(type='ShortTermTDM', num_segments=8))
    x = torch.randn(2, 3, rgb, rgb)
    d = torch.randn(2, 3, diff, diff)
    expected = 0.5 * x + 0.5 * naive_nearest(d, (rgb, rgb))
    assert torch.allclose(stdm(x, d), expected, atol=1e-6)
    if rgb == 2 * diff:  # exact 2x pixel replication
        assert torch.equal(
            naive_nearest(d, (rgb, rgb)),
            d.repeat_interleave(2, -1).repeat_interleave(2, -2))


def test_stdm_fusion_errors():
    stdm = MODELS.build(dict(type='ShortTermTDM'))
    with pytest.raises(ValueError, match='must agree'):
        stdm(torch.randn(2, 4, 8, 8), torch.randn(2, 3, 4, 4))
    with pytest.raises(ValueError, match='fusion_weights'):
        MODELS.build(dict(type='ShortTermTDM', fusion_weights=(1, 2, 3)))


# ---------------------------------------------------------------------------
# switch_to_deploy: the fused forms against the same references
# ---------------------------------------------------------------------------


@pytest.mark.parametrize('t_len,hw,legacy,pool', [
    (4, (7, 7), False, None), (3, (2, 2), False, None),
    (2, (8, 8), False, None), (4, (6, 6), True, None),
    (2, (1, 1), False, _pool_1x1), (2, (1, 5), False, _pool_1x2)])
def test_ltdm_deploy_matches_reference(t_len, hw, legacy, pool):
    m = MODELS.build(dict(type='LongTermTDM', channels=32,
                          num_segments=t_len, legacy_backward_s4=legacy))
    randomize_(m, seed=t_len)
    m.eval()
    x = torch.randn(2 * t_len, 32, *hw)
    kwargs = {} if pool is None else dict(pool=pool)
    with torch.no_grad():
        expected, _ = ltdm_reference(m, x, t_len, _eval_bn, legacy=legacy,
                                     **kwargs)
        plain = m(x)
    keys = list(m.state_dict())
    m.switch_to_deploy()
    assert m.deploy and list(m.state_dict()) == keys
    with torch.no_grad():
        out = m(x)
    assert torch.allclose(out, expected, atol=1e-5)
    assert torch.allclose(out, plain, atol=1e-5)
    xg = x.clone().requires_grad_()  # the autograd branch of the tail
    with_grad = m(xg)
    assert torch.allclose(with_grad, expected, atol=1e-5)
    with_grad.sum().backward()
    assert xg.grad.abs().sum() > 0
    with pytest.raises(RuntimeError, match='inference only'):
        m.train()


def test_ltdm_deploy_needs_batch_norm():
    m = MODELS.build(dict(type='LongTermTDM', channels=32,
                          norm_cfg=dict(type='GN', num_groups=2)))
    with pytest.raises(TypeError, match='bn1 must be a batch norm'):
        m.switch_to_deploy()


def test_ltdm_norm_and_conv_cfg():
    """Every norm of the L-TDM follows norm_cfg (issue #11)."""
    from mmengine.model import revert_sync_batchnorm
    m = MODELS.build(dict(type='LongTermTDM', channels=32, num_segments=2,
                          norm_cfg=dict(type='SyncBN')))
    norms = [n for n, mod in m.named_modules()
             if isinstance(mod, torch.nn.modules.batchnorm._BatchNorm)]
    assert norms == ['bn1', 'bn3_smallscale2', 'bn3_smallscale4', 'bn3']
    assert all(isinstance(getattr(m, n), torch.nn.SyncBatchNorm)
               for n in norms)
    m = revert_sync_batchnorm(m).eval()
    assert m(torch.randn(4, 32, 4, 4)).shape == (4, 32, 4, 4)
    m = MODELS.build(dict(type='LongTermTDM', channels=32,
                          norm_cfg=dict(type='GN', num_groups=2)))
    assert isinstance(m.bn3, torch.nn.GroupNorm)


def test_stdm_deploy_matches_plain_and_loops():
    m = MODELS.build(dict(type='ShortTermTDM', num_segments=8))
    frames = torch.randn(3, 15, 8, 6)
    x, d = torch.randn(3, 4, 8, 6), torch.randn(3, 4, 4, 3)
    plain_diff, plain_fuse = m.differences(frames), m(x, d)
    m.switch_to_deploy()
    assert m.deploy
    diff = m.differences(frames)
    for k in range(4):  # pool of each difference, by loops
        dk = frames[:, 3 * (k + 1):3 * (k + 2)] - frames[:, 3 * k:3 * k + 3]
        for i in range(4):
            for j in range(3):
                assert torch.allclose(
                    diff[:, 3 * k:3 * k + 3, i, j],
                    dk[:, :, 2 * i:2 * i + 2, 2 * j:2 * j + 2].mean((2, 3)),
                    atol=1e-6)
    assert torch.allclose(diff, plain_diff, atol=1e-6)
    fused = m(x, d)
    assert torch.allclose(fused, 0.5 * x + 0.5 * naive_nearest(d, (8, 6)),
                          atol=1e-6)
    assert torch.allclose(fused, plain_fuse, atol=1e-6)


def test_ltdm_deploy_errors():
    m = MODELS.build(dict(type='LongTermTDM', channels=32, num_segments=2))
    m.switch_to_deploy()
    with torch.no_grad(), pytest.raises(ValueError,
                                        match='not divisible by num_'):
        m(torch.randn(3, 32, 4, 4))
    with pytest.raises(ValueError, match='expected input'):
        m(torch.randn(4, 16, 4, 4))
