# Copyright (c) OpenMMLab. All rights reserved.
"""``mmtin.ops.lsts_align`` against naive references.

The reference below loops over samples, positions and offsets and samples
bilinearly by hand (pixel ``(x, y)`` holds ``f[y, x]``; a point is the
weighted sum of its four integer neighbours, those outside the map count
as zero); it shares no code with the op. The deploy form
``lsts_align_matmul`` is checked against the same loop and against
``lsts_align`` (values, weights, gradients, ONNX).
"""
import io
import math

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch

from mmtin.ops import lsts_align, lsts_align_matmul, shift_coefficients


def naive_bilinear(f, x, y):
    """``f [C, H, W]`` sampled at real ``(x, y)``; zero outside."""
    c, h, w = f.shape
    x0, y0 = math.floor(x), math.floor(y)
    out = torch.zeros(c, dtype=f.dtype)
    for yy, wy in ((y0, 1 - (y - y0)), (y0 + 1, y - y0)):
        for xx, wx in ((x0, 1 - (x - x0)), (x0 + 1, x - x0)):
            if 0 <= yy < h and 0 <= xx < w:
                out = out + wy * wx * f[:, yy, xx]
    return out


def naive_lsts(ref_feat, cur_embed, ref_embed, offsets):
    b, c, h, w = ref_feat.shape
    out = torch.zeros_like(ref_feat)
    for i in range(b):
        for y in range(h):
            for x in range(w):
                logits, feats = [], []
                for dx, dy in offsets.tolist():
                    e = naive_bilinear(ref_embed[i], x + dx, y + dy)
                    logits.append(float((e * cur_embed[i, :, y, x]).sum()))
                    feats.append(naive_bilinear(ref_feat[i], x + dx, y + dy))
                m = max(logits)
                ws = [math.exp(v - m) for v in logits]
                total = sum(ws)
                for wk, fk in zip(ws, feats):
                    out[i, :, y, x] += wk / total * fk
    return out


def _inputs(b=2, c=3, e=4, h=5, w=6, dtype=torch.float32, seed=0):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(b, c, h, w, generator=g, dtype=dtype),
            torch.randn(b, e, h, w, generator=g, dtype=dtype),
            torch.randn(b, e, h, w, generator=g, dtype=dtype))


def test_single_zero_offset_is_identity():
    feat, cur, ref = _inputs()
    out = lsts_align(feat, cur, ref, torch.zeros(1, 2))
    torch.testing.assert_close(out, feat, rtol=0, atol=1e-6)


@pytest.mark.parametrize('dx,dy', [(2, -1), (-3, 0), (0, 4), (1, 1)])
def test_integer_offset_is_zero_padded_shift(dx, dy):
    feat, cur, ref = _inputs()
    out = lsts_align(feat, cur, ref, torch.tensor([[float(dx), float(dy)]]))
    h, w = feat.shape[2:]
    expected = torch.zeros_like(feat)
    for y in range(h):
        for x in range(w):
            if 0 <= y + dy < h and 0 <= x + dx < w:
                expected[:, :, y, x] = feat[:, :, y + dy, x + dx]
    torch.testing.assert_close(out, expected, rtol=0, atol=1e-6)


def test_integer_offsets_mix_shifts_by_similarity():
    """Several integer offsets: softmax over <e_cur, shifted e_ref> of the
    zero-padded shifts, computed with torch.roll and a border mask."""
    feat, cur, ref = _inputs(seed=1)
    offsets = [(0, 0), (1, 0), (-1, 2), (2, -2)]
    h, w = feat.shape[2:]

    def shift(t, dx, dy):
        rolled = torch.roll(t, shifts=(-dy, -dx), dims=(2, 3))
        ys = torch.arange(h).view(h, 1) + dy
        xs = torch.arange(w).view(1, w) + dx
        valid = (ys >= 0) & (ys < h) & (xs >= 0) & (xs < w)
        return rolled * valid

    logits = torch.stack([(cur * shift(ref, dx, dy)).sum(1)
                          for dx, dy in offsets], 1)
    weights = torch.softmax(logits, 1)
    expected = sum(weights[:, k:k + 1] * shift(feat, dx, dy)
                   for k, (dx, dy) in enumerate(offsets))
    out = lsts_align(feat, cur, ref, torch.tensor(offsets, dtype=torch.float))
    torch.testing.assert_close(out, expected, rtol=1e-5, atol=1e-5)


