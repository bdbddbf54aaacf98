# Copyright (c) OpenMMLab. All rights reserved.
"""The similarities of InfoNCE over two views (batch and queue negatives)."""
from typing import Optional, Tuple

import torch
from torch import Tensor


def contrastive_logits(z1: Tensor,
                       z2: Tensor,
                       queue: Optional[Tensor] = None
                       ) -> Tuple[Tensor, Tensor]:
    """Positive and negative similarities of InfoNCE (SimCLR / CVRL form).

    The ``2N`` embeddings are ``z = [z1; z2]`` (L2-normalised by the
    caller); anchor ``i`` has the positive ``z[(i + N) mod 2N]`` (the other
    clip of its video) and as negatives the other ``2N - 2`` embeddings of
    the batch, then every row of ``queue``. InfoNCE is then
    ``CE(cat([pos, neg]) / tau, 0)`` (mmpretrain's ``ContrastiveHead``).

    Args:
        z1 (Tensor): ``[N, D]`` embeddings of the first clips.
        z2 (Tensor): ``[N, D]`` embeddings of the second clips.
        queue (Tensor, optional): ``[K, D]`` embeddings of earlier batches
            (no gradient flows into them). Default: None.

    Returns:
        tuple[Tensor, Tensor]: ``pos`` ``[2N, 1]`` and ``neg``
        ``[2N, 2N - 2 + K]`` (batch negatives in index order, then the
        queue rows in order).
    """
    if z1.dim() != 2 or z1.shape != z2.shape:
        raise ValueError(f'contrastive_logits: z1 and z2 must both be '
                         f'[N, D], got {tuple(z1.shape)} and '
                         f'{tuple(z2.shape)}')
    if z1.shape[0] < 2:
        raise ValueError('contrastive_logits: InfoNCE with batch negatives '
                         f'needs N >= 2 videos, got N={z1.shape[0]}')
    n = z1.shape[0]
    z = torch.cat([z1, z2])
    sim = z @ z.t()
    idx = torch.arange(2 * n, device=z.device)
    partner = (idx + n) % (2 * n)
    pos = sim[idx, partner].unsqueeze(1)
    keep = (idx[None] != idx[:, None]) & (idx[None] != partner[:, None])
    neg = sim[keep].view(2 * n, 2 * n - 2)
    if queue is not None and queue.shape[0]:
        if queue.dim() != 2 or queue.shape[1] != z.shape[1]:
            raise ValueError(f'contrastive_logits: queue must be [K, '
                             f'{z.shape[1]}], got {tuple(queue.shape)}')
        neg = torch.cat([neg, z @ queue.t()], dim=1)
    return pos, neg
