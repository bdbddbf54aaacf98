# Copyright (c) OpenMMLab. All rights reserved.
"""``TemporalInterlace`` against a naive re-implementation of MMAction2's
``TemporalInterlace.forward`` (spec tin.md section 2), using the module's own
parameters and a loop-based shift written from mmcv's forward formula."""
import io

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mmaction.registry import MODELS
from mmtin.models.layers import (InterlacedConv, OffsetNet, TemporalInterlace,
                                 WeightNet)
from naive_references import naive_linear_sampler


# ---------------------------------------------------------------------------
# naive reference
# ---------------------------------------------------------------------------
def naive_temporal_interlace(module, x, buffer_dtype=torch.float32):
    """MMAction2's ``TemporalInterlace.forward``, step by step. Its output
    buffer is ``torch.zeros((n, c, h, w), device=x.device)``, i.e. fp32
    (``buffer_dtype`` allows fp64 for gradient checks)."""
    n, c, h, w = x.shape
    num_segments = module.num_segments
    num_batches = n // num_segments
    num_folds = c // module.shift_div
    x_out = torch.zeros((n, c, h, w), device=x.device, dtype=buffer_dtype)
    x_descriptor = x[:, :num_folds].reshape(num_batches, num_segments,
                                            num_folds, h, w)
    x_pooled = x_descriptor.mean(3).mean(3).permute(0, 2, 1)  # [B, F, T]
    # OffsetNet: conv -> fc1 -> relu -> fc2 -> 4 * (sigmoid - 0.5)
    on = module.offset_net
    off = F.conv1d(x_pooled, on.conv.weight, on.conv.bias, padding=1)
    off = off.view(num_batches, num_segments)
    off = F.relu(F.linear(off, on.fc1.weight, on.fc1.bias))
    off = F.linear(off, on.fc2.weight, on.fc2.bias).view(num_batches, 1, 2)
    off = 4 * (torch.sigmoid(off) - 0.5)
    x_offset = off.view(num_batches, 2)
    x_offset = torch.cat([x_offset, -x_offset], 1)  # [o0, o1, -o0, -o1]
    # WeightNet: conv -> 2 * sigmoid, [B, T, 2]
    wn = module.weight_net
    x_weight = F.conv1d(x_pooled, wn.conv.weight, wn.conv.bias, padding=1)
    x_weight = x_weight.view(num_batches, 2, num_segments).permute(0, 2, 1)
    x_weight = 2 * torch.sigmoid(x_weight)
    x_weight = x_weight[:, :, :, None].repeat(1, 1, 2, num_folds // 2 // 2)
    x_weight = x_weight.view(num_batches, num_segments, -1)
    x_weight = x_weight[:, :, :, None, None]
    x_shift = naive_linear_sampler(x_descriptor, x_offset) * x_weight
    x_out[:, :num_folds] = x_shift.contiguous().view(n, -1, h, w)
    x_out[:, num_folds:] = x[:, num_folds:]
    return x_out, x_offset, x_weight


def make_module(in_channels=32, num_segments=4, shift_div=4, seed=0):
    torch.manual_seed(seed)
    module = TemporalInterlace(in_channels, num_segments, shift_div)
    # non-trivial parameters: random biases so every path matters
    with torch.no_grad():
        module.offset_net.fc2.weight.normal_(0, 1)
        module.weight_net.conv.bias.normal_(0, 0.5)
    return module


# ---------------------------------------------------------------------------
# numerics
# ---------------------------------------------------------------------------
@pytest.mark.parametrize('in_channels,num_segments,shift_div,batch',
                         [(32, 4, 4, 2), (16, 8, 4, 1), (64, 3, 8, 2),
                          (8, 5, 2, 1)])
def test_matches_mmaction2_forward(in_channels, num_segments, shift_div,
                                   batch):
    module = make_module(in_channels, num_segments, shift_div)
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(batch * num_segments, in_channels, 5, 6, generator=gen)
    expect, _, _ = naive_temporal_interlace(module, x)
    out = module(x)
    assert out.shape == x.shape and out.dtype == x.dtype
    # identical math; only the shift's multiply-add may be fused (1 ulp)
    torch.testing.assert_close(out, expect, rtol=1e-6, atol=1e-6)
    folds = in_channels // shift_div
    assert torch.equal(out[:, folds:], x[:, folds:])


def test_matches_mmaction2_gradients():
    module = make_module(32, 4, 4).double()
    gen = torch.Generator().manual_seed(2)
    x = torch.randn(8, 32, 4, 4, generator=gen, dtype=torch.float64)
    g = torch.randn(x.shape, generator=gen, dtype=torch.float64)
    params = list(module.parameters())

    def grads(fn):
        xr = x.clone().requires_grad_()
        return torch.autograd.grad((fn(xr) * g).sum(), [xr] + params)

    ours = grads(module)
    ref = grads(lambda xr: naive_temporal_interlace(
        module, xr, buffer_dtype=torch.float64)[0])
    for a, b in zip(ours, ref):
        torch.testing.assert_close(a, b, rtol=1e-9, atol=1e-9)


def test_gradcheck():
    module = make_module(16, 3, 4).double()
    gen = torch.Generator().manual_seed(3)
    x = torch.randn(3, 16, 2, 2, generator=gen,
                    dtype=torch.float64).requires_grad_()
    # fast_mode (random projections of the Jacobian): the op's own tests do
    # the full float64 gradcheck, this one covers the module's wiring
    assert torch.autograd.gradcheck(module, (x, ), eps=1e-6, atol=1e-6,
                                    fast_mode=True)


def test_weight_group_order_and_mirrored_offsets():
    """Groups 0..3 of the folds use offsets (o0, o1, -o0, -o1) and weights
    (w0, w1, w0, w1), applied per output frame after the shift."""
    module = make_module(16, 4, 4)
    gen = torch.Generator().manual_seed(4)
    x = torch.randn(8, 16, 3, 3, generator=gen)
    _, x_offset, x_weight = naive_temporal_interlace(module, x)
    assert torch.equal(x_offset[:, 2:], -x_offset[:, :2])
    w = x_weight[..., 0, 0]  # [B, T, F]
    folds = 4
    per = folds // 4
    assert torch.equal(w[..., 0:per], w[..., 2 * per:3 * per])
    assert torch.equal(w[..., per:2 * per], w[..., 3 * per:4 * per])
    # direct per-group check of the module output
    out = module(x)
    desc = x[:, :folds].reshape(2, 4, folds, 3, 3)
    for k in range(4):
        chans = slice(k * per, (k + 1) * per)
        shifted = naive_linear_sampler(desc[:, :, chans].contiguous(),
                                       x_offset[:, k:k + 1])
        weight = module.weight_net(
            desc.mean(3).mean(3).permute(0, 2, 1))[:, :, k % 2]
        expect = shifted * weight[:, :, None, None, None]
        torch.testing.assert_close(
            out[:, chans].reshape(2, 4, per, 3, 3), expect, rtol=1e-6,
            atol=1e-6)


# ---------------------------------------------------------------------------
# initialisation
# ---------------------------------------------------------------------------
def test_offset_net_init_and_range():
    torch.manual_seed(0)
    net = OffsetNet(16, groups=2, num_segments=8)
    assert torch.equal(net.fc2.bias, torch.full((2, ), 0.5108))
    pooled = torch.randn(5, 16, 8)
    h = F.relu(net.fc1(net.conv(pooled).view(5, 8)))
    expect = 4 * (torch.sigmoid(0.5108 + h @ net.fc2.weight.t()) - 0.5)
    torch.testing.assert_close(net(pooled), expect)
    # with fc2's weights at zero the offset is exactly the published +0.5
    with torch.no_grad():
        net.fc2.weight.zero_()
    torch.testing.assert_close(net(pooled),
                               torch.full((5, 2), 0.5), atol=1e-4, rtol=0)
    # range (-2, 2), whatever the input
    with torch.no_grad():
        net.fc2.weight.normal_(0, 3)
    off = net(torch.randn(200, 16, 8) * 10)
    assert off.abs().max() <= 2 and off.abs().max() > 1.5
    assert (off > 0).any() and (off < 0).any()


def test_weight_net_init_and_range():
    torch.manual_seed(0)
    net = WeightNet(16, groups=2)
    assert torch.equal(net.conv.bias, torch.zeros(2))
    pooled = torch.randn(5, 16, 8)
    w = net(pooled)
    assert w.shape == (5, 8, 2)
    assert ((w > 0) & (w < 2)).all()
    # bias 0: exactly 1 for a zero descriptor, about 1 for small inputs
    assert torch.equal(net(torch.zeros(2, 16, 8)), torch.ones(2, 8, 2))
    assert (net(pooled * 1e-3) - 1).abs().max() < 1e-2


def test_module_init_offsets_near_half():
    torch.manual_seed(0)
    module = TemporalInterlace(64, 8, 4)
    module.offset_net.fc2.weight.data.zero_()
    x = torch.randn(16, 64, 4, 4)
    _, x_offset, x_weight = naive_temporal_interlace(module, x)
    torch.testing.assert_close(x_offset[:, :2], torch.full((2, 2), 0.5),
                               atol=1e-4, rtol=0)
    assert (x_weight - 1).abs().max() < 0.5


# ---------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------
def test_shift_div_must_divide_channels():
    with pytest.raises(ValueError, match=r'shift_div=3.*in_channels=32'):
        TemporalInterlace(32, 8, shift_div=3)
    with pytest.raises(ValueError, match='shift_div=0'):
        TemporalInterlace(32, 8, shift_div=0)


def test_folds_must_split_into_four_groups():
    with pytest.raises(ValueError,
                       match=r'in_channels // shift_div = 6.*divisible by 4'):
        TemporalInterlace(24, 8, shift_div=4)


def test_batch_must_be_multiple_of_segments():
    module = TemporalInterlace(16, 8, 4)
    with pytest.raises(ValueError, match=r'batch dimension 12.*'
                       r'num_segments=8'):
        module(torch.randn(12, 16, 2, 2))
    with pytest.raises(ValueError, match='expected 16 channels'):
        module(torch.randn(8, 32, 2, 2))
    with pytest.raises(ValueError, match='num_segments'):
        TemporalInterlace(16, 0, 4)


# ---------------------------------------------------------------------------
# checkpoint layout and size
# ---------------------------------------------------------------------------
def test_state_dict_keys_and_shapes():
    c, t = 256, 8
    folds = c // 4
    module = TemporalInterlace(c, t, 4)
    shapes = {k: tuple(v.shape) for k, v in module.state_dict().items()}
    assert shapes == {
        'offset_net.conv.weight': (1, folds, 3),
        'offset_net.conv.bias': (1, ),
        'offset_net.fc1.weight': (t, t),
        'offset_net.fc1.bias': (t, ),
        'offset_net.fc2.weight': (2, t),
        'offset_net.fc2.bias': (2, ),
        'weight_net.conv.weight': (2, folds, 3),
        'weight_net.conv.bias': (2, ),
    }
    wrapped = InterlacedConv(module, torch.nn.Conv2d(c, 64, 1, bias=False))
    keys = set(wrapped.state_dict())
    assert 'net1.offset_net.conv.weight' in keys and 'net2.weight' in keys


def test_parameter_count():
    """9*C/4 + 93 per module at shift_div=4, T=8 (spec), 31,008 for the 16
    modules of a ResNet-50."""
    # offset conv 3F+1, fc1 T*T+T, fc2 2T+2, weight conv 6F+2
    # = 9F + T^2 + 3T + 5 = 9F + 93 at T=8
    for c in (64, 256, 512, 1024, 2048):
        module = TemporalInterlace(c, 8, 4)
        assert sum(p.numel() for p in module.parameters()) == 9 * c // 4 + 93
    r50_channels = [64, 256, 256] + [256, 512, 512, 512] + \
        [512] + [1024] * 5 + [1024, 2048, 2048]
    assert len(r50_channels) == 16
    total = sum(
        sum(p.numel() for p in TemporalInterlace(c, 8, 4).parameters())
        for c in r50_channels)
    assert total == 31008
    # general T and shift_div
    module = TemporalInterlace(64, 5, 8)
    assert sum(p.numel() for p in module.parameters()) == 9 * 8 + 25 + 15 + 5


def test_registered_and_buildable():
    module = MODELS.build(
        dict(type='TemporalInterlace', in_channels=16, num_segments=4))
    assert isinstance(module, TemporalInterlace) and module.shift_div == 4


# ---------------------------------------------------------------------------
# dtypes, compile, export
# ---------------------------------------------------------------------------
def test_half_precision_keeps_input_dtype():
    """MMAction2 returns fp32 whatever the input (its buffer is
    ``torch.zeros(..., device)``); mmtin keeps the input dtype."""
    module = make_module(32, 4, 4)
    gen = torch.Generator().manual_seed(5)
    x = torch.randn(8, 32, 4, 4, generator=gen)
    ref = module(x)
    out = module.to(torch.bfloat16)(x.bfloat16())
    assert out.dtype == torch.bfloat16
    torch.testing.assert_close(out.float(), ref, rtol=5e-2, atol=5e-2)
    naive, _, _ = naive_temporal_interlace(module, x.bfloat16())
    assert naive.dtype == torch.float32


def test_cpu_autocast_bfloat16():
    module = make_module(32, 4, 4)
    gen = torch.Generator().manual_seed(6)
    x = torch.randn(8, 32, 4, 4, generator=gen, requires_grad=True)
    ref = module(x)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = module(x)
    assert out.dtype == torch.float32
    torch.testing.assert_close(out, ref, rtol=5e-2, atol=5e-2)
    out.sum().backward()
    assert torch.isfinite(x.grad).all()
    assert module.offset_net.fc2.weight.grad is not None


@pytest.mark.parametrize('compile_backend', ['eager', 'aot_eager'])
def test_torch_compile_fullgraph(compile_backend):
    torch._dynamo.reset()
    module = make_module(32, 4, 4)
    gen = torch.Generator().manual_seed(7)
    x = torch.randn(8, 32, 4, 4, generator=gen, requires_grad=True)
    compiled = torch.compile(module, backend=compile_backend, fullgraph=True)
    out = compiled(x)
    (gx, ) = torch.autograd.grad(out.square().sum(), x)
    ref = module(x)
    (rx, ) = torch.autograd.grad(ref.square().sum(), x)
    torch.testing.assert_close(out, ref, rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(gx, rx, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize('dynamo', [False, True])
def test_onnx_export_matches_onnxruntime(dynamo):
    ort = pytest.importorskip('onnxruntime')
    pytest.importorskip('onnx')
    module = make_module(32, 4, 4).eval()
    gen = torch.Generator().manual_seed(8)
    x = torch.randn(8, 32, 5, 5, generator=gen)
    buf = io.BytesIO()
    torch.onnx.export(module, (x, ), buf, opset_version=17, dynamo=dynamo,
                      input_names=['x'])
    sess = ort.InferenceSession(buf.getvalue(),
                                providers=['CPUExecutionProvider'])
    for _ in range(2):
        with torch.no_grad():
            expect = module(x).numpy()
        (got, ) = sess.run(None, {'x': x.numpy()})
        np.testing.assert_allclose(got, expect, rtol=0, atol=1e-5)
        x = torch.randn(8, 32, 5, 5, generator=gen) * 3
