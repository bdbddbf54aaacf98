# Copyright (c) OpenMMLab. All rights reserved.
"""AdaMML's efficiency loss (pure tensor math).

Panda et al., "AdaMML: Adaptive Multi-Modal Learning for Efficient Video
Recognition", ICCV 2021, eq. (5):
``sum_m w_m * mean_n(correct_n * ubar_{n,m} ** 2) + gamma * mean_n(wrong_n)``
where ``ubar_{n,m}`` is the fraction of segments of video n that use
modality m. Only the first term carries a gradient (through the
straight-through decisions); the second is a constant penalty that raises
the loss of a batch with wrong predictions, as published.
"""
from typing import Dict, Sequence

from torch import Tensor


def adamml_efficiency_loss(decisions: Tensor, logits: Tensor, labels: Tensor,
                           cost_weights: Sequence[float],
                           gamma: float) -> Dict[str, Tensor]:
    """Usage penalty on correct predictions plus gamma on wrong ones.

    Args:
        decisions (Tensor): ``(N, S, M)`` keep decisions in [0, 1].
        logits (Tensor): ``(N, K)`` fused video logits.
        labels (Tensor): ``(N, )`` class indices.
        cost_weights (Sequence[float]): ``w_m``, one per modality.
        gamma (float): Weight of the wrong-prediction term.

    Returns:
        dict[str, Tensor]: ``loss_usage`` (the cost-weighted penalty) and
        ``loss_wrong`` (``gamma * mean(wrong)``).
    """
    if decisions.dim() != 3 or decisions.shape[2] != len(cost_weights):
        raise ValueError(
            f'adamml_efficiency_loss: decisions must be (N, S, '
            f'{len(cost_weights)}) for {len(cost_weights)} cost_weights, '
            f'got {tuple(decisions.shape)}')
    correct = (logits.detach().argmax(1) == labels).to(decisions.dtype)
    usage = decisions.mean(1)  # (N, M)
    weights = decisions.new_tensor(list(cost_weights))
    loss_usage = ((correct[:, None] * usage**2).mean(0) * weights).sum()
    loss_wrong = gamma * (1 - correct).mean()
    return dict(loss_usage=loss_usage, loss_wrong=loss_wrong)
