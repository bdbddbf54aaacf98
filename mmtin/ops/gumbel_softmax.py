# Copyright (c) OpenMMLab. All rights reserved.
"""Hard Gumbel-Softmax with straight-through gradients (pure tensor math).

Jang et al., "Categorical Reparameterization with Gumbel-Softmax", ICLR
2017; AdaMML (Panda et al., ICCV 2021) samples its per-segment keep/skip
decisions this way.
"""
from typing import Optional

import torch
from torch import Tensor


def hard_gumbel_softmax(logits: Tensor,
                        tau: float,
                        gumbels: Optional[Tensor] = None,
                        dim: int = -1) -> Tensor:
    """One-hot samples whose gradient is that of the soft sample.

    ``soft = softmax((logits + g) / tau)`` with Gumbel noise
    ``g = -log(-log(U))``; the forward value is ``one_hot(argmax(soft))``
    and the backward pass uses ``d soft / d logits`` (straight-through):
    ``hard - soft.detach() + soft``.

    Args:
        logits (Tensor): Unnormalised log-probabilities.
        tau (float): Temperature, > 0.
        gumbels (Tensor, optional): Gumbel noise of the same shape as
            ``logits``; drawn when None, zeros give the deterministic
            argmax. Default: None.
        dim (int): The category dimension. Default: -1.

    Returns:
        Tensor: One-hot tensor of the shape of ``logits``.
    """
    if tau <= 0:
        raise ValueError(f'hard_gumbel_softmax: tau must be > 0, got {tau}')
    if gumbels is None:
        gumbels = -torch.empty_like(logits).exponential_().log()
    elif gumbels.shape != logits.shape:
        raise ValueError(
            f'hard_gumbel_softmax: gumbels {tuple(gumbels.shape)} must have '
            f'the shape of logits {tuple(logits.shape)}')
    soft = ((logits + gumbels) / tau).softmax(dim)
    index = soft.argmax(dim, keepdim=True)
    hard = torch.zeros_like(soft).scatter_(dim, index, 1.0)
    return hard - soft.detach() + soft
