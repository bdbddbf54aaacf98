# Copyright (c) OpenMMLab. All rights reserved.
"""The pure TDN tensor functions (mmtin/ops/temporal_difference.py) against
hand-computed cases, loops over the math and finite differences."""
import pytest
import torch
import torch.nn.functional as F

from mmtin.ops.temporal_difference import (bidirectional_differences,
                                           nearest_fuse, pointwise_conv,
                                           pooled_differences,
                                           temporal_depthwise_conv)


def test_bidirectional_differences_hand_case():
    # one clip of T=3, one channel, 1x1: B = [1, 2, 4], Bc = [10, 20, 40]
    b = torch.tensor([1., 2., 4.]).view(3, 1, 1, 1)
    bc = torch.tensor([10., 20., 40.]).view(3, 1, 1, 1)
    fwd, bwd = bidirectional_differences(b, bc, 3).chunk(2)
    assert fwd.flatten().tolist() == [20 - 1, 40 - 2, 0]
    assert bwd.flatten().tolist() == [0, 10 - 2, 20 - 4]
    # two clips of T=2: all forward differences first, clips never mix
    b = torch.tensor([1., 2., 3., 5.]).view(4, 1, 1, 1)
    bc = torch.tensor([10., 20., 30., 50.]).view(4, 1, 1, 1)
    out = bidirectional_differences(b, bc, 2)
    assert out.flatten().tolist() == [20 - 1, 0, 50 - 3, 0,
                                      0, 10 - 2, 0, 30 - 5]
    # with autograd: same values; with T=2 every frame of B enters one
    # difference (sign -1) and every frame of Bc one (sign +1)
    bg, bcg = b.clone().requires_grad_(), bc.clone().requires_grad_()
    out_g = bidirectional_differences(bg, bcg, 2)
    assert torch.equal(out_g, out)
    out_g.sum().backward()
    assert bg.grad.flatten().tolist() == [-1., -1., -1., -1.]
    assert bcg.grad.flatten().tolist() == [1., 1., 1., 1.]


def test_temporal_conv_gradcheck():
    x = torch.randn(6, 3, 2, 2, dtype=torch.double, requires_grad=True)
    w = torch.randn(3, 1, 3, dtype=torch.double, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda a, b: temporal_depthwise_conv(a, b, 3), (x, w))


def test_temporal_conv_errors():
    with pytest.raises(ValueError, match='not divisible by num_segments=4'):
        temporal_depthwise_conv(torch.randn(6, 3, 2, 2),
                                torch.randn(3, 1, 3), 4)
    with pytest.raises(ValueError, match=r'weight must be \(3, 1, 3\)'):
        temporal_depthwise_conv(torch.randn(4, 3, 2, 2),
                                torch.randn(3, 3), 4)


@pytest.mark.parametrize('k,size', [(5, (6, 4)), (2, (5, 7)), (3, (1, 3))])
def test_pooled_differences_match_loops(k, size):
    """Pool-then-difference in one pass, against both steps done by hand
    (odd sizes drop the last row/column, as AvgPool2d(2, 2))."""
    torch.manual_seed(k)
    frames = torch.randn(2, 3 * k, *size)
    h, w = size[0] // 2, size[1] // 2
    if h == 0:
        with pytest.raises(ValueError, match='at least 2x2'):
            pooled_differences(frames)
        return
    out = pooled_differences(frames)
    assert out.shape == (2, 3 * (k - 1), h, w)
    for j in range(k - 1):
        for ch in range(3):
            d = frames[:, 3 * (j + 1) + ch] - frames[:, 3 * j + ch]
            for i in range(h):
                for q in range(w):
                    expected = d[:, 2 * i:2 * i + 2, 2 * q:2 * q + 2].mean(
                        (1, 2))
                    assert torch.allclose(out[:, 3 * j + ch, i, q],
                                          expected, atol=1e-6)
    with pytest.raises(ValueError, match=r'got shape \(2, 4, 4, 4\)'):
        pooled_differences(torch.randn(2, 4, 4, 4))


@pytest.mark.parametrize('c_in,c_out,bias', [(16, 4, True), (3, 12, True),
                                             (5, 5, False)])
def test_pointwise_conv_matches_loops(c_in, c_out, bias):
    """The 1x1 conv as a matrix product: narrowing, widening (bias as an
    extra input channel) and bias-free, against a loop over channels."""
    torch.manual_seed(c_in)
    x = torch.randn(3, c_in, 4, 5)
    weight = torch.randn(c_out, c_in, 1, 1)
    b = torch.randn(c_out) if bias else None
    expected = torch.zeros(3, c_out, 4, 5)
    for o in range(c_out):
        for i in range(c_in):
            expected[:, o] += weight[o, i, 0, 0] * x[:, i]
        if bias:
            expected[:, o] += b[o]
    assert torch.allclose(pointwise_conv(x, weight, b), expected, atol=1e-5)
    # gradients flow to input, weight and bias
    xg, wg = x.requires_grad_(), weight.requires_grad_()
    pointwise_conv(xg, wg, b).sum().backward()
    assert xg.grad.abs().sum() > 0 and wg.grad.abs().sum() > 0
    with pytest.raises(ValueError, match=r'weight \(5, 3, 3, 3\)'):
        pointwise_conv(torch.randn(1, 3, 2, 2), torch.randn(5, 3, 3, 3))


@pytest.mark.parametrize('rgb,diff,weights', [((8, 6), (4, 3), (0.5, 0.5)),
                                              ((7, 5), (3, 3), (0.75, 0.25)),
                                              ((4, 4), (4, 4), (0.6, 0.3))])
def test_nearest_fuse_matches_index_loops(rgb, diff, weights):
    """``alpha * x + beta * nearest(diff)`` with nearest by its index rule
    (source pixel floor(i * in / out)); exact 2x uses pixel replication."""
    x, d = torch.randn(2, 3, *rgb), torch.randn(2, 3, *diff)
    alpha, beta = weights
    expected = torch.empty_like(x)
    for i in range(rgb[0]):
        for j in range(rgb[1]):
            src = d[..., i * diff[0] // rgb[0], j * diff[1] // rgb[1]]
            expected[..., i, j] = alpha * x[..., i, j] + beta * src
    assert torch.allclose(nearest_fuse(x, d, alpha, beta), expected,
                          atol=1e-6)
    assert torch.allclose(
        nearest_fuse(x, d, alpha, beta),
        alpha * x + beta * F.interpolate(d, size=rgb, mode='nearest'),
        atol=1e-6)
    with pytest.raises(ValueError, match='must agree'):
        nearest_fuse(x, torch.randn(2, 4, *diff), alpha, beta)
