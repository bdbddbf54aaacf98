# Copyright (c) OpenMMLab. All rights reserved.
"""Folding eval-mode BatchNorm into convolutions: against the unfolded
layers, the pairs the trace finds (and refuses), and whole demo models."""
import pytest
import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmtin  # noqa: F401
from mmaction.registry import MODELS
from mmtin.models.utils import fold_batch_norms, fold_bn_into_conv
from mmtin.models.utils.fold_bn import trace_conv_bn_pairs


def _random_stats(bn):
    g = torch.Generator().manual_seed(0)
    n = bn.num_features
    bn.running_mean.copy_(torch.randn(n, generator=g))
    bn.running_var.copy_(torch.rand(n, generator=g) + 0.5)
    if bn.affine:
        with torch.no_grad():
            bn.weight.copy_(torch.randn(n, generator=g))
            bn.bias.copy_(torch.randn(n, generator=g))
    return bn.eval()


@pytest.mark.parametrize('conv, bn, shape', [
    (nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), (2, 3, 5, 5)),
    (nn.Conv3d(3, 4, (3, 1, 1), bias=False, groups=1),
     nn.BatchNorm3d(4, affine=False), (2, 3, 4, 5, 5)),
    (nn.Conv2d(4, 4, 3, groups=2, bias=False), nn.BatchNorm2d(4),
     (1, 4, 6, 6)),
])
def test_fold_equals_bn_after_conv(conv, bn, shape):
    _random_stats(bn)
    x = torch.randn(shape)
    with torch.no_grad():
        expected = bn(conv(x))
        # the BN formula by hand, per channel
        y = conv(x)
        view = (1, -1) + (1, ) * (y.dim() - 2)
        by_hand = (y - bn.running_mean.view(view)) / torch.sqrt(
            bn.running_var.view(view) + bn.eps)
        if bn.affine:
            by_hand = by_hand * bn.weight.view(view) + bn.bias.view(view)
        fold_bn_into_conv(conv, bn)
        got = conv(x)
    assert torch.allclose(expected, by_hand, atol=1e-5)
    assert torch.allclose(got, by_hand, atol=1e-5)


class _Net(nn.Module):
    """conv_a -> bn_a (foldable); conv_b -> relu -> bn_b (not: a ReLU
    between); x[1:] - x[:-1] -> bn_c (not: no conv); conv_d -> bn_d1 and
    bn_d2 (not: one conv, two BNs)."""

    def __init__(self):
        super().__init__()
        self.conv_a, self.bn_a = nn.Conv2d(3, 4, 1), nn.BatchNorm2d(4)
        self.conv_b, self.bn_b = nn.Conv2d(4, 4, 1), nn.BatchNorm2d(4)
        self.bn_c = nn.BatchNorm2d(4)
        self.conv_d = nn.Conv2d(4, 4, 1)
        self.bn_d1, self.bn_d2 = nn.BatchNorm2d(4), nn.BatchNorm2d(4)

    def forward(self, x):
        x = self.bn_a(self.conv_a(x))
        x = self.bn_b(torch.relu(self.conv_b(x)))
        x = self.bn_c(x[1:] - x[:-1])
        y = self.conv_d(x)
        return self.bn_d1(y) + self.bn_d2(y)


def test_trace_finds_only_bns_fed_by_one_conv():
    net = _Net().eval()
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            _random_stats(m)
    x = torch.randn(3, 3, 4, 4)
    assert trace_conv_bn_pairs(net, lambda m: m(x)) == {'bn_a': 'conv_a'}
    folded, n = fold_batch_norms(net, lambda m: m(x))
    assert n == 1 and isinstance(folded.bn_a, nn.Identity)
    assert isinstance(net.bn_a, nn.BatchNorm2d)  # the original is kept
    assert torch.allclose(folded(x), net(x), atol=1e-5)


class _Reused(nn.Module):
    """The conv's output is used before its BN too: folding would change
    the sum, so it is refused."""

    def __init__(self):
        super().__init__()
        self.conv, self.bn = nn.Conv2d(3, 3, 1), nn.BatchNorm2d(3)

    def forward(self, x):
        y = self.conv(x)
        return self.bn(y) + y


def test_fold_refuses_a_conv_output_used_elsewhere():
    net = _Reused().eval()
    _random_stats(net.bn)
    x = torch.randn(2, 3, 4, 4)
    with pytest.raises(ValueError, match="output is also used elsewhere"):
        fold_batch_norms(net, lambda m: m(x))


@pytest.mark.parametrize('config', ['tsn_r18_demo', 'tdn_r18_demo'])
def test_fold_demo_recognizers(config):
    """Every BN of the TSN ResNet-18 follows a conv; TDN's folds too, and
    both predict the same scores after folding."""
    init_default_scope('mmaction')
    cfg = Config.fromfile(f'configs/demo/{config}.py')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model).eval()
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            _random_stats(m)
    frames = 8 if config.startswith('tsn') else 40
    inputs = torch.randn(1, frames, 3, 32, 32)

    def run(m):
        return m(inputs, mode='tensor')

    folded, n = fold_batch_norms(model, run)
    bns = [m for m in model.modules()
           if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    left = [m for m in folded.modules()
            if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    assert n > 0 and len(left) == len(bns) - n
    if config.startswith('tsn'):
        assert not left
    assert torch.allclose(run(folded), run(model), rtol=1e-3, atol=1e-4)


class _Noisy(nn.Module):
    """A model that samples (like a stochastic patch policy)."""

    def __init__(self):
        super().__init__()
        self.conv, self.bn = nn.Conv2d(3, 3, 1), nn.BatchNorm2d(3)

    def forward(self, x):
        return self.bn(self.conv(x + torch.randn_like(x)))


def test_fold_checks_a_sampling_model_with_the_same_draws():
    net = _Noisy().eval()
    _random_stats(net.bn)
    x = torch.randn(2, 3, 4, 4)
    state = torch.random.get_rng_state()
    folded, n = fold_batch_norms(net, lambda m: m(x))
    assert n == 1
    # the caller's random stream is left as it was
    assert torch.equal(torch.random.get_rng_state(), state)
