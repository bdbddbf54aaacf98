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

:func:`lsts_align` is that formula as written: it samples all ``N`` offsets
at once, a ``[B, C + E, N, H, W]`` tensor (0.9 GB for ResNet-50 res5 maps,
81 offsets, 6 frames). :func:`lsts_align_matmul` is the same function
computed without it (``LSTSAlign.switch_to_deploy()``): because the offsets
are shared by all positions, bilinear sampling at ``p + o_k`` is the
combination ``sum_u S[k, u] * f(p + n_u)`` of a few integer shifts ``n_u``
(the four corners of every ``o_k``) with coefficients ``S`` that do not
depend on ``p``. The similarities are then a gather of the ``E``-channel
Gram matrix of current and reference positions, and the output is one
matrix product of the reference features with the ``[HW, HW]`` matrix of
the summed weights, so nothing larger than ``C x H x W`` per frame is built.
"""
import math
from typing import List, Tuple

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


def lsts_similarity(ref_embed_k: Tensor, cur_embed: Tensor) -> Tensor:
    """The logits ``<e_cur(p), e_ref(p + o_k)>`` of the alignment weights.

    Args:
        ref_embed_k (Tensor): ``[B, E, N, H, W]`` reference embeddings
            sampled at ``p + o_k`` (:func:`lsts_sample`).
        cur_embed (Tensor): ``[B, E, H, W]`` current embeddings.

    Returns:
        Tensor: ``[B, N, H, W]`` logits (the softmax over ``N`` gives the
        weights).
    """
    # broadcast products, not einsum: einsum's bmm first copies the strided
    # [B, C, N, H, W] samples into its layout (4x slower on the CPU)
    return (ref_embed_k * cur_embed.to(ref_embed_k.dtype).unsqueeze(2)).sum(1)


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
    _check_inputs(ref_feat, cur_embed, ref_embed, offsets)
    c = ref_feat.shape[1]
    # one sampling pass for features and embeddings: [B, C + E, N, H, W]
    sampled = lsts_sample(torch.cat((ref_feat, ref_embed.to(ref_feat.dtype)),
                                    dim=1), offsets)
    feat_k, embed_k = sampled[:, :c], sampled[:, c:]
    weights = lsts_similarity(embed_k, cur_embed).softmax(dim=1)
    out = (weights.unsqueeze(1) * feat_k).sum(2)
    if return_weights:
        return out, weights
    return out


def _check_inputs(ref_feat: Tensor, cur_embed: Tensor, ref_embed: Tensor,
                  offsets: Tensor) -> None:
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


def shift_coefficients(offsets: Tensor) -> Tuple[Tensor, List[List[int]]]:
    """Bilinear sampling at ``p + o_k`` as integer shifts of the map.

    With ``o_k = n_k + (fx, fy)`` (``n_k`` the floor), the sample at ``p +
    o_k`` is ``(1 - fx)(1 - fy) f(p + n_k) + fx (1 - fy) f(p + n_k + (1,
    0)) + (1 - fx) fy f(p + n_k + (0, 1)) + fx fy f(p + n_k + (1, 1))``
    for every ``p`` (zero outside the map), as ``grid_sample`` computes it.

    Args:
        offsets (Tensor): ``[N, 2]`` offsets ``(dx, dy)`` in cells.

    Returns:
        tuple[Tensor, list[list[int]]]: ``[N, U]`` coefficients ``S`` (a
        differentiable function of ``offsets``; row ``k`` has the four
        corner weights of ``o_k``) and the ``U`` distinct integer shifts
        ``[dx, dy]``.
    """
    base = offsets.detach().floor()
    fx, fy = (offsets - base).unbind(1)
    coef = torch.stack(
        ((1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy), dim=1)
    corners = base.long().unsqueeze(1) + torch.tensor(
        [[0, 0], [1, 0], [0, 1], [1, 1]], device=offsets.device)
    shifts, index = torch.unique(
        corners.view(-1, 2), dim=0, return_inverse=True)
    onehot = F.one_hot(index.view(-1, 4), shifts.shape[0]).to(coef.dtype)
    return (coef.unsqueeze(-1) * onehot).sum(1), shifts.tolist()


def _shift_index(shifts: List[List[int]], rows: Tuple[int, int],
                 keys: Tuple[int, int], width: int,
                 device) -> Tuple[Tensor, Tensor]:
    """For the query rows ``[y0, y1)`` and key rows ``[k0, k1)``: the flat
    key index of ``p + n_u`` for every query ``p`` and shift ``u``
    (``[P, U]``, 0 where outside) and whether it is inside the map."""
    (y0, y1), (k0, k1) = rows, keys
    ys = torch.arange(y0, y1, device=device).view(-1, 1, 1)
    xs = torch.arange(width, device=device).view(1, -1, 1)
    n = torch.tensor(shifts, device=device).view(1, 1, -1, 2)
    ky, kx = ys + n[..., 1], xs + n[..., 0]
    valid = (ky >= k0) & (ky < k1) & (kx >= 0) & (kx < width)
    index = ((ky - k0) * width + kx) * valid
    return index.flatten(0, 1), valid.flatten(0, 1)


def lsts_align_matmul(ref_feat: Tensor,
                      cur_embed: Tensor,
                      ref_embed: Tensor,
                      offsets: Tensor,
                      return_weights: bool = False,
                      max_pairs: int = 1 << 20):
    """:func:`lsts_align` without the ``[B, C, N, H, W]`` samples.

    Same arguments, result and gradients (to rounding); see the module
    docstring. Query rows are processed in chunks: a chunk of ``P``
    positions needs the ``Q`` positions of the rows its shifts reach, and
    chunks are cut so that ``P * Q <= max_pairs`` (one chunk for ResNet
    res5 maps of 14 x 14). The Gram and weight matrices are ``[B, P, Q]``.
    The integer shifts are read from ``offsets`` (``.tolist()``): a traced
    (ONNX) graph keeps those of export time, as a deployed model's fixed
    offsets need.

    Args:
        ref_feat (Tensor): ``[B, C, H, W]`` reference features to align.
        cur_embed (Tensor): ``[B, E, H, W]`` embedded current features.
        ref_embed (Tensor): ``[B, E, H, W]`` embedded reference features.
        offsets (Tensor): ``[N, 2]`` sampling offsets ``(dx, dy)``.
        return_weights (bool): Also return the ``[B, N, H, W]`` softmax
            weights. Default: False.
        max_pairs (int): Query-key pairs per chunk. Default: 2 ** 20.

    Returns:
        Tensor | tuple[Tensor, Tensor]: ``[B, C, H, W]`` aligned features
        (and the weights).
    """
    _check_inputs(ref_feat, cur_embed, ref_embed, offsets)
    b, c, h, w = ref_feat.shape
    coef, shifts = shift_coefficients(offsets)
    coef = coef.to(ref_feat.dtype)
    cur_embed = cur_embed.to(ref_feat.dtype)
    ref_embed = ref_embed.to(ref_feat.dtype)
    low = min(s[1] for s in shifts)
    high = max(s[1] for s in shifts)
    span = high - low + 1
    step = max(1, math.isqrt(max_pairs // w // w + span * span // 4)
               - span // 2)
    outs, weights = [], []
    for y0 in range(0, h, step):
        y1 = min(h, y0 + step)
        k0, k1 = max(0, y0 + low), max(0, min(h, y1 + high))
        k0 = min(k0, k1)
        index, valid = _shift_index(shifts, (y0, y1), (k0, k1), w,
                                    ref_feat.device)
        query = cur_embed[:, :, y0:y1].flatten(2)  # [B, E, P]
        key = ref_embed[:, :, k0:k1].flatten(2)  # [B, E, Q]
        gram = query.transpose(1, 2) @ key  # [B, P, Q]
        if gram.shape[2] == 0:  # every shift leaves the map
            gram = gram.new_zeros(b, gram.shape[1], 1)
        index = index.expand(b, -1, -1)
        corr = gram.gather(2, index) * valid  # [B, P, U]
        weight = (corr @ coef.t()).softmax(dim=2)  # [B, P, N]
        summed = (weight @ coef) * valid  # [B, P, U]
        matrix = gram.new_zeros(gram.shape).scatter_add(2, index, summed)
        feat = ref_feat[:, :, k0:k1].flatten(2)  # [B, C, Q]
        if feat.shape[2] == 0:
            feat = feat.new_zeros(b, c, 1)
        outs.append((feat @ matrix.transpose(1, 2)).view(b, c, y1 - y0, w))
        weights.append(weight.transpose(1, 2).reshape(b, -1, y1 - y0, w))
    out = torch.cat(outs, dim=2)
    if return_weights:
        return out, torch.cat(weights, dim=2)
    return out
