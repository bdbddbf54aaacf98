# Copyright (c) OpenMMLab. All rights reserved.
"""AdaMML's efficiency loss.

Panda et al., "AdaMML: Adaptive Multi-Modal Learning for Efficient Video
Recognition", ICCV 2021, eq. (5):
``sum_m w_m * mean_n(correct_n * ubar_{n,m} ** 2) + gamma * mean_n(wrong_n)``
where ``ubar_{n,m}`` is the fraction of segments of video n that use
modality m. Only the first term carries a gradient (through the
straight-through decisions); the second is a constant penalty that raises
the loss of a batch with wrong predictions, as published.
"""
from typing import Dict, Sequence

from torch import Tensor, nn

from mmaction.registry import MODELS


@MODELS.register_module()
class AdaMMLEfficiencyLoss(nn.Module):
    """Usage penalty on correct predictions plus gamma on wrong ones.

    Args:
        cost_weights (Sequence[float]): ``w_m``, one per modality, in the
            order of the decisions' last axis.
        gamma (float): Weight of the wrong-prediction term. Default: 10.
    """

    def __init__(self, cost_weights: Sequence[float],
                 gamma: float = 10.0) -> None:
        super().__init__()
        self.cost_weights = [float(w) for w in cost_weights]
        self.gamma = float(gamma)

    def forward(self, decisions: Tensor, logits: Tensor,
                labels: Tensor) -> Dict[str, Tensor]:
        """The two terms of eq. (5).

        Args:
            decisions (Tensor): ``(N, S, M)`` keep decisions in [0, 1].
            logits (Tensor): ``(N, K)`` fused video logits.
            labels (Tensor): ``(N, )`` class indices.

        Returns:
            dict[str, Tensor]: ``loss_usage`` (the cost-weighted penalty)
            and ``loss_wrong`` (``gamma * mean(wrong)``).
        """
        num = len(self.cost_weights)
        if decisions.dim() != 3 or decisions.shape[2] != num:
            raise ValueError(
                f'{type(self).__name__}: decisions must be (N, S, {num}) '
                f'for {num} cost_weights, got {tuple(decisions.shape)}')
        correct = (logits.detach().argmax(1) == labels).to(decisions.dtype)
        usage = decisions.mean(1)  # (N, M)
        weights = decisions.new_tensor(self.cost_weights)
        loss_usage = ((correct[:, None] * usage**2).mean(0) * weights).sum()
        loss_wrong = self.gamma * (1 - correct).mean()
        return dict(loss_usage=loss_usage, loss_wrong=loss_wrong)
