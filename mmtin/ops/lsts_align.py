# Copyright (c) OpenMMLab. All rights reserved.
"""Learnable spatio-temporal sampling (LSTS) alignment, as a pure function.

Written from the description in Jiang et al., "Learning Where to Focus for
Efficient Video Object Detection" (ECCV 2020): for every position ``p`` of
the current frame, the reference frame's features are sampled at ``p + o_k``
for ``N`` offsets ``o_k`` that are shared by all positions (bilinear, zero
outside the map). Each sample is weighted by a softmax over ``k`` of the
similarity of the embedded current and reference features,

    w_k(p) = softmax_k <e_cur(p), e_ref(p + o_k)>,
    out(p) = sum_k w_k(p) * f_ref(p + o_k).
"""
import torch
import torch.nn.functional as F
from torch import Tensor


def sampling_grid(offsets: Tensor, height: int, width: int) -> Tensor:
    """The ``grid_sample`` grid of ``p + o_k``: normalised coordinates of
    every position ``p`` shifted by every offset ``o_k``. (Not the offsets
    themselves: their square-grid initialisation is
    :func:`mmtin.models.layers.lsts_align.grid_offsets`.)

    Coordinates follow ``align_corners=False``: pixel ``x`` (0-based, in
    feature-map cells) maps to ``(2 * x + 1) / width - 1``.

    Args:
        offsets (Tensor): ``[N, 2]`` offsets ``(dx, dy)`` in cells.
        height (int): Feature map height ``H``.
        width (int): Feature map width ``W``.

    Returns:
        Tensor: ``[N * H, W, 2]`` grid (x, y order), dtype of ``offsets``.
    """
    ys = torch.arange(height, device=offsets.device, dtype=offsets.dtype)
    xs = torch.arange(width, device=offsets.device, dtype=offsets.dtype)
    # [N, H, W] absolute sampling positions in cells
    px = xs.view(1, 1, width) + offsets[:, 0].view(-1, 1, 1)
    py = ys.view(1, height, 1) + offsets[:, 1].view(-1, 1, 1)
    gx = (2 * px + 1) / width - 1
    gy = (2 * py + 1) / height - 1
    grid = torch.stack(
        (gx.expand(-1, height, width), gy.expand(-1, height, width)), dim=-1)
    return grid.reshape(-1, width, 2)


def lsts_sample(x: Tensor, offsets: Tensor) -> Tensor:
    """Bilinearly sample ``x`` at ``p + o_k`` for every position and offset.

    Args:
        x (Tensor): ``[B, C, H, W]`` features.
        offsets (Tensor): ``[N, 2]`` offsets ``(dx, dy)`` in cells.

    Returns:
        Tensor: ``[B, C, N, H, W]``; samples outside the map are zero.
    """
    b, c, h, w = x.shape
    grid = sampling_grid(offsets, h, w).to(x.dtype)
    grid = grid.unsqueeze(0).expand(b, -1, -1, -1)
    out = F.grid_sample(
        x, grid, mode='bilinear', padding_mode='zeros', align_corners=False)
    return out.view(b, c, -1, h, w)


def lsts_align(ref_feat: Tensor,
               cur_embed: Tensor,
               ref_embed: Tensor,
               offsets: Tensor,
               return_weights: bool = False):
    """Align reference features to the current frame with LSTS.

    All frames of all samples form the batch dimension ``B`` (e.g. ``N *
    T`` pairs); ``cur_embed[i]`` is matched against ``ref_embed[i]`` and
    ``ref_feat[i]`` is aligned.

    Args:
        ref_feat (Tensor): ``[B, C, H, W]`` reference features to align.
        cur_embed (Tensor): ``[B, E, H, W]`` embedded current features.
        ref_embed (Tensor): ``[B, E, H, W]`` embedded reference features.
        offsets (Tensor): ``[N, 2]`` sampling offsets ``(dx, dy)`` in
            feature-map cells, shared by all positions.
        return_weights (bool): Also return the ``[B, N, H, W]`` softmax
            weights. Default: False.

    Returns:
        Tensor | tuple[Tensor, Tensor]: ``[B, C, H, W]`` aligned features
        (and the weights).
    """
    if ref_feat.dim() != 4 or cur_embed.dim() != 4 or ref_embed.dim() != 4:
        raise ValueError(
            'lsts_align: ref_feat, cur_embed and ref_embed must be [B, C, H, '
            f'W]; got {tuple(ref_feat.shape)}, {tuple(cur_embed.shape)}, '
            f'{tuple(ref_embed.shape)}')
    if cur_embed.shape != ref_embed.shape:
        raise ValueError(
            f'lsts_align: cur_embed {tuple(cur_embed.shape)} and ref_embed '
            f'{tuple(ref_embed.shape)} must have the same shape')
    if (ref_feat.shape[0] != cur_embed.shape[0]
            or ref_feat.shape[2:] != cur_embed.shape[2:]):
        raise ValueError(
            f'lsts_align: ref_feat {tuple(ref_feat.shape)} and the '
            f'embeddings {tuple(cur_embed.shape)} must share B, H and W')
    if offsets.dim() != 2 or offsets.shape[1] != 2:
        raise ValueError(
            f'lsts_align: offsets must be [N, 2]; got {tuple(offsets.shape)}')
    c = ref_feat.shape[1]
    # one sampling pass for features and embeddings: [B, C + E, N, H, W]
    sampled = lsts_sample(torch.cat((ref_feat, ref_embed.to(ref_feat.dtype)),
                                    dim=1), offsets)
    feat_k, embed_k = sampled[:, :c], sampled[:, c:]
    # broadcast products, not einsum: einsum's bmm first copies the strided
    # [B, C, N, H, W] samples into its layout (4x slower on the CPU)
    logits = (embed_k * cur_embed.to(embed_k.dtype).unsqueeze(2)).sum(1)
    weights = logits.softmax(dim=1)
    out = (weights.unsqueeze(1) * feat_k).sum(2)
    if return_weights:
        return out, weights
    return out
