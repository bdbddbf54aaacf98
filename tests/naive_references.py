# Copyright (c) OpenMMLab. All rights reserved.
"""Naive references of the TIN shift math (spec formulas as loops), shared
by the op, layer and recognizer tests."""
import torch


def naive_shift(x, shift):
    """mmcv tin_shift forward: ``out[n, t, g] = x[n, t - s[n, g], g]``.

    ``x`` is ``(N, T, C, ...)``, ``shift`` ``(N, G)`` integer shifts; group
    ``g`` is channels ``[g * C/G, (g + 1) * C/G)``; frames shifted in from
    outside the clip are zero.
    """
    n_, t_, c_ = x.shape[:3]
    groups = shift.shape[1]
    cg = c_ // groups
    out = torch.zeros_like(x)
    for n in range(n_):
        for g in range(groups):
            s = int(shift[n, g])
            for t in range(t_):
                if 0 <= t - s < t_:
                    out[n, t, g * cg:(g + 1) * cg] = x[n, t - s,
                                                        g * cg:(g + 1) * cg]
    return out


def group_weight(w, x):
    """``[N, G]`` -> ``[N, 1, C, 1, ...]``, each repeated ``C // G`` times."""
    n_, _, c_ = x.shape[:3]
    rep = w.repeat_interleave(c_ // w.shape[1], dim=1)
    return rep.view(n_, 1, c_, *([1] * (x.dim() - 3)))


def naive_linear_sampler(x, offset):
    """MMAction2's linear_sampler over two mmcv tin_shift calls:
    ``w0 * shift(x, floor(o)) + w1 * shift(x, floor(o) + 1)``, with its
    weights ``w0 = 1 - (o - floor(o).float())`` (float32 at least)."""
    o0 = torch.floor(offset).int()
    w0 = 1 - (offset - o0.float())
    w1 = 1 - w0
    return (group_weight(w0, x) * naive_shift(x, o0) +
            group_weight(w1, x) * naive_shift(x, o0 + 1))
