# Copyright (c) OpenMMLab. All rights reserved.
"""FLOP counts beyond :func:`mmtin.apis.count_flops`: a
cross-check with PyTorch's own counter, and an exact extrapolation in the
number of frames for 3D models whose FLOPs are affine in it."""
import torch
from torch import nn

from mmtin.apis import RecognizerScores, count_flops


def count_flops_torch(model: nn.Module, inputs: torch.Tensor) -> float:
    """Multiply-adds of one forward (raw input to class scores) by
    ``torch.utils.flop_counter.FlopCounterMode`` / 2.

    It counts convolutions and matrix products only (no normalisation or
    pooling), so it is a cross-check of :func:`count_flops`, not an equal.

    Args:
        model (nn.Module): A recognizer.
        inputs (Tensor): The input batch.

    Returns:
        float: The multiply-add count.
    """
    from torch.utils.flop_counter import FlopCounterMode

    was_training = model.training
    counter = FlopCounterMode(display=False)
    try:
        with torch.no_grad(), counter:
            RecognizerScores(model.eval())(inputs)
    finally:
        model.train(was_training)
    return counter.get_total_flops() / 2


def count_flops_affine(model: nn.Module, inputs: torch.Tensor,
                       count_frames: int, time_axis: int = 3) -> int:
    """FLOPs at ``inputs``' frame count, from counts at ``count_frames``
    and ``2 * count_frames`` frames.

    Exact for networks without a temporal stride after an even-sized stem
    stride (MoViNet, 3D ResNet-RS): their FLOPs are affine in the number of
    frames (per-frame layers plus pooled layers that do not depend on it),
    and counting a 120-frame 320x320 clip would take minutes.

    Args:
        model (nn.Module): A 3D recognizer.
        inputs (Tensor): ``[N, V, C, T, H, W]``.
        count_frames (int): Frames of the first count (even).
        time_axis (int): Axis of T. Default: 3.

    Returns:
        int: The extrapolated FLOP count.
    """
    frames = inputs.shape[time_axis]
    if count_frames * 2 >= frames:
        return count_flops(model, inputs)
    shape = list(inputs.shape)
    counts = []
    for t in (count_frames, 2 * count_frames):
        shape[time_axis] = t
        counts.append(count_flops(model, inputs.new_zeros(shape)))
    per_step = (counts[1] - counts[0]) / count_frames
    return int(round(counts[0] + per_step * (frames - count_frames)))
