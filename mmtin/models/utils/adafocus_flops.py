# Copyright (c) OpenMMLab. All rights reserved.
"""Per-frame FLOPs of an AdaFocus recognizer, component by component.

Convolutions and linear layers are counted by
:class:`mmengine.analysis.FlopAnalyzer` (one multiply-add = one FLOP, as in
MMAction2's model zoo); GRUs, which the analyzer skips, are added
analytically: ``3 * (in * hidden + hidden * hidden)`` per step and layer.
"""
from typing import Dict, Tuple

import torch
from torch import nn

from .module_flops import module_flops


def gru_flops_per_step(module: nn.Module) -> int:
    """Multiply-adds of one step of every ``nn.GRU`` inside ``module``."""
    total = 0
    for gru in module.modules():
        if isinstance(gru, nn.GRU):
            width = gru.input_size
            for _ in range(gru.num_layers):
                total += 3 * (width * gru.hidden_size +
                              gru.hidden_size * gru.hidden_size)
                width = gru.hidden_size
    return total


def _analyze(module: nn.Module, inputs: torch.Tensor) -> int:
    return module_flops(module, (inputs, ))


def adafocus_flops(model: nn.Module,
                   frame_hw: Tuple[int, int]) -> Dict[str, float]:
    """FLOPs per frame of glancer, focuser, policy, crop and classifier.

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
                glancer=_analyze(model.glancer, torch.zeros(t, 3, g, g, **kw))
                / t,
                focuser=_analyze(model.focuser, torch.zeros(t, 3, p, p, **kw))
                / t)
            gmap, gvec = model.glance(torch.zeros(t, 3, *frame_hw, **kw))
            out['policy'] = 0.
            if model.policy is not None and model.patch_mode in ('v1', 'v2'):
                out['policy'] = _analyze(model.policy, gmap) / t + \
                    gru_flops_per_step(model.policy)
            # bilinear crop: 4 multiply-adds per patch value
            out['crop'] = 4. * 3 * p * p
            fvec = model.focus(torch.zeros(t, 3, *frame_hw, **kw),
                               gmap.new_zeros(1, t, 2))
            feats = torch.cat([gvec, fvec], -1)
            out['cls_head'] = _analyze(model.cls_head, feats) / t + \
                gru_flops_per_step(model.cls_head)
    finally:
        model.train(was_training)
    out['total'] = float(sum(out.values()))
    return out
