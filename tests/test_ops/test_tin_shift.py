# Copyright (c) OpenMMLab. All rights reserved.
"""``mmtin.ops.tin_shift`` / ``linear_sampler`` against naive references.

The references below are written from the formulas of the spec, one frame
copy at a time, and share no code with the op:

* mmcv ``tin_shift`` forward: ``out[n,t,j,p] = in[n, t - s[n,g(j)], j, p]``
  when ``0 <= t - s < T``, else 0, ``g(j) = j // (C // G)``;
* MMAction2 ``linear_sampler``: ``o0 = floor(offset)``, ``w0 = 1 - (offset -
  o0)``, ``w1 = 1 - w0``, ``w0 * shift(o0) + w1 * shift(o0 + 1)``;
* the adjoint of the shift: ``grad_in[t] = grad_out[t + s]``;
* mmcv's CUDA backward: ``grad_in[t] = grad_out[t - s]`` (wrong direction).

Tolerances: the ``'gather'`` backend rounds exactly like MMAction2 (two
rounded products, one rounded add), so its forward is compared with
``torch.equal``. ``'embedding_bag'`` accumulates with a fused multiply-add
on CPU, so it may differ by one rounding: ``|ours - ref| <= eps * (|w0 d0|
+ |w1 d1|)`` (about 1 ulp); integer shifts (weight 1) and fp64 are exact.
"""
import importlib
import io

import numpy as np
import pytest
import torch
from torch.utils._python_dispatch import TorchDispatchMode

from mmtin.ops import interpolation_weights, linear_sampler, tin_shift
from naive_references import group_weight, naive_linear_sampler, naive_shift

op_module = importlib.import_module('mmtin.ops.tin_shift')

BACKENDS = ['embedding_bag', 'gather']
DEVICES = [
    'cpu',
    pytest.param(
        'cuda',
        marks=pytest.mark.skipif(
            not torch.cuda.is_available(), reason='needs CUDA')),
]


# ---------------------------------------------------------------------------
# naive references (spec formulas, loops)
# ---------------------------------------------------------------------------
def naive_adjoint(grad_out, shift):
    """True adjoint of :func:`naive_shift`: ``grad_in[t] = grad_out[t+s]``."""
    return naive_shift(grad_out, -shift)


def naive_mmcv_backward(grad_out, shift):
    """mmcv's CUDA backward kernel: the forward again, ``grad_out[t - s]``."""
    return naive_shift(grad_out, shift)


def naive_parts(x, offset):
    o0 = torch.floor(offset).int()
    w0 = 1 - (offset - o0.to(offset.dtype))
    w1 = 1 - w0
    return (o0, group_weight(w0, x), group_weight(w1, x),
            naive_shift(x, o0), naive_shift(x, o0 + 1))


def assert_one_rounding(ours, x, offset):
    """``|ours - ref| <= eps * (|w0 d0| + |w1 d1|)``."""
    _, w0, w1, d0, d1 = naive_parts(x, offset)
    ref = w0 * d0 + w1 * d1
    bound = torch.finfo(x.dtype).eps * ((w0 * d0).abs() + (w1 * d1).abs())
    err = (ours - ref).abs()
    assert (err <= bound).all(), f'max excess {(err - bound).max()}'


def random_offsets(n, groups, num_frames, generator, spread=1.5,
                   dtype=torch.float32, margin=None):
    """Offsets over ``(-spread*T, spread*T)``; with ``margin`` the fractional
    part stays in ``[margin, 1 - margin]`` (finite differences must not
    cross an integer)."""
    whole = torch.randint(-int(spread * num_frames) - 1,
                          int(spread * num_frames) + 1, (n, groups),
                          generator=generator).to(dtype)
    frac = torch.rand(n, groups, generator=generator, dtype=dtype)
    if margin is not None:
        frac = margin + (1 - 2 * margin) * frac
    return whole + frac


