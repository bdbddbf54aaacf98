# Copyright (c) OpenMMLab. All rights reserved.
"""Box arithmetic of two-stage detectors as pure tensor functions.

Boxes are ``[..., 4]`` tensors ``(x1, y1, x2, y2)`` in pixels (a box spans
``x2 - x1`` pixels; no ``+ 1``). Deltas are the Faster R-CNN encoding,
divided by ``stds`` (0.1, 0.1, 0.2, 0.2 for the RoI head in MMDetection's
recipe, i.e. torchvision's weights 10, 10, 5, 5):

    dx = (gx - px) / pw / sx,  dy = (gy - py) / ph / sy,
    dw = log(gw / pw) / sw,     dh = log(gh / ph) / sh.
"""
import math
from typing import Optional, Sequence, Tuple

import torch
from torch import Tensor

#: Largest ``dw``/``dh`` applied when decoding (``exp`` would overflow).
MAX_LOG_RATIO = math.log(1000. / 16)


def box_area(boxes: Tensor) -> Tensor:
    """``[..., 4]`` boxes -> ``[...]`` areas (zero for empty boxes)."""
    return ((boxes[..., 2] - boxes[..., 0]).clamp(min=0) *
            (boxes[..., 3] - boxes[..., 1]).clamp(min=0))


def box_iou(boxes1: Tensor, boxes2: Tensor) -> Tensor:
    """Pairwise intersection over union.

    Args:
        boxes1 (Tensor): ``[M, 4]`` boxes.
        boxes2 (Tensor): ``[K, 4]`` boxes.

    Returns:
        Tensor: ``[M, K]`` IoUs (0 where the union is empty).
    """
    lt = torch.maximum(boxes1[:, None, :2], boxes2[None, :, :2])
    rb = torch.minimum(boxes1[:, None, 2:], boxes2[None, :, 2:])
    inter = (rb - lt).clamp(min=0).prod(-1)
    union = box_area(boxes1)[:, None] + box_area(boxes2)[None] - inter
    return torch.where(union > 0, inter / union.clamp(min=1e-12),
                       torch.zeros_like(inter))


def _centre_size(boxes: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
    w = boxes[..., 2] - boxes[..., 0]
    h = boxes[..., 3] - boxes[..., 1]
    return boxes[..., 0] + 0.5 * w, boxes[..., 1] + 0.5 * h, w, h


def encode_boxes(priors: Tensor, targets: Tensor,
                 stds: Sequence[float] = (1., 1., 1., 1.)) -> Tensor:
    """Deltas that move ``priors`` onto ``targets`` (both ``[..., 4]``)."""
    px, py, pw, ph = _centre_size(priors)
    gx, gy, gw, gh = _centre_size(targets)
    pw, ph = pw.clamp(min=1e-6), ph.clamp(min=1e-6)
    deltas = torch.stack(((gx - px) / pw, (gy - py) / ph,
                          torch.log(gw.clamp(min=1e-6) / pw),
                          torch.log(gh.clamp(min=1e-6) / ph)), dim=-1)
    return deltas / deltas.new_tensor(stds)


def decode_boxes(priors: Tensor, deltas: Tensor,
                 stds: Sequence[float] = (1., 1., 1., 1.),
                 max_shape: Optional[Tuple[int, int]] = None) -> Tensor:
    """Apply ``deltas`` to ``priors``; the inverse of :func:`encode_boxes`.

    Args:
        priors (Tensor): ``[..., 4]`` boxes.
        deltas (Tensor): ``[..., 4]`` deltas (broadcast with ``priors``).
        stds (Sequence[float]): Delta scales. Default: all 1.
        max_shape (tuple[int, int], optional): ``(height, width)`` to clip
            the boxes to. Default: None.

    Returns:
        Tensor: the decoded boxes.
    """
    d = deltas * deltas.new_tensor(stds)
    px, py, pw, ph = _centre_size(priors)
    cx = px + d[..., 0] * pw
    cy = py + d[..., 1] * ph
    w = pw * d[..., 2].clamp(max=MAX_LOG_RATIO).exp()
    h = ph * d[..., 3].clamp(max=MAX_LOG_RATIO).exp()
    boxes = torch.stack((cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w,
                         cy + 0.5 * h), dim=-1)
    if max_shape is not None:
        boxes = clip_boxes(boxes, max_shape)
    return boxes


def clip_boxes(boxes: Tensor, shape: Tuple[int, int]) -> Tensor:
    """Clip ``[..., 4]`` boxes to an image of ``shape = (height, width)``."""
    h, w = shape
    return torch.stack((boxes[..., 0].clamp(0, w), boxes[..., 1].clamp(0, h),
                        boxes[..., 2].clamp(0, w), boxes[..., 3].clamp(0, h)),
                       dim=-1)


def base_anchors(sizes: Sequence[float],
                 ratios: Sequence[float]) -> Tensor:
    """Anchors centred on the origin, one per ``(ratio, size)`` pair.

    An anchor of size ``s`` and ratio ``r = h / w`` has area ``s^2``:
    ``w = s / sqrt(r)``, ``h = s * sqrt(r)``.

    Returns:
        Tensor: ``[len(ratios) * len(sizes), 4]``, ratio-major.
    """
    sizes = torch.as_tensor(sizes, dtype=torch.float32)
    ratios = torch.as_tensor(ratios, dtype=torch.float32)
    w = (sizes[None, :] / ratios.sqrt()[:, None]).flatten()
    h = (sizes[None, :] * ratios.sqrt()[:, None]).flatten()
    return torch.stack((-w / 2, -h / 2, w / 2, h / 2), dim=1)


def anchor_grid(base: Tensor, height: int, width: int,
                stride: int) -> Tensor:
    """Every base anchor at every cell of a ``height x width`` map.

    Cell ``(i, j)`` is centred on pixel ``((j + 0.5) * stride, (i + 0.5) *
    stride)``.

    Args:
        base (Tensor): ``[A, 4]`` anchors around the origin.
        height (int): Feature map height.
        width (int): Feature map width.
        stride (int): Pixels per feature cell.

    Returns:
        Tensor: ``[height * width * A, 4]``, position-major (the layout of
        a ``[A * k, H, W]`` head output permuted to ``[H, W, A, k]``).
    """
    ys = (torch.arange(height, dtype=base.dtype, device=base.device) +
          0.5) * stride
    xs = (torch.arange(width, dtype=base.dtype, device=base.device) +
          0.5) * stride
    cy, cx = torch.meshgrid(ys, xs, indexing='ij')
    shifts = torch.stack((cx, cy, cx, cy), dim=-1).view(-1, 1, 4)
    return (shifts + base.view(1, -1, 4)).view(-1, 4)
