# Copyright (c) OpenMMLab. All rights reserved.
"""Does AdaFocus's patch cover the target? Coverage of chosen, random and
fixed patches, and the collapse test of a policy.

All boxes are squares in the model's input pixels, given by their top-left
corner ``(x, y)`` (arrays ``[..., 2]``): a patch of side ``P`` covers
``[x, x + P) x [y, y + P)``, the target of side ``S`` likewise.

Coverage of one frame (:func:`coverage`):

* ``area``: the fraction of the target's area inside the patch, in
  ``[0, 1]``;
* ``whole``: the whole target is inside the patch, each of its four edges
  allowed to stick out by at most ``tol`` pixels (default half a pixel:
  AdaFocus V1's grid puts corners at fractional pixels and the crop
  interpolates there).

Baselines over the same frames:

* random (:func:`random_coverage`): the expected ``area`` and ``whole`` of
  a patch whose corner is uniform on ``[0, W - P]^2``, what the
  recognizer's ``patch_mode='random'`` draws; exact (the axes are
  independent, the overlap piecewise linear), no sampling noise;
* best fixed position (:func:`best_fixed_position`): the one corner, over
  every integer corner ``[0, W - P]^2``, with the largest ``whole`` share
  over all frames (ties: larger ``area``). It is an oracle chosen on the
  very frames it is scored on: an upper bound of any fixed position.

Collapse (:func:`policy_spread`): a policy *collapsed* when it sends at
least :data:`COLLAPSE_TOP_SHARE` of all frames to one corner (rounded to
whole pixels), or when the spread of its patch centres is below
:data:`COLLAPSE_SPREAD_RATIO` of a perfect tracker's. The spread is the
root mean square distance of the centres from their mean over every frame
of every test video; the perfect tracker centres the patch on the target,
clamped to where a patch centre can be (``[P / 2, W - P / 2]``).
"""
from typing import Dict

import numpy as np

#: A policy sending this share of frames (or more) to one corner collapsed.
COLLAPSE_TOP_SHARE = 0.5
#: A policy whose centre spread is below this fraction of a perfect
#: tracker's collapsed.
COLLAPSE_SPREAD_RATIO = 0.25


def _overlap(a0, a_len, b0, b_len):
    """Length of ``[a0, a0 + a_len) n [b0, b0 + b_len)`` (broadcast)."""
    lo = np.maximum(a0, b0)
    hi = np.minimum(a0 + a_len, b0 + b_len)
    return np.clip(hi - lo, 0, None)


def _inside(patch0, patch, target0, target, tol):
    """1D: the target's interval lies in the patch's, ``tol`` allowed."""
    return (patch0 <= target0 + tol) & (target0 + target <= patch0 + patch +
                                        tol)


def coverage(patch_xy, patch_size: float, target_xy, target_size: float,
             tol: float = 0.5) -> Dict[str, np.ndarray]:
    """Per-frame coverage of the target by the patch.

    Args:
        patch_xy (array): Patch corners ``[..., 2]`` ``(x, y)``.
        patch_size (float): Patch side ``P``.
        target_xy (array): Target corners ``[..., 2]`` (broadcast with
            ``patch_xy``).
        target_size (float): Target side ``S``.
        tol (float): Pixels an edge of the target may stick out and still
            count as ``whole``. Default: 0.5.

    Returns:
        dict: ``area`` (fraction of the target's area inside the patch)
        and ``whole`` (bool), each of the broadcast shape without the last
        axis.
    """
    p = np.asarray(patch_xy, float)
    t = np.asarray(target_xy, float)
    ox = _overlap(p[..., 0], patch_size, t[..., 0], target_size)
    oy = _overlap(p[..., 1], patch_size, t[..., 1], target_size)
    whole = (_inside(p[..., 0], patch_size, t[..., 0], target_size, tol)
             & _inside(p[..., 1], patch_size, t[..., 1], target_size, tol))
    return dict(area=ox * oy / float(target_size)**2, whole=whole)


def _axis_expectations(t0, target, patch, frame, tol):
    """Per frame, corner ``c ~ U[0, frame - patch]`` on one axis: ``P(the
    target's interval inside the patch's)`` and ``E[overlap length]``."""
    room = frame - patch
    t0 = np.asarray(t0, float)
    if room <= 0:
        c = np.zeros_like(t0)
        return (_inside(c, patch, t0, target, tol).astype(float),
                _overlap(c, patch, t0, target))
    # inside  <=>  t0 + target - patch - tol <= c <= t0 + tol
    lo = np.clip(t0 + target - patch - tol, 0, room)
    hi = np.clip(t0 + tol, 0, room)
    p_inside = np.clip(hi - lo, 0, None) / room
    # the overlap is piecewise linear in c, with kinks where an edge of the
    # patch passes one of the target: the trapezoid rule on the kinks and
    # the ends is exact
    t = t0[:, None]
    pts = np.sort(np.clip(np.concatenate(
        [np.zeros_like(t), np.full_like(t, room), t - patch,
         t + target - patch, t, t + target], 1), 0, room), 1)
    vals = _overlap(pts, patch, t, target)
    area = ((vals[:, 1:] + vals[:, :-1]) / 2 * np.diff(pts, axis=1)).sum(1)
    return p_inside, area / room


