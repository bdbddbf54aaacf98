# Copyright (c) OpenMMLab. All rights reserved.
"""Matching of candidate boxes (anchors, proposals) to ground truth, and
the balanced random sampling of positives and negatives of two-stage
detectors."""
from typing import Tuple

import torch
from torch import Tensor

#: Match value of a negative candidate; ignored candidates get ``IGNORED``.
NEGATIVE, IGNORED = -1, -2


def match_boxes(iou: Tensor, pos_iou: float, neg_iou: float,
                low_quality: bool = False) -> Tensor:
    """Match every candidate to a ground-truth box by IoU.

    A candidate whose best IoU is ``>= pos_iou`` matches that box;
    ``< neg_iou`` is negative; in between is ignored. With
    ``low_quality``, each ground-truth box also matches the candidates of
    its highest (non-zero) IoU, as in Faster R-CNN's RPN.

    Args:
        iou (Tensor): ``[G, M]`` IoUs of ``G`` ground-truth boxes and ``M``
            candidates.
        pos_iou (float): Positive threshold.
        neg_iou (float): Negative threshold (``<= pos_iou``).
        low_quality (bool): Add each box's best candidates. Default: False.

    Returns:
        Tensor: ``int64 [M]``: the matched box index, ``NEGATIVE`` or
        ``IGNORED``.
    """
    m = iou.shape[1]
    if iou.shape[0] == 0:
        return torch.full((m, ), NEGATIVE, dtype=torch.long,
                          device=iou.device)
    best, idx = iou.max(dim=0)
    matches = torch.where(best >= pos_iou, idx,
                          torch.full_like(idx, IGNORED))
    matches[best < neg_iou] = NEGATIVE
    if low_quality:
        best_per_gt = iou.max(dim=1, keepdim=True).values
        gt, cand = ((iou == best_per_gt) & (best_per_gt > 0)).nonzero(
            as_tuple=True)
        matches[cand] = idx[cand]
    return matches


def sample_matches(matches: Tensor, num: int,
                   pos_fraction: float) -> Tuple[Tensor, Tensor]:
    """Randomly pick at most ``num * pos_fraction`` positives and fill the
    rest of ``num`` with negatives (``torch``'s global generator).

    Args:
        matches (Tensor): Output of :func:`match_boxes`.
        num (int): Samples wanted.
        pos_fraction (float): Largest fraction of positives.

    Returns:
        tuple[Tensor, Tensor]: indices of the sampled positives and
        negatives.
    """
    pos = (matches >= 0).nonzero().flatten()
    neg = (matches == NEGATIVE).nonzero().flatten()
    num_pos = min(pos.numel(), int(num * pos_fraction))
    num_neg = min(neg.numel(), num - num_pos)
    pos = pos[torch.randperm(pos.numel(), device=pos.device)[:num_pos]]
    neg = neg[torch.randperm(neg.numel(), device=neg.device)[:num_neg]]
    return pos, neg
