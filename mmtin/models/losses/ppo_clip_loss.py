# Copyright (c) OpenMMLab. All rights reserved.
"""The clipped PPO objective (Schulman et al., 2017) of AdaFocus V1."""
from typing import Dict

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from mmaction.registry import MODELS


@MODELS.register_module()
class PPOClipLoss(nn.Module):
    """Clipped surrogate actor loss, critic regression and entropy bonus.

    Returns are discounted over the frames of an episode, ``R_t = r_t +
    gamma * R_{t+1}``; advantages are ``R_t - V(s_t)`` with the critic's
    value detached. The defaults are AdaFocus V1's published ones.

    Args:
        gamma (float): Discount over frames. Default: 0.7.
        clip (float): Ratio clip ``epsilon``. Default: 0.2.
        value_weight (float): Weight of the critic's MSE. Default: 0.5.
        entropy_weight (float): Weight of the entropy bonus.
            Default: 0.01.
    """

    def __init__(self,
                 gamma: float = 0.7,
                 clip: float = 0.2,
                 value_weight: float = 0.5,
                 entropy_weight: float = 0.01) -> None:
        super().__init__()
        if not 0 < clip < 1:
            raise ValueError(f'{type(self).__name__}: clip must be in (0, '
                             f'1), got {clip!r}')
        self.gamma = gamma
        self.clip = clip
        self.value_weight = value_weight
        self.entropy_weight = entropy_weight

    def discounted_returns(self, rewards: Tensor) -> Tensor:
        """``R_t = r_t + gamma * R_{t+1}`` over the frames of ``[N, T]``."""
        returns = torch.zeros_like(rewards)
        running = torch.zeros_like(rewards[:, 0])
        for t in range(rewards.shape[1] - 1, -1, -1):
            running = rewards[:, t] + self.gamma * running
            returns[:, t] = running
        return returns

    def forward(self, logits: Tensor, values: Tensor, actions: Tensor,
                old_log_probs: Tensor, rewards: Tensor) -> Dict[str, Tensor]:
        """The loss terms; their sum is minimised.

        Args:
            logits (Tensor): ``[N, T, A]`` actor logits (current).
            values (Tensor): ``[N, T]`` critic values (current).
            actions (Tensor): ``[N, T]`` actions taken.
            old_log_probs (Tensor): ``[N, T]`` log-probabilities of the
                actions when they were taken.
            rewards (Tensor): ``[N, T]`` rewards.

        Returns:
            dict: ``loss_actor``, ``loss_value`` (weighted by
            ``value_weight``) and ``loss_entropy`` (``-entropy_weight *
            entropy``).
        """
        returns = self.discounted_returns(rewards.detach())
        advantages = returns - values.detach()
        log_probs = F.log_softmax(logits, dim=-1)
        taken = log_probs.gather(-1, actions.unsqueeze(-1)).squeeze(-1)
        ratio = torch.exp(taken - old_log_probs.detach())
        clipped = ratio.clamp(1 - self.clip, 1 + self.clip)
        loss_actor = -torch.min(ratio * advantages,
                                clipped * advantages).mean()
        loss_value = self.value_weight * F.mse_loss(values, returns)
        entropy = -(log_probs.exp() * log_probs).sum(-1).mean()
        return dict(
            loss_actor=loss_actor,
            loss_value=loss_value,
            loss_entropy=-self.entropy_weight * entropy)