def test_equals_naive_loop():
    feat, cur, ref = _inputs(dtype=torch.float64, seed=2)
    offsets = torch.tensor([[0.3, -0.7], [1.5, 2.25], [-2.6, 0.1],
                            [0.0, 0.0], [5.5, -4.2]], dtype=torch.float64)
    out, weights = lsts_align(feat, cur, ref, offsets, return_weights=True)
    torch.testing.assert_close(out, naive_lsts(feat, cur, ref, offsets))
    torch.testing.assert_close(weights.sum(1), torch.ones(2, 5, 6,
                                                          dtype=torch.float64))


def test_batch_items_are_independent():
    feat, cur, ref = _inputs(b=3, seed=3)
    offsets = torch.randn(7, 2)
    out = lsts_align(feat, cur, ref, offsets)
    for i in range(3):
        single = lsts_align(feat[i:i + 1], cur[i:i + 1], ref[i:i + 1],
                            offsets)
        torch.testing.assert_close(out[i:i + 1], single)


def test_gradients_fp64_finite_differences():
    feat, cur, ref = _inputs(b=1, c=2, e=3, h=4, w=4, dtype=torch.float64,
                             seed=4)
    # away from integer positions, where bilinear sampling is smooth
    offsets = torch.tensor([[0.3, -0.4], [1.2, 0.7], [-0.6, 1.45]],
                           dtype=torch.float64, requires_grad=True)
    for t in (feat, cur, ref):
        t.requires_grad_(True)
    assert torch.autograd.gradcheck(lsts_align, (feat, cur, ref, offsets))
    lsts_align(feat, cur, ref, offsets).square().sum().backward()
    assert offsets.grad.abs().sum() > 0


def test_autocast_bf16_cpu():
    feat, cur, ref = _inputs(seed=5)
    offsets = torch.randn(9, 2)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = lsts_align(feat.bfloat16(), cur.bfloat16(), ref.bfloat16(),
                         offsets)
    assert out.dtype in (torch.bfloat16, torch.float32)
    assert torch.isfinite(out).all()
    expected = lsts_align(feat, cur, ref, offsets)
    torch.testing.assert_close(out.float(), expected, rtol=0.1, atol=0.1)


@pytest.mark.parametrize('align', [lsts_align, lsts_align_matmul],
                         ids=['sampling', 'matmul'])
def test_rejects_bad_shapes(align):
    feat, cur, ref = _inputs()
    with pytest.raises(ValueError, match='offsets'):
        align(feat, cur, ref, torch.zeros(3, 3))
    with pytest.raises(ValueError, match='same shape'):
        align(feat, cur, ref[:, :2], torch.zeros(3, 2))
    with pytest.raises(ValueError, match='share B, H and W'):
        align(feat[:, :, :4], cur, ref, torch.zeros(3, 2))


@pytest.mark.parametrize('align', [lsts_align, lsts_align_matmul],
                         ids=['sampling', 'matmul'])
def test_onnx_matches_onnxruntime(align):
    class Align(torch.nn.Module):

        def __init__(self):
            super().__init__()
            self.offsets = torch.nn.Parameter(torch.randn(5, 2) * 1.5)

        def forward(self, feat, cur, ref):
            return align(feat, cur, ref, self.offsets)

    model = Align().eval()
    feat, cur, ref = _inputs(seed=6)
    buf = io.BytesIO()
    torch.onnx.export(model, (feat, cur, ref), buf, opset_version=17,
                      input_names=['feat', 'cur', 'ref'],
                      output_names=['out'], dynamo=False)
    onnx.checker.check_model(onnx.load_from_string(buf.getvalue()))
    sess = ort.InferenceSession(buf.getvalue(),
                                providers=['CPUExecutionProvider'])
    (out, ) = sess.run(None, dict(feat=feat.numpy(), cur=cur.numpy(),
                                  ref=ref.numpy()))
    with torch.no_grad():  # the paper's (sampling) form is the reference
        expected = lsts_align(feat, cur, ref, model.offsets).numpy()
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)


