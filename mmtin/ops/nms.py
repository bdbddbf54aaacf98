# Copyright (c) OpenMMLab. All rights reserved.
"""Greedy non-maximum suppression in plain PyTorch (no compiled ops)."""
import torch
from torch import Tensor

from .box_ops import box_iou


def nms(boxes: Tensor, scores: Tensor, iou_threshold: float) -> Tensor:
    """Greedy NMS: visit boxes by decreasing score, keep one unless its IoU
    with a kept box exceeds ``iou_threshold``.

    Args:
        boxes (Tensor): ``[M, 4]`` boxes ``(x1, y1, x2, y2)``.
        scores (Tensor): ``[M]`` scores.
        iou_threshold (float): Boxes with IoU ``> iou_threshold`` to a
            higher-scored kept box are removed.

    Returns:
        Tensor: ``int64`` indices of the kept boxes, by decreasing score.
    """
    if boxes.dim() != 2 or boxes.shape[-1] != 4 or scores.shape != (
            boxes.shape[0], ):
        raise ValueError(
            f'nms: boxes must be [M, 4] and scores [M]; got boxes '
            f'{tuple(boxes.shape)}, scores {tuple(scores.shape)}')
    order = scores.argsort(descending=True, stable=True)
    if order.numel() == 0:
        return order
    iou = box_iou(boxes[order], boxes[order]) > iou_threshold
    removed = torch.zeros(order.numel(), dtype=torch.bool)
    keep = []
    for i in range(order.numel()):
        if removed[i]:
            continue
        keep.append(i)
        removed |= iou[i]
    return order[torch.as_tensor(keep, dtype=torch.long,
                                 device=order.device)]


def batched_nms(boxes: Tensor, scores: Tensor, groups: Tensor,
                iou_threshold: float) -> Tensor:
    """NMS within each group (e.g. class) independently.

    Boxes of different groups are moved apart by a group-dependent offset
    larger than any coordinate, so that one :func:`nms` call never lets
    them overlap.

    Args:
        boxes (Tensor): ``[M, 4]`` boxes.
        scores (Tensor): ``[M]`` scores.
        groups (Tensor): ``[M]`` integer group of each box.
        iou_threshold (float): See :func:`nms`.

    Returns:
        Tensor: indices of the kept boxes, by decreasing score.
    """
    if boxes.numel() == 0:
        return torch.zeros(0, dtype=torch.long, device=boxes.device)
    span = boxes.max() - boxes.min() + 1
    shifted = boxes - boxes.min() + (groups.to(boxes) * span)[:, None]
    return nms(shifted, scores, iou_threshold)
