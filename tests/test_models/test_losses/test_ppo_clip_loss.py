# Copyright (c) OpenMMLab. All rights reserved.
"""PPOClipLoss against a hand computation."""
import math

import pytest
import torch
from mmaction.registry import MODELS

import mmtin  # noqa: F401


def test_matches_hand_computation():
    loss = MODELS.build(dict(type='PPOClipLoss', gamma=0.5, clip=0.2,
                             value_weight=0.5, entropy_weight=0.01))
    logits = torch.zeros(1, 2, 2)  # pi = 0.5 for both actions
    values = torch.tensor([[0.5, 0.]])
    actions = torch.tensor([[0, 1]])
    old = torch.log(torch.tensor([[0.25, 0.5]]))  # ratios 2 and 1
    rewards = torch.tensor([[1., 2.]])
    out = loss(logits, values, actions, old, rewards)
    # returns: R1 = 2, R0 = 1 + 0.5 * 2 = 2; advantages 1.5 and 2
    # surrogate: min(2 * 1.5, 1.2 * 1.5) = 1.8 and min(1 * 2, 1 * 2) = 2
    assert out['loss_actor'].item() == pytest.approx(-(1.8 + 2) / 2)
    # 0.5 * mean((0.5 - 2)^2, (0 - 2)^2)
    assert out['loss_value'].item() == pytest.approx(0.5 * (2.25 + 4) / 2)
    # entropy of a fair coin: log 2
    assert out['loss_entropy'].item() == pytest.approx(-0.01 * math.log(2))
    torch.testing.assert_close(loss.discounted_returns(rewards),
                               torch.tensor([[2., 2.]]))


def test_policy_builds_its_loss_from_ppo_cfg():
    policy = MODELS.build(dict(
        type='AdaFocusPolicy', in_channels=4, feat_size=(2, 2),
        reduce_channels=2, hidden_channels=8, action_type='discrete',
        action_dim=4, ppo_cfg=dict(gamma=0.9, clip=0.1, epochs=3)))
    assert type(policy.ppo_loss).__name__ == 'PPOClipLoss'
    assert (policy.ppo_loss.gamma, policy.ppo_loss.clip) == (0.9, 0.1)
    assert policy.ppo_cfg['epochs'] == 3
    continuous = MODELS.build(dict(
        type='AdaFocusPolicy', in_channels=4, feat_size=(2, 2),
        reduce_channels=2, hidden_channels=8))
    assert continuous.ppo_loss is None


def test_bad_clip_named():
    with pytest.raises(ValueError, match='clip'):
        MODELS.build(dict(type='PPOClipLoss', clip=1.5))
