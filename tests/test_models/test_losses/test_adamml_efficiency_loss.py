# Copyright (c) OpenMMLab. All rights reserved.
"""AdaMML efficiency loss against a hand computation."""
import pytest
import torch
from mmaction.registry import MODELS

import mmtin  # noqa: F401


def adamml_efficiency_loss(decisions, logits, labels, cost_weights, gamma):
    loss = MODELS.build(dict(type='AdaMMLEfficiencyLoss',
                             cost_weights=cost_weights, gamma=gamma))
    return loss(decisions, logits, labels)


def test_matches_hand_computation():
    # 3 videos, 2 segments, 3 modalities (rgb, audio, motion)
    decisions = torch.tensor([
        [[1., 0., 1.], [1., 1., 0.]],  # usage 1, .5, .5
        [[0., 0., 0.], [1., 0., 0.]],  # usage .5, 0, 0
        [[1., 1., 1.], [1., 1., 1.]],  # usage 1, 1, 1
    ])
    logits = torch.tensor([[2., 0.], [0., 1.], [3., -1.]])
    labels = torch.tensor([0, 0, 0])  # correct, wrong, correct
    w, gamma = [0.5, 0.05, 0.8], 10.0
    out = adamml_efficiency_loss(decisions, logits, labels, w, gamma)
    # correct videos 0 and 2; mean over the 3 videos
    rgb = (1.0**2 + 0 + 1.0**2) / 3
    audio = (0.5**2 + 0 + 1.0**2) / 3
    motion = (0.5**2 + 0 + 1.0**2) / 3
    expected_usage = 0.5 * rgb + 0.05 * audio + 0.8 * motion
    assert out['loss_usage'].item() == pytest.approx(expected_usage)
    assert out['loss_wrong'].item() == pytest.approx(10.0 / 3)


def test_gradient_reaches_decisions_of_correct_videos_only():
    decisions = torch.full((2, 4, 2), 0.5, requires_grad=True)
    logits = torch.tensor([[1., 0.], [1., 0.]])
    labels = torch.tensor([0, 1])  # correct, wrong
    out = adamml_efficiency_loss(decisions, logits, labels, [1.0, 2.0], 10.)
    out['loss_usage'].backward()
    # d/du_{0,s,m} of w_m * (mean_s u)^2 / N = w_m * 2 * 0.5 / 4 / 2
    expected = torch.tensor([1.0, 2.0]) * 2 * 0.5 / 4 / 2
    torch.testing.assert_close(decisions.grad[0],
                               expected.expand(4, 2).contiguous())
    assert torch.equal(decisions.grad[1], torch.zeros(4, 2))


def test_bad_shape_names_the_cost_weights():
    with pytest.raises(ValueError, match='cost_weights'):
        adamml_efficiency_loss(torch.zeros(2, 3, 2), torch.zeros(2, 2),
                               torch.zeros(2, dtype=torch.long), [1.], 1.)