SHAPES = [
    # N, T, C, G, trailing
    (2, 8, 16, 4, (3, 3)),
    (3, 5, 6, 3, (2, )),
    (1, 8, 8, 2, ()),
    (2, 1, 4, 4, (2, 2)),
    (1, 3, 12, 1, (4, )),
]


def make_x(shape, generator, dtype=torch.float32, device='cpu'):
    n, t, c, _, trailing = shape
    return torch.randn(n, t, c, *trailing, generator=generator,
                       dtype=dtype).to(device)


# ---------------------------------------------------------------------------
# forward equality
# ---------------------------------------------------------------------------
@pytest.mark.parametrize('device', DEVICES)
@pytest.mark.parametrize('backend', BACKENDS)
@pytest.mark.parametrize('shape', SHAPES)
def test_tin_shift_matches_mmcv_forward(shape, backend, device):
    gen = torch.Generator().manual_seed(0)
    x = make_x(shape, gen)
    n, t, _, groups, _ = shape
    shift = torch.randint(-t - 2, t + 3, (n, groups), generator=gen,
                          dtype=torch.int32)
    ref = naive_shift(x, shift)
    out = tin_shift(x.to(device), shift.to(device), backend=backend)
    assert out.dtype == x.dtype and out.shape == x.shape
    # one tap of weight 1: exact
    assert torch.equal(out.cpu(), ref)


@pytest.mark.parametrize('device', DEVICES)
@pytest.mark.parametrize('dtype', [torch.float32, torch.float64])
@pytest.mark.parametrize('backend', BACKENDS)
@pytest.mark.parametrize('shape', SHAPES)
def test_linear_sampler_matches_mmaction2(shape, backend, dtype, device):
    gen = torch.Generator().manual_seed(1)
    x = make_x(shape, gen, dtype)
    n, t, _, groups, _ = shape
    offset = random_offsets(n, groups, t, gen, dtype=dtype)
    out = linear_sampler(x.to(device), offset.to(device),
                         backend=backend).cpu()
    assert out.dtype == dtype and out.shape == x.shape
    if backend == 'gather' and device == 'cpu':
        assert torch.equal(out, naive_linear_sampler(x, offset))
    else:
        assert_one_rounding(out, x, offset)


def test_backends_agree_on_r50_shapes():
    """A TIN-sized input, both backends and the reference."""
    gen = torch.Generator().manual_seed(2)
    x = torch.randn(2, 8, 32, 7, 7, generator=gen)
    half = 4 * (torch.rand(2, 2, generator=gen) - 0.5)
    offset = torch.cat([half, -half], 1)
    ref = naive_linear_sampler(x, offset)
    assert torch.equal(linear_sampler(x, offset, backend='gather'), ref)
    assert_one_rounding(linear_sampler(x, offset, backend='embedding_bag'),
                        x, offset)
    # 'auto' in eager mode is embedding_bag
    assert torch.equal(linear_sampler(x, offset),
                       linear_sampler(x, offset, backend='embedding_bag'))


def test_interpolation_weights_formula():
    gen = torch.Generator().manual_seed(3)
    offset = torch.cat([
        (torch.rand(10000, generator=gen) - 0.5) * 40,
        torch.tensor([-3., -2.5, -1e-7, -0., 0., 1e-7, 0.5, 0.999999, 2.]),
    ])
    o0, w0, w1 = interpolation_weights(offset)
    assert torch.equal(o0, torch.floor(offset))
    assert torch.equal(w0, 1 - (offset - torch.floor(offset)))
    assert torch.equal(w1, 1 - w0)


