# Copyright (c) OpenMMLab. All rights reserved.
"""FLOPs of one call of a module, with ``mmengine.analysis``: the one
wrapper of :class:`~mmengine.analysis.FlopAnalyzer` in mmtin (the
benchmarks, the model zoo and the systems' GFLOPs-per-video metrics all
count through it)."""
import warnings
from typing import Tuple

import torch
from mmengine.analysis import FlopAnalyzer
from torch import nn


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
