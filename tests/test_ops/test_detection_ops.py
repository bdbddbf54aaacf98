# Copyright (c) OpenMMLab. All rights reserved.
"""Detection ops (box IoU / coding, anchors, NMS, RoIAlign) against naive
loop references and hand-computed values; the references share no code
with the ops."""
import math

import pytest
import torch

from mmtin.ops import (anchor_grid, base_anchors, batched_nms, box_iou,
                       match_boxes,
                       decode_boxes, encode_boxes, nms, roi_align)


def naive_iou(a, b):
    ix = max(0., min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0., min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] -
                                                             b[1]) - inter
    return inter / union if union > 0 else 0.


def random_boxes(n, size=50., seed=0):
    g = torch.Generator().manual_seed(seed)
    xy = torch.rand(n, 2, generator=g) * size
    wh = torch.rand(n, 2, generator=g) * size / 2 + 1
    return torch.cat((xy, xy + wh), dim=1).double()


def test_box_iou_hand_values_and_loop():
    a = torch.tensor([[0., 0., 10., 10.]])
    b = torch.tensor([[5., 5., 15., 15.], [20., 20., 30., 30.],
                      [0., 0., 10., 10.]])
    assert torch.allclose(box_iou(a, b), torch.tensor([[25 / 175, 0., 1.]]))
    x, y = random_boxes(7), random_boxes(5, seed=1)
    ref = torch.tensor([[naive_iou(p.tolist(), q.tolist()) for q in y]
                        for p in x], dtype=torch.double)
    assert torch.allclose(box_iou(x, y), ref)


def test_encode_hand_values_and_round_trip():
    prior = torch.tensor([[0., 0., 10., 20.]])
    target = torch.tensor([[5., 0., 25., 20.]])
    # centres 5 -> 15 (dx = 10 / 10), width 10 -> 20 (log 2)
    d = encode_boxes(prior, target)
    assert torch.allclose(d, torch.tensor([[1., 0., math.log(2), 0.]]))
    d = encode_boxes(prior, target, stds=(0.1, 0.1, 0.2, 0.2))
    assert torch.allclose(d, torch.tensor([[10., 0., math.log(2) / .2, 0.]]))
    x, y = random_boxes(9), random_boxes(9, seed=2)
    stds = (0.1, 0.1, 0.2, 0.2)
    assert torch.allclose(decode_boxes(x, encode_boxes(x, y, stds), stds), y)
    clipped = decode_boxes(prior, torch.tensor([[5., 5., 0., 0.]]),
                           max_shape=(30, 40))
    assert torch.equal(clipped, torch.tensor([[40., 30., 40., 30.]]))


def test_anchors_hand_values():
    base = base_anchors(sizes=(8., ), ratios=(0.5, 1., 2.))
    w = base[:, 2] - base[:, 0]
    h = base[:, 3] - base[:, 1]
    assert torch.allclose(w * h, torch.full((3, ), 64.))
    assert torch.allclose(h / w, torch.tensor([0.5, 1., 2.]))
    grid = anchor_grid(base, 2, 3, stride=4)
    assert grid.shape == (2 * 3 * 3, 4)
    # cell (row 1, col 2), anchor 1 (square): centre (10, 6)
    assert torch.allclose(grid[(1 * 3 + 2) * 3 + 1],
                          torch.tensor([6., 2., 14., 10.]))


def naive_nms(boxes, scores, thr):
    order = sorted(range(len(scores)), key=lambda i: -float(scores[i]))
    keep = []
    for i in order:
        if all(naive_iou(boxes[i].tolist(), boxes[j].tolist()) <= thr
               for j in keep):
            keep.append(i)
    return keep


@pytest.mark.parametrize('thr', [0.3, 0.5, 0.7])
def test_nms_matches_loop(thr):
    boxes = random_boxes(60, size=30.)
    scores = torch.rand(60, generator=torch.Generator().manual_seed(3))
    assert nms(boxes, scores, thr).tolist() == naive_nms(boxes, scores, thr)


def test_nms_hand_case_and_errors():
    boxes = torch.tensor([[0., 0., 10., 10.], [1., 1., 11., 11.],
                          [20., 20., 30., 30.]])
    scores = torch.tensor([0.5, 0.9, 0.1])
    assert nms(boxes, scores, 0.5).tolist() == [1, 2]
    assert nms(boxes[:0], scores[:0], 0.5).numel() == 0
    with pytest.raises(ValueError, match='boxes must be'):
        nms(boxes[:, :3], scores, 0.5)


def test_batched_nms_groups_are_independent():
    boxes = random_boxes(40, size=20.)
    scores = torch.rand(40, generator=torch.Generator().manual_seed(4))
    groups = torch.arange(40) % 3
    keep = set(batched_nms(boxes, scores, groups, 0.5).tolist())
    ref = set()
    for g in range(3):
        idx = (groups == g).nonzero().flatten()
        ref |= {int(idx[i]) for i in naive_nms(boxes[idx], scores[idx], 0.5)}
    assert keep == ref