def random_coverage(target_xy, target_size: float, patch_size: float,
                    frame_size: int,
                    tol: float = 0.5) -> Dict[str, float]:
    """Expected coverage of uniformly random patches over the frames.

    Args:
        target_xy (array): Target corners ``[..., 2]``.
        target_size (float): Target side ``S``.
        patch_size (float): Patch side ``P``.
        frame_size (int): Frame side ``W`` (square frames).
        tol (float): As :func:`coverage`. Default: 0.5.

    Returns:
        dict: ``area`` and ``whole``: means over all frames.
    """
    t = np.asarray(target_xy, float).reshape(-1, 2)
    px, ex = _axis_expectations(t[:, 0], target_size, patch_size,
                                frame_size, tol)
    py, ey = _axis_expectations(t[:, 1], target_size, patch_size,
                                frame_size, tol)
    return dict(area=float(np.mean(ex * ey) / target_size**2),
                whole=float(np.mean(px * py)))


def best_fixed_position(target_xy, target_size: float, patch_size: float,
                        frame_size: int,
                        tol: float = 0.5) -> Dict[str, object]:
    """The single integer corner that covers the most frames' targets.

    Args:
        target_xy (array): Target corners ``[..., 2]``.
        target_size (float): Target side ``S``.
        patch_size (float): Patch side ``P``.
        frame_size (int): Frame side ``W``.
        tol (float): As :func:`coverage`. Default: 0.5.

    Returns:
        dict: ``corner`` ``(x, y)``, its ``whole`` share and ``area``
        (means over all frames).
    """
    t = np.asarray(target_xy, float).reshape(-1, 2)
    corners = np.arange(0, max(int(np.floor(frame_size - patch_size)), 0) +
                        1, dtype=float)
    n = len(t)
    ins, ovl = [], []
    for axis in (0, 1):
        t0 = t[:, axis:axis + 1]
        ins.append(_inside(corners[None], patch_size, t0, target_size,
                           tol).astype(float))
        ovl.append(_overlap(corners[None], patch_size, t0, target_size))
    whole = ins[0].T @ ins[1] / n  # [x corners, y corners]
    area = ovl[0].T @ ovl[1] / (n * target_size**2)
    order = np.lexsort((-area.ravel(), -whole.ravel()))
    ix, iy = np.unravel_index(order[0], whole.shape)
    return dict(corner=(float(corners[ix]), float(corners[iy])),
                whole=float(whole[ix, iy]), area=float(area[ix, iy]))


def policy_spread(patch_xy, target_xy, patch_size: float,
                  target_size: float, frame_size: int) -> Dict[str, object]:
    """How varied the chosen patches are, and whether the policy collapsed.

    Args:
        patch_xy (array): Chosen corners ``[..., 2]`` over all frames of
            all test videos.
        target_xy (array): The targets' corners, same shape.
        patch_size (float): Patch side ``P``.
        target_size (float): Target side ``S``.
        frame_size (int): Frame side ``W``.

    Returns:
        dict: ``spread`` (px, RMS distance of the patch centres from their
        mean), ``tracker_spread`` (the same for a perfect tracker),
        ``spread_ratio``, ``top_share`` (share of frames at the most used
        corner, rounded to pixels), ``top_corner`` and ``collapsed``
        (:data:`COLLAPSE_TOP_SHARE`, :data:`COLLAPSE_SPREAD_RATIO`).
    """
    p = np.asarray(patch_xy, float).reshape(-1, 2)
    t = np.asarray(target_xy, float).reshape(-1, 2)

    def spread(c):
        return float(np.sqrt(((c - c.mean(0))**2).sum(1).mean()))

    centres = p + patch_size / 2
    ideal = np.clip(t + target_size / 2, patch_size / 2,
                    frame_size - patch_size / 2)
    mine, best = spread(centres), spread(ideal)
    ratio = mine / best if best > 0 else float('inf')
    keys, counts = np.unique(np.rint(p).astype(int), axis=0,
                             return_counts=True)
    top = int(np.argmax(counts))
    top_share = float(counts[top] / len(p))
    return dict(spread=mine, tracker_spread=best, spread_ratio=ratio,
                top_share=top_share,
                top_corner=tuple(int(v) for v in keys[top]),
                collapsed=bool(top_share >= COLLAPSE_TOP_SHARE
                               or ratio < COLLAPSE_SPREAD_RATIO))
