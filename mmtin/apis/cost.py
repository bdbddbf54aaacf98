# Copyright (c) OpenMMLab. All rights reserved.
"""What a built recognizer costs: :func:`count_params` and
:func:`count_flops`."""
import torch
from torch import nn

from mmtin.models.utils import module_flops
from .scores import RecognizerScores


def count_params(model: nn.Module) -> int:
    """Number of parameters (``sum(p.numel())``, buffers excluded)."""
    return sum(p.numel() for p in model.parameters())


def count_flops(model: nn.Module, inputs: torch.Tensor) -> int:
    """FLOPs of one forward pass, backbone to head, by
    :class:`mmengine.analysis.FlopAnalyzer`.

    As in MMAction2's model zoo (``tools/analysis_tools/get_flops.py``),
    one fused multiply-add counts as one FLOP. Operators the analyzer has
    no rule for (element-wise ops, the TIN shift) count as zero.

    Args:
        model (nn.Module): A recognizer (counted through
            :class:`mmtin.apis.RecognizerScores`, the module the
            benchmarks time and the ONNX export traces), or any module
            whose forward takes ``inputs``.
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
