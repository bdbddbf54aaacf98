# Copyright (c) OpenMMLab. All rights reserved.
"""SegmentConsensusHead: TSMHead behaviour on frames, 5-D neck outputs,
tuples, multi-view inputs, errors."""
import pytest
import torch

import mmtin  # noqa: F401
from mmaction.models.heads import TSMHead
from mmtin.models import SegmentConsensusHead


def _heads(segments=4, classes=3, channels=8):
    torch.manual_seed(0)
    ours = SegmentConsensusHead(classes, channels, num_segments=segments)
    ref = TSMHead(classes, channels, num_segments=segments)
    with torch.no_grad():
        ours.fc_cls.weight.normal_()
        ours.fc_cls.bias.normal_()
    ref.load_state_dict(ours.state_dict())
    return ours.eval(), ref.eval()


def _by_hand(head, x):
    """x [N, C, T, H, W]: mean over H, W; fc per frame; mean over T."""
    pooled = x.mean(dim=(3, 4)).transpose(1, 2)  # [N, T, C]
    scores = pooled @ head.fc_cls.weight.T + head.fc_cls.bias
    return scores.mean(dim=1)


def test_frames_equal_tsm_head():
    ours, ref = _heads()
    x = torch.randn(8, 8, 3, 3)
    with torch.no_grad():
        assert torch.allclose(ours(x, num_segs=4), ref(x, num_segs=4))
        # [N * T, C] (globally pooled features) as well
        assert torch.allclose(
            ours(x.mean(dim=(2, 3)), num_segs=4), ref(x, num_segs=4),
            atol=1e-6)


def test_neck_layout_and_tuples():
    ours, _ = _heads()
    x = torch.randn(2, 8, 4, 3, 3)
    with torch.no_grad():
        expected = _by_hand(ours, x)
        assert torch.allclose(ours(x, num_segs=1), expected, atol=1e-6)
        assert torch.allclose(
            ours((torch.randn(3), x), num_segs=1), expected, atol=1e-6)
        ours.in_index = 0
        assert torch.allclose(ours([x, None]), expected, atol=1e-6)


def test_multi_view_gives_one_score_per_view():
    ours, _ = _heads()
    x = torch.randn(2, 8, 12, 3, 3)  # 3 views of 4 frames per sample
    with torch.no_grad():
        scores = ours(x)
    assert scores.shape == (6, 3)
    for v in range(3):
        view = x[:, :, 4 * v:4 * v + 4]
        assert torch.allclose(scores.view(2, 3, 3)[:, v],
                              _by_hand(ours, view), atol=1e-6)


def test_errors():
    ours, _ = _heads()
    with pytest.raises(ValueError, match='in_channels'):
        ours(torch.randn(8, 5, 3, 3))
    with pytest.raises(ValueError, match='num_segments'):
        ours(torch.randn(6, 8, 3, 3))
    with pytest.raises(ValueError, match='shape'):
        ours(torch.randn(8, 8, 3))
    with pytest.raises(IndexError, match='in_index'):
        ours([], num_segs=4)
    with pytest.raises(ValueError, match='num_segments'):
        SegmentConsensusHead(3, 8, num_segments=0)