def test_shift_coefficients_are_bilinear_corners():
    offsets = torch.tensor([[0.25, -1.5], [2.0, 3.0]], dtype=torch.float64)
    coef, shifts = shift_coefficients(offsets)
    assert coef.shape == (2, len(shifts))
    torch.testing.assert_close(coef.sum(1), torch.ones(2, dtype=coef.dtype))
    got = {tuple(s): float(v) for s, v in zip(shifts, coef[0]) if v}
    assert got == {(0, -2): 0.375, (1, -2): 0.125, (0, -1): 0.375,
                   (1, -1): 0.125}
    # an integer offset is one shift with weight 1
    assert {tuple(s) for s, v in zip(shifts, coef[1]) if v} == {(2, 3)}


@pytest.mark.parametrize('max_pairs', [1 << 20, 40, 1])
def test_matmul_equals_naive_loop(max_pairs):
    feat, cur, ref = _inputs(dtype=torch.float64, seed=2)
    offsets = torch.tensor([[0.3, -0.7], [1.5, 2.25], [-2.6, 0.1],
                            [0.0, 0.0], [5.5, -4.2]], dtype=torch.float64)
    out, weights = lsts_align_matmul(feat, cur, ref, offsets,
                                     return_weights=True, max_pairs=max_pairs)
    torch.testing.assert_close(out, naive_lsts(feat, cur, ref, offsets))
    _, expected = lsts_align(feat, cur, ref, offsets, return_weights=True)
    torch.testing.assert_close(weights, expected)


@pytest.mark.parametrize('scale,max_pairs', [(3, 1 << 20), (3, 50),
                                             (30, 1 << 20), (8, 1)])
def test_matmul_equals_sampling_form(scale, max_pairs):
    """Random offsets, some far outside the map (all their samples are
    zero), rows cut into chunks or not."""
    feat, cur, ref = _inputs(b=3, c=4, e=3, h=7, w=5, dtype=torch.float64,
                             seed=7)
    g = torch.Generator().manual_seed(scale)
    offsets = (torch.rand(25, 2, generator=g, dtype=torch.float64) - .5) * \
        scale
    torch.testing.assert_close(
        lsts_align_matmul(feat, cur, ref, offsets, max_pairs=max_pairs),
        lsts_align(feat, cur, ref, offsets))


def test_matmul_float32_integer_grid():
    feat, cur, ref = _inputs(b=2, c=16, e=8, h=9, w=9, seed=8)
    dy, dx = torch.meshgrid(torch.arange(-4., 5), torch.arange(-4., 5),
                            indexing='ij')
    offsets = torch.stack((dx.flatten(), dy.flatten()), 1)
    torch.testing.assert_close(lsts_align_matmul(feat, cur, ref, offsets),
                               lsts_align(feat, cur, ref, offsets),
                               rtol=1e-5, atol=1e-5)


def test_matmul_gradients_equal_sampling_form():
    feat, cur, ref = _inputs(b=1, c=2, e=3, h=4, w=5, dtype=torch.float64,
                             seed=4)
    offsets = torch.tensor([[0.3, -0.4], [1.2, 0.7], [-0.6, 1.45]],
                           dtype=torch.float64)
    inputs = (feat, cur, ref, offsets)
    grads = []
    for fn in (lsts_align, lsts_align_matmul):
        leaves = [t.clone().requires_grad_(True) for t in inputs]
        fn(*leaves).square().sum().backward()
        grads.append([t.grad for t in leaves])
    for got, expected in zip(*grads):
        torch.testing.assert_close(got, expected)
    leaves = [t.clone().requires_grad_(True) for t in inputs]
    assert torch.autograd.gradcheck(lsts_align_matmul, tuple(leaves))


def test_matmul_autocast_bf16_cpu():
    feat, cur, ref = _inputs(seed=9)
    offsets = torch.randn(9, 2)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = lsts_align_matmul(feat.bfloat16(), cur.bfloat16(),
                                ref.bfloat16(), offsets)
    assert torch.isfinite(out).all()
    torch.testing.assert_close(out.float(),
                               lsts_align(feat, cur, ref, offsets),
                               rtol=0.1, atol=0.1)
