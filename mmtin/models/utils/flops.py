# Copyright (c) OpenMMLab. All rights reserved.
"""The one FLOPs module of mmtin: every cost in the tree is counted here.

* :func:`module_flops`: one call of any module, by
  :class:`mmengine.analysis.FlopAnalyzer` (the one wrapper of it);
* :func:`count_flops`: a whole recognizer, raw input batch to class scores
  (through :class:`RecognizerScores`); :func:`count_params` its size;
* :func:`count_flops_torch`: the cross-check with PyTorch's own counter;
* :func:`count_flops_affine`: exact extrapolation in the number of frames;
* :func:`gru_flops_per_step` and :func:`adafocus_flops`: the per-part
  counts of AdaFocus, whose ``sample_gflops`` adds them per frame run.

As in MMAction2's model zoo (``tools/analysis_tools/get_flops.py``), one
fused multiply-add counts as one FLOP. Operators the analyzer has no rule
for (element-wise ops, the TIN shift) count as zero.
"""
import warnings
from typing import Dict, Tuple

import torch
from mmengine.analysis import FlopAnalyzer
from torch import nn

from .recognizer_scores import RecognizerScores


def module_flops(module: nn.Module, inputs: Tuple) -> int:
    """FLOPs (multiply-adds, the fvcore convention) of ``module(*inputs)``.

    Runs under ``torch.no_grad()`` with the module's current mode.

    Args:
        module (nn.Module): The module.
        inputs (tuple): Its positional inputs.

    Returns:
        int: Total FLOPs of the call.
    """
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter('ignore')
        analyzer = FlopAnalyzer(module, tuple(inputs))
        analyzer.unsupported_ops_warnings(False)
        analyzer.uncalled_modules_warnings(False)
        analyzer.tracer_warnings('none')
        return int(analyzer.total())


def count_params(model: nn.Module) -> int:
    """Number of parameters (``sum(p.numel())``, buffers excluded)."""
    return sum(p.numel() for p in model.parameters())


def count_flops(model: nn.Module, inputs: torch.Tensor) -> int:
    """FLOPs of one forward pass, raw input batch to class scores.

    A recognizer (anything with ``extract_feat``) is counted through
    :class:`RecognizerScores` (the module the benchmarks time and the ONNX
    export traces) in eval mode; any other module through its forward.

    Args:
        model (nn.Module): A recognizer, or any module whose forward takes
            ``inputs``.
        inputs (torch.Tensor): The input batch.

    Returns:
        int: The FLOP count.
    """
    target = RecognizerScores(model) if hasattr(model,
                                                'extract_feat') else model
    was_training = model.training
    model.eval()
    try:
        return module_flops(target, (inputs, ))
    finally:
        model.train(was_training)


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


def gru_flops_per_step(module: nn.Module) -> int:
    """Multiply-adds of one step of every ``nn.GRU`` inside ``module``
    (the analyzer skips GRUs): ``3 * (in * hidden + hidden * hidden)`` per
    layer."""
    total = 0
    for gru in module.modules():
        if isinstance(gru, nn.GRU):
            width = gru.input_size
            for _ in range(gru.num_layers):
                total += 3 * (width * gru.hidden_size +
                              gru.hidden_size * gru.hidden_size)
                width = gru.hidden_size
    return total


def adafocus_flops(model: nn.Module,
                   frame_hw: Tuple[int, int]) -> Dict[str, float]:
    """FLOPs per frame of an AdaFocus recognizer's glancer, focuser,
    policy, crop and classifier step.

    Each backbone is measured on one clip of ``num_segments`` frames (TSM
    backbones need whole clips) and divided by the frame count.

    Args:
        model (AdaFocusRecognizer): The model.
        frame_hw (tuple[int, int]): Input frame size (the crop reads it).

    Returns:
        dict: ``glancer``, ``focuser``, ``policy``, ``crop``, ``cls_head``
        and their ``total``, in FLOPs per frame.
    """
    t, p, g = model.num_segments, model.patch_size, model.glance_size
    param = next(model.parameters())
    kw = dict(device=param.device, dtype=param.dtype)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            out = dict(
                glancer=module_flops(model.glancer,
                                     (torch.zeros(t, 3, g, g, **kw), )) / t,
                focuser=module_flops(model.focuser,
                                     (torch.zeros(t, 3, p, p, **kw), )) / t)
            gmap, gvec = model.glance(torch.zeros(t, 3, *frame_hw, **kw))
            out['policy'] = 0.
            if model.policy is not None and model.patch_mode in ('v1', 'v2'):
                out['policy'] = module_flops(model.policy, (gmap, )) / t + \
                    gru_flops_per_step(model.policy)
            # bilinear crop: 4 multiply-adds per patch value
            out['crop'] = 4. * 3 * p * p
            fvec = model.focus(torch.zeros(t, 3, *frame_hw, **kw),
                               gmap.new_zeros(1, t, 2))
            feats = torch.cat([gvec, fvec], -1)
            out['cls_head'] = module_flops(model.cls_head, (feats, )) / t + \
                gru_flops_per_step(model.cls_head)
    finally:
        model.train(was_training)
    out['total'] = float(sum(out.values()))
    return out
