# Copyright (c) OpenMMLab. All rights reserved.
"""Differentiable batched patch crop (the AdaFocusV2 crop).

A ``P x P`` patch is read from every image of a batch at a continuous
centre by bilinear interpolation, so the patch is differentiable with
respect to both the image and the centre (AdaFocusV2, CVPR 2022: the
gradient of the loss reaches the patch-selection policy through the
interpolation weights).

Coordinates are pixel coordinates with pixel ``k`` covering ``[k, k + 1)``:
a patch with centre ``c`` covers ``[c - P / 2, c + P / 2)``, so its pixel
``i`` is read at index position ``c - P / 2 + i``. When ``c - P / 2`` is
an integer ``k`` the patch equals the slice ``image[..., k:k + P]``
exactly.

Borders (``padding``):

* ``'clamp'`` (default): each centre is first clamped to
  ``[P / 2, size - P / 2]``, so the patch always lies inside the image.
  The gradient with respect to a clamped coordinate is zero.
* ``'zeros'``: the centre is used as given; pixels read outside the image
  are zero (and bilinear weights towards outside pixels read zeros).
"""
from typing import Tuple, Union

import torch
import torch.nn.functional as F

_PADDING = ('clamp', 'zeros')


def _as_pair(size, name) -> Tuple[int, int]:
    if isinstance(size, int) and not isinstance(size, bool):
        size = (size, size)
    if (not isinstance(size, (tuple, list)) or len(size) != 2
            or not all(isinstance(s, int) and s > 0 for s in size)):
        raise ValueError(
            f'{name} must be a positive int or a pair of positive ints '
            f'(height, width), got {size!r}')
    return int(size[0]), int(size[1])


def clamp_centers(centers: torch.Tensor, image_size: Tuple[int, int],
                  patch_size: Tuple[int, int]) -> torch.Tensor:
    """Clamp ``(x, y)`` centres so that the patch stays inside the image.

    Args:
        centers (torch.Tensor): ``[N, 2]`` centres ``(x, y)`` in pixels.
        image_size (tuple[int, int]): ``(height, width)`` of the image.
        patch_size (tuple[int, int]): ``(height, width)`` of the patch.

    Returns:
        torch.Tensor: The clamped centres, same shape.
    """
    (h, w), (ph, pw) = image_size, patch_size
    cx = centers[:, 0].clamp(pw / 2, w - pw / 2)
    cy = centers[:, 1].clamp(ph / 2, h - ph / 2)
    return torch.stack([cx, cy], dim=1)


def patch_crop(images: torch.Tensor,
               centers: torch.Tensor,
               patch_size: Union[int, Tuple[int, int]],
               padding: str = 'clamp') -> torch.Tensor:
    """Crop one patch per image at a continuous centre, bilinearly.

    Args:
        images (torch.Tensor): ``[N, C, H, W]`` floating-point images.
        centers (torch.Tensor): ``[N, 2]`` patch centres ``(x, y)`` in
            pixels (see the module docstring for the convention).
        patch_size (int | tuple[int, int]): ``P`` or ``(Ph, Pw)``; must
            not exceed the image size.
        padding (str): ``'clamp'`` (keep the patch inside the image) or
            ``'zeros'`` (read zeros outside). Default: ``'clamp'``.

    Returns:
        torch.Tensor: ``[N, C, Ph, Pw]`` patches, differentiable with
        respect to ``images`` and ``centers``.
    """
    if not torch.is_tensor(images) or images.dim() != 4:
        raise ValueError('images must be a [N, C, H, W] tensor, got shape '
                         f'{tuple(getattr(images, "shape", ()))}')
    if not images.is_floating_point():
        raise TypeError(f'images must be floating point, got {images.dtype}')
    n, _, h, w = images.shape
    if (not torch.is_tensor(centers) or centers.shape != (n, 2)):
        raise ValueError(
            f'centers must be a [N, 2] = [{n}, 2] tensor of (x, y), got '
            f'shape {tuple(getattr(centers, "shape", ()))}')
    ph, pw = _as_pair(patch_size, 'patch_size')
    if ph > h or pw > w:
        raise ValueError(f'patch_size {(ph, pw)} is larger than the images '
                         f'{(h, w)}')
    if padding not in _PADDING:
        raise ValueError(f'padding must be one of {_PADDING}, got '
                         f'{padding!r}')
    centers = centers.to(images.dtype)
    if padding == 'clamp':
        centers = clamp_centers(centers, (h, w), (ph, pw))
    # index positions of the patch pixels, [N, Pw] and [N, Ph]
    ar_x = torch.arange(pw, device=images.device, dtype=images.dtype)
    ar_y = torch.arange(ph, device=images.device, dtype=images.dtype)
    pos_x = centers[:, :1] - pw / 2 + ar_x
    pos_y = centers[:, 1:] - ph / 2 + ar_y
    # grid_sample, align_corners=False: index p <-> (2p + 1) / size - 1
    gx = (2 * pos_x + 1) / w - 1
    gy = (2 * pos_y + 1) / h - 1
    grid = torch.stack(
        [gx[:, None, :].expand(n, ph, pw), gy[:, :, None].expand(n, ph, pw)],
        dim=-1)
    return F.grid_sample(
        images, grid, mode='bilinear', padding_mode='zeros',
        align_corners=False)