def test_embedding_bag_weights_are_interpolation_weights():
    """The fused weight computation of the embedding_bag path is
    ``interpolation_weights`` bit for bit: with a single frame-row per group
    and T=1 only tap 0 (frame 0, offset in [0, 1)) is inside, so the output
    is exactly ``w0 * x``; shifting the other way isolates ``w1``."""
    gen = torch.Generator().manual_seed(4)
    frac = torch.rand(1, 4096, generator=gen)
    frac[0, :4] = torch.tensor([0., 1e-8, 0.5, 1 - 2**-24])
    x = torch.ones(1, 1, 4096)
    for whole, tap in ((0., 0), (-1., 1)):
        offset = whole + frac
        _, w0, w1 = interpolation_weights(offset)
        out = linear_sampler(x, offset, backend='embedding_bag')
        assert torch.equal(out[0, 0], (w0 if tap == 0 else w1)[0])


# ---------------------------------------------------------------------------
# gradients
# ---------------------------------------------------------------------------
GRAD_SHAPES = [
    # small: gradcheck builds the full Jacobian
    (2, 4, 4, 2, (2, )),
    (1, 5, 6, 3, ()),
    (2, 1, 2, 2, (2, )),
    (1, 3, 3, 1, (2, )),
]


@pytest.mark.parametrize('backend', BACKENDS)
@pytest.mark.parametrize('shape', GRAD_SHAPES)
def test_gradcheck_data_and_offset(shape, backend):
    gen = torch.Generator().manual_seed(5)
    x = make_x(shape, gen, torch.float64).requires_grad_()
    n, t, _, groups, _ = shape
    offset = random_offsets(n, groups, t, gen, spread=1.0,
                            dtype=torch.float64, margin=0.1)
    offset.requires_grad_()
    assert torch.autograd.gradcheck(
        lambda a, b: linear_sampler(a, b, backend=backend), (x, offset),
        eps=1e-6, atol=1e-7, rtol=1e-5)
    s = offset.detach().floor().long()
    assert torch.autograd.gradcheck(
        lambda a: tin_shift(a, s, backend=backend), (x, ), eps=1e-6,
        atol=1e-7)


def test_gradgradcheck_gather():
    """Double backward (e.g. gradient penalties) works with 'gather'.
    PyTorch has no double backward for embedding_bag."""
    backend = 'gather'
    gen = torch.Generator().manual_seed(6)
    x = torch.randn(2, 5, 4, 3, generator=gen,
                    dtype=torch.float64).requires_grad_()
    offset = random_offsets(2, 2, 5, gen, spread=1.0, dtype=torch.float64,
                            margin=0.1).requires_grad_()
    assert torch.autograd.gradgradcheck(
        lambda a, b: linear_sampler(a, b, backend=backend), (x, offset),
        eps=1e-6, atol=1e-6)


@pytest.mark.parametrize('device', DEVICES)
@pytest.mark.parametrize('backend', BACKENDS)
def test_shift_gradient_is_the_adjoint(backend, device):
    """``<shift(x), y> == <x, shift^T(y)>``; autograd gives ``shift^T``."""
    gen = torch.Generator().manual_seed(7)
    n, t, c, groups = 3, 6, 8, 4
    x = torch.randn(n, t, c, 5, generator=gen, dtype=torch.float64)
    y = torch.randn(n, t, c, 5, generator=gen, dtype=torch.float64)
    shift = torch.randint(-t - 1, t + 2, (n, groups), generator=gen)
    # the naive pair is an adjoint pair
    lhs = (naive_shift(x, shift) * y).sum()
    rhs = (x * naive_adjoint(y, shift)).sum()
    torch.testing.assert_close(lhs, rhs, rtol=1e-12, atol=1e-12)
    xd = x.to(device).requires_grad_()
    out = tin_shift(xd, shift.to(device), backend=backend)
    torch.testing.assert_close((out.detach().cpu() * y).sum(), rhs,
                               rtol=1e-12, atol=1e-12)
    (grad, ) = torch.autograd.grad(out, xd, y.to(device))
    assert torch.equal(grad.cpu(), naive_adjoint(y, shift))


