# Copyright (c) OpenMMLab. All rights reserved.
"""FLOPs of one call of a module, with ``mmengine.analysis``."""
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
    with torch.no_grad():
        analyzer = FlopAnalyzer(module, inputs)
        analyzer.unsupported_ops_warnings(False)
        analyzer.uncalled_modules_warnings(False)
        return int(analyzer.total())
