# Copyright (c) OpenMMLab. All rights reserved.
"""RoIAlign (He et al., Mask R-CNN) in plain PyTorch: the bilinear samples
are one sparse matrix product with the flattened feature maps.

Each RoI is cut into ``out_h x out_w`` bins; every bin averages
``sampling_ratio^2`` bilinear samples at regularly spaced points. The
sampling follows the common convention (Detectron2 / torchvision with
``aligned=True``): a box is shifted by half a pixel so that pixel centres
sit at integer coordinates, points more than one pixel outside the map
count as zero, and points in the last half pixel clamp to the border.
"""
from typing import Tuple, Union

import torch
from torch import Tensor


def _bilinear_matrix(y: Tensor, x: Tensor, rows: Tensor, base: Tensor,
                     height: int, width: int, shape: Tuple[int, int],
                     scale: float) -> Tensor:
    """Sparse ``shape`` matrix: row ``rows[r, p]`` gets ``scale`` times the
    bilinear weights of point ``(y, x)[r, p]`` on the cells of the
    flattened maps (``base[r]``: the first cell of RoI ``r``'s image)."""
    valid = ((y >= -1) & (y <= height) & (x >= -1) & (x <= width)).to(y)
    y = y.clamp(min=0)
    x = x.clamp(min=0)
    y_low = y.floor().clamp(max=height - 1)
    x_low = x.floor().clamp(max=width - 1)
    y = torch.where(y_low >= height - 1, y_low, y)
    x = torch.where(x_low >= width - 1, x_low, x)
    y_high = (y_low + 1).clamp(max=height - 1)
    x_high = (x_low + 1).clamp(max=width - 1)
    ly, lx = y - y_low, x - x_low
    hy, hx = 1 - ly, 1 - lx
    cols, weights = [], []
    for yy, wy in ((y_low, hy), (y_high, ly)):
        for xx, wx in ((x_low, hx), (x_high, lx)):
            cols.append((base[:, None] + (yy * width + xx).long()).flatten())
            weights.append((wy * wx * valid * scale).flatten())
    index = torch.stack((rows.flatten().repeat(4), torch.cat(cols)))
    # indices are in range by construction (rows, clamped cells, checked
    # batch indices): skip the invariant checks
    return torch.sparse_coo_tensor(index, torch.cat(weights), shape,
                                   check_invariants=False)


def roi_align(feat: Tensor,
              rois: Tensor,
              output_size: Union[int, Tuple[int, int]],
              spatial_scale: float,
              sampling_ratio: int = 2) -> Tensor:
    """Pool a ``[C, out_h, out_w]`` feature for every RoI.

    Args:
        feat (Tensor): ``[B, C, H, W]`` feature maps.
        rois (Tensor): ``[R, 5]`` rows ``(batch_index, x1, y1, x2, y2)`` in
            image pixels.
        output_size (int | tuple[int, int]): ``out_h, out_w`` bins.
        spatial_scale (float): Feature cells per image pixel (``1 /
            stride``).
        sampling_ratio (int): Samples per bin along each axis (a fixed
            count, >= 1). Default: 2.

    Returns:
        Tensor: ``[R, C, out_h, out_w]``.
    """
    if feat.dim() != 4:
        raise ValueError(f'roi_align: feat must be [B, C, H, W], got '
                         f'{tuple(feat.shape)}')
    if rois.dim() != 2 or rois.shape[1] != 5:
        raise ValueError(f'roi_align: rois must be [R, 5] (batch_index, x1, '
                         f'y1, x2, y2), got {tuple(rois.shape)}')
    if isinstance(sampling_ratio, bool) or not isinstance(
            sampling_ratio, int) or sampling_ratio < 1:
        raise ValueError('roi_align: sampling_ratio must be an int >= 1, '
                         f'got {sampling_ratio!r}')
    out_h, out_w = ((output_size, output_size) if isinstance(
        output_size, int) else tuple(output_size))
    b, c, height, width = feat.shape
    r = rois.shape[0]
    if r == 0:
        return feat.new_zeros(0, c, out_h, out_w)
    index = rois[:, 0]
    if (index < 0).any() or (index >= b).any() or (index != index.round()
                                                   ).any():
        raise ValueError(
            f'roi_align: batch indices (rois[:, 0]) must be integers in [0, '
            f'{b - 1}] for {b} feature maps, got {index.unique().tolist()}')
    rois = rois.to(feat.dtype)
    x1 = rois[:, 1] * spatial_scale - 0.5
    y1 = rois[:, 2] * spatial_scale - 0.5
    bin_w = (rois[:, 3] * spatial_scale - 0.5 - x1) / out_w
    bin_h = (rois[:, 4] * spatial_scale - 0.5 - y1) / out_h
    s = sampling_ratio
    # sample positions inside a bin, in bins: (i + 0.5) / s
    frac = (torch.arange(s, dtype=feat.dtype, device=feat.device) + 0.5) / s
    gy = (torch.arange(out_h, dtype=feat.dtype, device=feat.device)[:, None]
          + frac[None]).flatten()  # [out_h * s]
    gx = (torch.arange(out_w, dtype=feat.dtype, device=feat.device)[:, None]
          + frac[None]).flatten()  # [out_w * s]
    ys = y1[:, None] + gy[None] * bin_h[:, None]  # [R, out_h * s]
    xs = x1[:, None] + gx[None] * bin_w[:, None]  # [R, out_w * s]
    y = ys[:, :, None].expand(-1, -1, xs.shape[1]).reshape(r, -1)
    x = xs[:, None, :].expand(-1, ys.shape[1], -1).reshape(r, -1)
    flat = feat.permute(0, 2, 3, 1).reshape(-1, c)
    base = rois[:, 0].long() * (height * width)
    # the bin of every point: rows of the [R * out_h * out_w, C] output
    bin_y = torch.arange(out_h * s, device=feat.device) // s
    bin_x = torch.arange(out_w * s, device=feat.device) // s
    bins = (bin_y[:, None] * out_w + bin_x[None]).flatten()
    rows = torch.arange(r, device=feat.device)[:, None] * (out_h *
                                                           out_w) + bins
    weights = _bilinear_matrix(y.detach(), x.detach(), rows, base, height,
                               width, (r * out_h * out_w, flat.shape[0]),
                               1. / (s * s))
    # one sparse product gathers, weighs and averages every bin's samples
    values = torch.sparse.mm(weights, flat).view(r, out_h, out_w, c)
    return values.permute(0, 3, 1, 2).contiguous()