def naive_roi_align(feat, rois, out_h, out_w, scale, sr):
    """Point-by-point RoIAlign (aligned, fixed sampling ratio)."""
    _, c, h, w = feat.shape

    def bilinear(f, y, x):
        if y < -1 or y > h or x < -1 or x > w:
            return torch.zeros(c, dtype=f.dtype)
        y, x = max(y, 0.), max(x, 0.)
        y0, x0 = int(math.floor(y)), int(math.floor(x))
        if y0 >= h - 1:
            y0 = y1 = h - 1
            y = float(y0)
        else:
            y1 = y0 + 1
        if x0 >= w - 1:
            x0 = x1 = w - 1
            x = float(x0)
        else:
            x1 = x0 + 1
        ly, lx = y - y0, x - x0
        return ((1 - ly) * (1 - lx) * f[:, y0, x0] +
                (1 - ly) * lx * f[:, y0, x1] + ly * (1 - lx) * f[:, y1, x0] +
                ly * lx * f[:, y1, x1])

    out = torch.zeros(len(rois), c, out_h, out_w, dtype=feat.dtype)
    for r, (bi, x1, y1, x2, y2) in enumerate(rois.tolist()):
        sx, sy = x1 * scale - 0.5, y1 * scale - 0.5
        bw = (x2 * scale - 0.5 - sx) / out_w
        bh = (y2 * scale - 0.5 - sy) / out_h
        for i in range(out_h):
            for j in range(out_w):
                acc = torch.zeros(c, dtype=feat.dtype)
                for iy in range(sr):
                    for ix in range(sr):
                        y = sy + i * bh + (iy + 0.5) * bh / sr
                        x = sx + j * bw + (ix + 0.5) * bw / sr
                        acc += bilinear(feat[int(bi)], y, x)
                out[r, :, i, j] = acc / (sr * sr)
    return out


@pytest.mark.parametrize('sr,scale', [(1, 1.), (2, 0.25), (3, 0.5)])
def test_roi_align_matches_loop(sr, scale):
    g = torch.Generator().manual_seed(5)
    feat = torch.randn(2, 3, 6, 7, generator=g, dtype=torch.double)
    rois = torch.tensor([[0, 1., 2., 15., 11.], [1, -6., -3., 8., 30.],
                         [1, 20., 18., 29., 27.], [0, 5., 5., 5.5, 6.]],
                        dtype=torch.double)
    out = roi_align(feat, rois, (2, 3), scale, sr)
    ref = naive_roi_align(feat, rois, 2, 3, scale, sr)
    assert torch.allclose(out, ref)


def test_roi_align_constant_map_and_grad():
    feat = torch.full((1, 2, 5, 5), 3.)
    rois = torch.tensor([[0, 2., 2., 8., 9.]])
    out = roi_align(feat, rois, 2, 0.5)
    assert torch.allclose(out, torch.full((1, 2, 2, 2), 3.))
    feat = torch.randn(1, 2, 5, 5, requires_grad=True)
    roi_align(feat, rois, 2, 0.5).sum().backward()
    assert feat.grad.abs().sum() > 0
    with pytest.raises(ValueError, match='rois must be'):
        roi_align(feat, rois[:, :4], 2, 0.5)
    with pytest.raises(ValueError, match=r'integers in \[0, 0\] for 1'):
        roi_align(feat, torch.tensor([[1, 2., 2., 8., 9.]]), 2, 0.5)
    with pytest.raises(ValueError, match='sampling_ratio'):
        roi_align(feat, rois, 2, 0.5, sampling_ratio=0)


def test_match_boxes_hand_values():
    from mmtin.ops.box_sampling import IGNORED, NEGATIVE
    iou = torch.tensor([[0.8, 0.5, 0.1, 0.35],
                        [0.75, 0.2, 0.0, 0.4]])
    m = match_boxes(iou, pos_iou=0.7, neg_iou=0.3)
    assert m.tolist() == [0, IGNORED, NEGATIVE, IGNORED]
    # box 1's best candidate is 0 (0.75) and candidate 0 also box 0's best
    m = match_boxes(iou, pos_iou=0.9, neg_iou=0.3, low_quality=True)
    assert m.tolist() == [0, IGNORED, NEGATIVE, IGNORED]
    iou = torch.tensor([[0.2, 0.5, 0.1], [0.1, 0.2, 0.25]])
    m = match_boxes(iou, pos_iou=0.7, neg_iou=0.3, low_quality=True)
    assert m.tolist() == [NEGATIVE, 0, 1]
    assert match_boxes(torch.zeros(0, 3), 0.7, 0.3).tolist() == [NEGATIVE] * 3


def test_sample_matches_balances():
    from mmtin.ops import sample_matches
    from mmtin.ops.box_sampling import IGNORED, NEGATIVE
    matches = torch.tensor([0] * 10 + [NEGATIVE] * 30 + [IGNORED] * 5)
    torch.manual_seed(0)
    pos, neg = sample_matches(matches, num=16, pos_fraction=0.25)
    assert len(pos) == 4 and len(neg) == 12
    assert (matches[pos] == 0).all() and (matches[neg] == NEGATIVE).all()
    assert len(set(neg.tolist())) == 12
    pos, neg = sample_matches(matches[:12], num=16, pos_fraction=0.5)
    assert len(pos) == 8 and len(neg) == 2
