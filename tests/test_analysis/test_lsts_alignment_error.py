# Copyright (c) OpenMMLab. All rights reserved.
"""The alignment error of LSTS's learned offsets against known motion, on
hand-computed cases."""
import copy

import numpy as np
import pytest
import torch
from mmengine.registry import init_default_scope
from vid_detection_helpers import VIDEO

import mmtin  # noqa: F401
from mmaction.registry import MODELS
from mmtin.analysis.lsts_alignment_error import (dfa_alignment_errors,
                                                 expected_displacement,
                                                 zero_displacement_error)


def test_expected_displacement_hand_values():
    offsets = torch.tensor([[0., 0.], [2., -1.], [-1., 3.]])
    w = torch.zeros(1, 3, 1, 2)
    w[0, :, 0, 0] = torch.tensor([0.5, 0.5, 0.])
    w[0, :, 0, 1] = torch.tensor([0., 0., 1.])
    d = expected_displacement(w, offsets)
    assert torch.allclose(d[0, :, 0, 0], torch.tensor([1., -0.5]))
    assert torch.allclose(d[0, :, 0, 1], torch.tensor([-1., 3.]))


def test_single_offset_error_is_offset_minus_motion():
    """With one offset every weight is 1: the predicted displacement is
    that offset, whatever the frames."""
    init_default_scope('mmaction')
    cfg = copy.deepcopy(VIDEO)
    cfg['dfa_align'] = dict(type='LSTSAlign', embed_channels=4,
                            num_offsets=1, offset_init=[[1.0, -0.5]])
    torch.manual_seed(0)
    model = MODELS.build(cfg).eval()
    clip = torch.randn(1, 3, 3, 32, 32)
    # object 7 moves right 4 px a frame (stride 8: 0.5 cells); keyframe 0
    boxes = [np.array([[4. + 4 * t, 8., 12. + 4 * t, 16.]]) for t in range(3)]
    tracks = [np.array([7])] * 3
    rows = dfa_alignment_errors(model, clip, boxes, tracks, stride=8)
    assert [r['frame'] for r in rows] == [1]  # frame 2 is a keyframe (k=2)
    # true displacement to the keyframe: (-0.5, 0) cells
    assert rows[0]['error'] == pytest.approx(np.hypot(1.5, 0.5))
    assert rows[0]['zero_error'] == pytest.approx(0.5)
    assert zero_displacement_error(rows) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="alignment='lsts'"):
        dfa_alignment_errors(
            MODELS.build(dict(cfg, alignment='copy')).eval(), clip, boxes,
            tracks, stride=8)


@pytest.mark.parametrize('dot, rank', [(1.0, 0), (-1.0, 2)])
def test_true_rank_and_memory_weight_hand_values(dot, rank):
    """Constant embeddings ``e_cur = c``, ``e_ref = b`` give the logit
    ``<b, c>`` to every sample inside the 4 x 4 map and 0 to the zero-padded
    samples outside it. The object sits in column 3 and barely moves, so the
    offset nearest to its motion is (0, 0); (2, 0) and (3, 0) fall outside
    the map there and (-1, 0) inside. With ``<b, c> = 1`` the true offset
    ties for the top (rank 0); with -1 the two outside samples beat it
    (rank 2). A zeroed last quality conv scores both DFA inputs 0: the
    memory gets half the weight."""
    init_default_scope('mmaction')
    cfg = copy.deepcopy(VIDEO)
    cfg['dfa_align'] = dict(type='LSTSAlign', embed_channels=4,
                            num_offsets=4,
                            offset_init=[[0., 0.], [2., 0.], [3., 0.],
                                         [-1., 0.]])
    torch.manual_seed(0)
    model = MODELS.build(cfg).eval()
    align = model.dfa_align
    with torch.no_grad():
        for conv, bias in ((align.embed_cur.conv, [1., 0., 0., 0.]),
                           (align.embed_ref.conv, [dot, 0., 0., 0.])):
            conv.weight.zero_()
            conv.bias.copy_(torch.tensor(bias))
        last = model.dfa_fusion.quality[-1].conv
        last.weight.zero_()
        last.bias.zero_()
    clip = torch.randn(1, 2, 3, 32, 32)
    # two objects in column 3 (rows 1 and 3), centre x 28 -> 29 px: motion
    # to the keyframe -1/8 cell
    boxes = [np.array([[24., 8., 32., 16.], [24., 24., 32., 32.]]),
             np.array([[25., 8., 33., 16.], [25., 24., 33., 32.]])]
    rows = dfa_alignment_errors(model, clip, boxes,
                                [np.array([3, 5])] * 2, stride=8)
    assert [r['track'] for r in rows] == [3, 5]
    for r in rows:
        assert r['true_rank'] == rank
        assert r['memory_weight'] == pytest.approx(0.5)
        assert r['motion'] == pytest.approx(1 / 8)