@pytest.mark.parametrize('backend', BACKENDS)
def test_linear_sampler_gradients_match_reference(backend):
    """Data: ``w0 * shift^T(g, o0) + w1 * shift^T(g, o0 + 1)``; offset:
    ``sum over the group of g * (d1 - d0)``."""
    gen = torch.Generator().manual_seed(8)
    n, t, c, groups = 2, 8, 12, 4
    x = torch.randn(n, t, c, 3, generator=gen, dtype=torch.float64)
    g = torch.randn(n, t, c, 3, generator=gen, dtype=torch.float64)
    offset = random_offsets(n, groups, t, gen, dtype=torch.float64)
    xr, offr = x.clone().requires_grad_(), offset.clone().requires_grad_()
    gx, goff = torch.autograd.grad(
        linear_sampler(xr, offr, backend=backend), (xr, offr), g)
    o0, w0, w1, d0, d1 = naive_parts(x, offset)
    ref_gx = w0 * naive_adjoint(g, o0) + w1 * naive_adjoint(g, o0 + 1)
    ref_goff = (g * (d1 - d0)).view(n, t, groups, -1).sum((1, 3))
    torch.testing.assert_close(gx, ref_gx, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(goff, ref_goff, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize('backend', BACKENDS)
def test_mmcv_backward_is_the_wrong_direction(backend):
    """mmcv's CUDA backward computes ``grad_out[t - s]``; ours is the
    adjoint ``grad_out[t + s]``. Worked example (spec): T=4, s=+1,
    grad_out = 1 -> mmcv gives [0, 1, 1, 1], the adjoint [1, 1, 1, 0]."""
    x = torch.zeros(1, 4, 1, 1, requires_grad=True)
    s = torch.tensor([[1]], dtype=torch.int32)
    ones = torch.ones(1, 4, 1, 1)
    (grad, ) = torch.autograd.grad(tin_shift(x, s, backend=backend), x, ones)
    assert grad.flatten().tolist() == [1., 1., 1., 0.]
    assert naive_mmcv_backward(ones, s).flatten().tolist() == [0., 1., 1., 1.]
    assert naive_adjoint(ones, s).flatten().tolist() == [1., 1., 1., 0.]
    # docs/tin_shift.md: grad_out = [1, 2, 3, 4]
    ramp = torch.arange(1., 5.).view(1, 4, 1, 1)
    (grad, ) = torch.autograd.grad(tin_shift(x, s, backend=backend), x, ramp)
    assert grad.flatten().tolist() == [2., 3., 4., 0.]
    assert naive_mmcv_backward(ramp, s).flatten().tolist() == [0., 1., 2., 3.]

    # random case: ours == adjoint != mmcv, for tin_shift and linear_sampler
    gen = torch.Generator().manual_seed(9)
    x = torch.randn(2, 8, 8, 4, generator=gen, dtype=torch.float64)
    g = torch.randn(2, 8, 8, 4, generator=gen, dtype=torch.float64)
    s = torch.tensor([[1, -2], [3, 1]])
    xr = x.clone().requires_grad_()
    (grad, ) = torch.autograd.grad(tin_shift(xr, s, backend=backend), xr, g)
    assert torch.equal(grad, naive_adjoint(g, s))
    assert not torch.allclose(grad, naive_mmcv_backward(g, s))
    offset = s.double() + 0.25
    (grad, ) = torch.autograd.grad(
        linear_sampler(xr, offset, backend=backend), xr, g)
    o0, w0, w1, _, _ = naive_parts(x, offset)
    adj = w0 * naive_adjoint(g, o0) + w1 * naive_adjoint(g, o0 + 1)
    mmcv = (w0 * naive_mmcv_backward(g, o0) +
            w1 * naive_mmcv_backward(g, o0 + 1))
    torch.testing.assert_close(grad, adj, rtol=1e-12, atol=1e-12)
    assert not torch.allclose(grad, mmcv)


# ---------------------------------------------------------------------------
# edge cases
# ---------------------------------------------------------------------------
@pytest.mark.parametrize('backend', BACKENDS)
def test_offsets_beyond_the_clip(backend):
    t = 5
    x = torch.randn(1, t, 8, 3)
    # all taps outside: floor(offset) >= T or floor(offset) + 1 <= -T
    for value in (t + 0.5, t, 100.25, 1e7, -t - 0.5, -t - 1, -1e7,
                  float(2**40)):
        offset = torch.full((1, 4), value)
        out = linear_sampler(x, offset, backend=backend)
        assert torch.equal(out, torch.zeros_like(x)), value
        shift = torch.full((1, 4), int(value), dtype=torch.int64)
        if abs(value) >= t:
            assert torch.equal(tin_shift(x, shift, backend=backend),
                               torch.zeros_like(x)), value
    # partially inside: only the last / first frame gets something
    for value, frame in ((t - 0.5, t - 1), (-t + 0.5, 0)):
        offset = torch.full((1, 4), value)
        out = linear_sampler(x, offset, backend=backend)
        torch.testing.assert_close(out, naive_linear_sampler(x, offset),
                                   rtol=0, atol=1e-6)
        others = [i for i in range(t) if i != frame]
        assert torch.equal(out[:, others], torch.zeros_like(out[:, others]))
        assert out[:, frame].abs().sum() > 0
    # int32 extremes
    shift = torch.tensor([[2**31 - 1, -2**31, 2, -2]], dtype=torch.int32)
    torch.testing.assert_close(tin_shift(x, shift, backend=backend),
                               naive_shift(x, shift.long()), rtol=0, atol=0)


@pytest.mark.parametrize('backend', BACKENDS)
def test_single_frame(backend):
    x = torch.randn(2, 1, 4, 3)
    offset = torch.tensor([[0.25, -0.25], [0., 1.5]])
    out = linear_sampler(x, offset, backend=backend)
    # T=1: frame 0 is the only one; position 0 - offset = -0.25 and 0.25
    # both give it weight 0.75 (the other neighbour is outside the clip)
    expect = torch.stack([
        torch.cat([0.75 * x[0, :, :2], 0.75 * x[0, :, 2:]], 1),
        torch.cat([x[1, :, :2], torch.zeros_like(x[1, :, 2:])], 1),
    ])
    torch.testing.assert_close(out, expect, rtol=0, atol=1e-7)
    assert torch.equal(
        tin_shift(x, torch.tensor([[0, 1], [-1, 0]]), backend=backend),
        torch.stack([
            torch.cat([x[0, :, :2], torch.zeros_like(x[0, :, 2:])], 1),
            torch.cat([torch.zeros_like(x[1, :, :2]), x[1, :, 2:]], 1),
        ]))


@pytest.mark.parametrize('backend', BACKENDS)
def test_integer_offsets_are_plain_shifts(backend):
    """``w1 = 0`` exactly, so linear_sampler == tin_shift, including
    negative offsets."""
    gen = torch.Generator().manual_seed(10)
    x = torch.randn(3, 8, 8, 2, 2, generator=gen)
    shift = torch.randint(-9, 10, (3, 4), generator=gen)
    shift[0] = torch.tensor([-3, -1, 0, 2])
    offset = shift.float()
    _, w0, w1 = interpolation_weights(offset)
    assert torch.equal(w0, torch.ones_like(w0))
    assert torch.equal(w1, torch.zeros_like(w1))
    expect = naive_shift(x, shift)
    assert torch.equal(linear_sampler(x, offset, backend=backend), expect)
    assert torch.equal(tin_shift(x, shift, backend=backend), expect)
    # float shifts work too (integer-valued)
    assert torch.equal(tin_shift(x, offset, backend=backend), expect)


@pytest.mark.parametrize('backend', BACKENDS)
def test_negative_offsets(backend):
    x = torch.arange(6.).view(1, 6, 1, 1).repeat(1, 1, 2, 1)
    offset = torch.tensor([[-1.25, 2.5]])
    out = linear_sampler(x, offset, backend=backend)
    # group 0 samples frame t + 1.25, group 1 frame t - 2.5 (linear in t)
    # (zero outside the clip: frame 5.25 -> 0.75 * frame 5 at t=4)
    expect0 = [1.25, 2.25, 3.25, 4.25, 0.75 * 5, 0.]
    expect1 = [0., 0., 0., 0.5, 1.5, 2.5]
    torch.testing.assert_close(out[0, :, 0, 0], torch.tensor(expect0))
    torch.testing.assert_close(out[0, :, 1, 0], torch.tensor(expect1))


@pytest.mark.parametrize('fn', [linear_sampler, tin_shift])
def test_input_errors(fn):
    x = torch.randn(2, 4, 6, 3)
    with pytest.raises(ValueError, match=r'C=6.*G=4'):
        fn(x, torch.zeros(2, 4))
    with pytest.raises(ValueError, match=r'C=6.*G=0'):
        fn(x, torch.zeros(2, 0))
    with pytest.raises(ValueError, match=r'N=2.*3 rows'):
        fn(x, torch.zeros(3, 2))
    with pytest.raises(ValueError, match=r'\[N, G\]'):
        fn(x, torch.zeros(2))
    with pytest.raises(ValueError, match=r'\[N, T, C'):
        fn(torch.randn(2, 4), torch.zeros(2, 2))
    with pytest.raises(ValueError, match='backend'):
        fn(x, torch.zeros(2, 2), backend='cuda_kernel')


# ---------------------------------------------------------------------------
# dtypes and autocast
# ---------------------------------------------------------------------------
@pytest.mark.parametrize('device', DEVICES)
@pytest.mark.parametrize('backend', BACKENDS)
@pytest.mark.parametrize('dtype,tol', [(torch.float16, 2e-3),
                                       (torch.bfloat16, 1.6e-2)])
def test_half_inputs(dtype, tol, backend, device):
    gen = torch.Generator().manual_seed(11)
    x = torch.randn(2, 8, 8, 3, 3, generator=gen)
    offset = random_offsets(2, 4, 8, gen, spread=0.5)
    ref = linear_sampler(x, offset, backend=backend)
    xh = x.to(dtype).to(device).requires_grad_()
    out = linear_sampler(xh, offset.to(device), backend=backend)
    assert out.dtype == dtype
    torch.testing.assert_close(out.float().cpu(), ref, rtol=tol, atol=tol)
    out.float().sum().backward()
    assert xh.grad.dtype == dtype and torch.isfinite(xh.grad.float()).all()
    # half offsets are promoted for the weights: same result as fp32 ones
    out2 = linear_sampler(xh, offset.to(dtype).to(device), backend=backend)
    torch.testing.assert_close(
        out2.float().cpu(),
        linear_sampler(xh.detach(), offset.to(dtype).float().to(device),
                       backend=backend).float().cpu())
    shift = offset.floor().long().to(device)
    assert torch.equal(
        tin_shift(xh, shift, backend=backend).float().cpu(),
        naive_shift(x.to(dtype).float(), shift.cpu()))


@pytest.mark.parametrize('backend', BACKENDS)
def test_cpu_autocast_bfloat16(backend):
    """Under autocast the op keeps its input dtype (it is data movement);
    offsets coming out of an autocast layer are bf16 and get promoted."""
    gen = torch.Generator().manual_seed(12)
    x = torch.randn(2, 8, 8, 3, 3, generator=gen, requires_grad=True)
    lin = torch.nn.Linear(8, 4)
    feat = torch.randn(2, 8, generator=gen)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        offset = 4 * (torch.sigmoid(lin(feat)) - 0.5)
        assert offset.dtype == torch.bfloat16
        out = linear_sampler(x, offset, backend=backend)
        out_bf = linear_sampler(x.bfloat16(), offset, backend=backend)
    assert out.dtype == torch.float32 and out_bf.dtype == torch.bfloat16
    ref = linear_sampler(x, offset.float(), backend=backend)
    torch.testing.assert_close(out, ref, rtol=0, atol=0)
    torch.testing.assert_close(out_bf.float(), ref, rtol=1.6e-2, atol=1.6e-2)
    (out.sum() + out_bf.float().sum()).backward()
    assert torch.isfinite(x.grad).all()
    assert lin.weight.grad is not None


# ---------------------------------------------------------------------------
# torch.compile, ONNX, no host sync
# ---------------------------------------------------------------------------
@pytest.mark.parametrize('compile_backend', ['eager', 'aot_eager'])
@pytest.mark.parametrize('backend', ['auto', 'embedding_bag', 'gather'])
def test_torch_compile_fullgraph(backend, compile_backend):
    """fullgraph=True fails on any graph break, so this also proves that
    neither backend converts a tensor to a Python value. (inductor works as
    well, but its cold C++ compile takes ~1.5 min on a 2-core CPU, too slow
    for this suite.)"""
    torch._dynamo.reset()
    op_module._TABLES.clear()
    gen = torch.Generator().manual_seed(13)
    x = torch.randn(2, 8, 8, 3, generator=gen, requires_grad=True)
    offset = random_offsets(2, 4, 8, gen).requires_grad_()
    shift = offset.detach().floor().int()
    g = torch.randn(x.shape, generator=gen)

    def fn(a, b, s):
        return (linear_sampler(a, b, backend=backend),
                tin_shift(a, s, backend=backend))

    def loss_and_grads(outs):
        loss = (outs[0] * g).sum() + outs[1].sum()
        return torch.autograd.grad(loss, (x, offset))

    compiled = torch.compile(fn, backend=compile_backend, fullgraph=True)
    outs = compiled(x, offset, shift)
    grads = loss_and_grads(outs)
    # nothing is cached while compiling (tables would become graph inputs)
    assert not op_module._TABLES
    # 'auto' picks 'gather' under torch.compile
    ref_backend = 'gather' if backend == 'auto' else backend
    refs = (linear_sampler(x, offset, backend=ref_backend),
            tin_shift(x, shift, backend=ref_backend))
    ref_grads = loss_and_grads(refs)
    assert torch.equal(outs[0], refs[0]) and torch.equal(outs[1], refs[1])
    for a, b in zip(grads, ref_grads):
        torch.testing.assert_close(a, b, rtol=1e-6, atol=1e-6)


def test_auto_uses_gather_when_compiling():
    torch._dynamo.reset()
    seen = []
    real = op_module._mix_gather

    def spy(*args):
        seen.append(True)
        return real(*args)

    op_module._mix_gather = spy
    try:
        x, offset = torch.randn(1, 4, 4, 2), torch.rand(1, 2)
        torch.compile(linear_sampler, backend='eager',
                      fullgraph=True)(x, offset)
        assert seen
        seen.clear()
        linear_sampler(x, offset)
        assert not seen
    finally:
        op_module._mix_gather = real


class _Sampler(torch.nn.Module):

    def forward(self, x, offset, shift):
        return linear_sampler(x, offset), tin_shift(x, shift)


def _onnx_roundtrip(module, inputs, names, dynamo):
    ort = pytest.importorskip('onnxruntime')
    onnx = pytest.importorskip('onnx')
    buf = io.BytesIO()
    torch.onnx.export(module.eval(), inputs, buf, opset_version=17,
                      dynamo=dynamo, input_names=names)
    model = onnx.load_from_string(buf.getvalue())
    assert {op.version for op in model.opset_import if op.domain in
            ('', 'ai.onnx')} == {17}
    sess = ort.InferenceSession(buf.getvalue(),
                                providers=['CPUExecutionProvider'])
    return model, sess


@pytest.mark.parametrize('dynamo', [False, True])
def test_onnx_export_matches_onnxruntime(dynamo):
    gen = torch.Generator().manual_seed(14)
    x = torch.randn(2, 8, 8, 3, 3, generator=gen)
    offset = random_offsets(2, 4, 8, gen, spread=1.0)
    shift = offset.floor().long()
    model, sess = _onnx_roundtrip(_Sampler(), (x, offset, shift),
                                  ['x', 'offset', 'shift'], dynamo)
    ops = {node.op_type for node in model.graph.node}
    assert 'Gather' in ops and not any('Embedding' in op for op in ops)
    # the graph is not specialised to the example offsets
    for trial in range(3):
        if trial:
            x = torch.randn(2, 8, 8, 3, 3, generator=gen)
            offset = random_offsets(2, 4, 8, gen, spread=1.5)
            shift = torch.randint(-10, 10, (2, 4), generator=gen)
        got = sess.run(None, {
            'x': x.numpy(),
            'offset': offset.numpy(),
            'shift': shift.numpy()
        })
        np.testing.assert_allclose(got[0], naive_linear_sampler(x, offset),
                                   rtol=0, atol=1e-5)
        np.testing.assert_array_equal(got[1], naive_shift(x, shift))


class _OpLog(TorchDispatchMode):
    """Records every aten op (and its devices) that reaches the kernels."""

    def __init__(self):
        super().__init__()
        self.ops = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        devices = {
            a.device.type
            for a in torch.utils._pytree.tree_leaves((args, kwargs, out))
            if isinstance(a, torch.Tensor)
        }
        self.ops.append((str(func.overloadpacket), devices))
        return out


# ops that read tensor data on the host (``.item()``, ``.tolist()``,
# ``bool(t)``, ``int(t)`` all go through _local_scalar_dense) or whose
# output shape depends on data (and therefore synchronise on CUDA)
SYNCING_OPS = {
    'aten._local_scalar_dense', 'aten.nonzero', 'aten.masked_select',
    'aten.unique', 'aten._unique2', 'aten.item', 'aten.equal',
    'aten.is_nonzero'
}


@pytest.mark.parametrize('device', DEVICES)
@pytest.mark.parametrize('backend', ['auto', 'embedding_bag', 'gather'])
def test_no_host_sync(backend, device):
    """Every aten op of a forward+backward (eager, tables cached and not
    cached) is recorded: none reads a tensor value on the host, none has a
    data-dependent output shape, and nothing leaves the input device. This
    is what a sync would need on CUDA, so it is checked on any device; on
    CUDA the sync-debug mode double-checks it."""
    op_module._TABLES.clear()
    x = torch.randn(2, 8, 8, 3, device=device, requires_grad=True)
    offset = (torch.rand(2, 4, device=device) * 6 - 3).requires_grad_()
    shift = torch.randint(-9, 9, (2, 4), device=device)
    for _ in range(2):  # build the tables, then use the cached ones
        log = _OpLog()
        with log:
            out = linear_sampler(x, offset, backend=backend)
            out2 = tin_shift(x, shift, backend=backend)
            (out.sum() + out2.sum()).backward()
        names = {name for name, _ in log.ops}
        assert names, 'nothing recorded'
        assert not names & SYNCING_OPS, names & SYNCING_OPS
        assert {d for _, ds in log.ops for d in ds} == {device}
    if device == 'cuda':
        torch.cuda.synchronize()
        torch.cuda.set_sync_debug_mode('error')
        try:
            linear_sampler(x, offset, backend=backend).sum().backward()
        finally:
            torch.cuda.set_sync_debug_mode('default')


def test_table_cache_is_bounded_and_consistent():
    op_module._TABLES.clear()
    x = torch.randn(1, 4, 4, 2)
    offset = torch.tensor([[0.5, -1.25]])
    first = linear_sampler(x, offset, backend='embedding_bag')
    assert len(op_module._TABLES) == 1
    assert torch.equal(linear_sampler(x, offset, backend='embedding_bag'),
                       first)
    for n in range(1, op_module._MAX_TABLES + 5):
        linear_sampler(torch.randn(n, 4, 4, 2), torch.rand(n, 2),
                       backend='embedding_bag')
    assert len(op_module._TABLES) <= op_module._MAX_TABLES
