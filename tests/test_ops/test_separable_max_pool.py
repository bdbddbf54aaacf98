# Copyright (c) OpenMMLab. All rights reserved.
import itertools

import pytest
import torch
import torch.nn.functional as F

from mmtin.models.layers import SeparableMaxPool2d
from mmtin.ops import separable_max_pool2d


def naive_max_pool(x, k, s, p):
    """Max over every window by explicit loops, ignoring padded cells."""
    n, c, h, w = x.shape
    out_h, out_w = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
    out = torch.empty(n, c, out_h, out_w)
    for i in range(out_h):
        for j in range(out_w):
            rows = [r for r in range(i * s - p, i * s - p + k) if 0 <= r < h]
            cols = [q for q in range(j * s - p, j * s - p + k) if 0 <= q < w]
            win = x[:, :, rows][:, :, :, cols]
            out[:, :, i, j] = win.amax((2, 3))
    return out


def test_hand_case_3x3_stride2_pad1():
    x = torch.arange(16.).view(1, 1, 4, 4)
    x[0, 0, 0, 0] = 100.  # only in the top-left window
    out = separable_max_pool2d(x, 3, 2, 1)
    # windows (rows x cols): 0..1 x 0..1, 0..1 x 1..3, 1..3 x 0..1,
    # 1..3 x 1..3 of [[0..3], [4..7], [8..11], [12..15]]
    assert out.flatten().tolist() == [100., 7., 13., 15.]


@pytest.mark.parametrize('k,s,p', [(3, 2, 1), (2, 2, 0), (3, 1, 1),
                                   (5, 3, 2), (2, 1, 1), (1, 2, 0)])
def test_matches_loops(k, s, p):
    torch.manual_seed(k * 10 + s)
    x = torch.randn(2, 3, 7, 6)
    assert torch.equal(separable_max_pool2d(x, k, s, p),
                       naive_max_pool(x, k, s, p))


def test_bit_identical_to_torch_over_sizes():
    """Every legal (size, kernel, stride, padding) in a small grid, odd and
    even sizes, maps of 1 pixel and windows wider than the map."""
    torch.manual_seed(0)
    checked = 0
    for h, w, k, s in itertools.product([1, 2, 3, 5, 8, 57], [1, 4, 9],
                                        [1, 2, 3, 4], [1, 2, 3]):
        for p in range(k // 2 + 1):
            x = torch.randn(2, 2, h, w)
            try:
                expected = F.max_pool2d(x, k, s, p)
            except RuntimeError:  # output would be empty
                with pytest.raises(ValueError, match='smaller than'):
                    separable_max_pool2d(x, k, s, p)
                continue
            assert torch.equal(separable_max_pool2d(x, k, s, p),
                               expected), (h, w, k, s, p)
            checked += 1
    assert checked > 300
    # rectangular windows and 3-D input
    x = torch.randn(3, 9, 10)
    assert torch.equal(separable_max_pool2d(x, (3, 2), (1, 2), (1, 0)),
                       F.max_pool2d(x, (3, 2), (1, 2), (1, 0)))


def test_special_values_propagate_like_torch():
    x = torch.randn(1, 2, 6, 6)
    x[0, 0, 2, 3] = float('nan')
    x[0, 1, 0, 0] = float('inf')
    x[0, 1, 5, 5] = float('-inf')
    assert torch.equal(
        separable_max_pool2d(x, 3, 2, 1).isnan(),
        F.max_pool2d(x, 3, 2, 1).isnan())
    out, ref = separable_max_pool2d(x, 3, 2, 1), F.max_pool2d(x, 3, 2, 1)
    keep = ~ref.isnan()
    assert torch.equal(out[keep], ref[keep])


def test_module_uses_torch_when_recording_gradients():
    pool = SeparableMaxPool2d(kernel_size=3, stride=2, padding=1)
    torch_pool = torch.nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
    # ties: a constant image routes each window's gradient to one cell in
    # PyTorch's pool; the module must keep that routing
    x = torch.ones(1, 1, 6, 6, requires_grad=True)
    x_ref = torch.ones(1, 1, 6, 6, requires_grad=True)
    pool(x).sum().backward()
    torch_pool(x_ref).sum().backward()
    assert torch.equal(x.grad, x_ref.grad)
    with torch.no_grad():
        y = torch.randn(2, 4, 11, 12)
        assert torch.equal(pool(y), torch_pool(y))
    # options the separable path does not cover fall back to torch
    for kwargs in (dict(ceil_mode=True), dict(dilation=2)):
        m = SeparableMaxPool2d(3, 2, 1, **kwargs)
        ref = torch.nn.MaxPool2d(3, 2, 1, **kwargs)
        with torch.no_grad():
            assert torch.equal(m(y), ref(y))


def test_errors_name_the_bad_argument():
    with pytest.raises(ValueError, match=r'got shape \(4, 4\)'):
        separable_max_pool2d(torch.randn(4, 4), 3, 2, 1)
    with pytest.raises(ValueError, match='padding=2'):
        separable_max_pool2d(torch.randn(1, 1, 8, 8), 3, 2, 2)
    with pytest.raises(ValueError, match='stride=0'):
        separable_max_pool2d(torch.randn(1, 1, 8, 8), 3, 0, 1)
