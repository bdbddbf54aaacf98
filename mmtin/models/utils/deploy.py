# Copyright (c) OpenMMLab. All rights reserved.
"""The one deploy switch of mmtin models.

Modules with an inference-only fast form (folded BN, fused kernels) expose a
``switch_to_deploy()`` method, as mmpretrain's RepVGG/MobileOne do; their plain
``forward`` is the paper's math and is what training uses. This walker calls
that method once on every such sub-module of a model, after the weights are
loaded; ``tools/test.py --deploy``, the demos, the benchmarks and the ONNX
export all go through it.
"""
import torch.nn as nn


def switch_to_deploy(model: nn.Module) -> nn.Module:
    """Convert every sub-module that has ``switch_to_deploy`` in place.

    Args:
        model (nn.Module): A built model with its weights loaded.

    Returns:
        nn.Module: ``model`` itself, in eval mode, converted.
    """
    model.eval()
    for module in list(model.modules()):
        if module is not model and hasattr(module, 'switch_to_deploy'):
            if not getattr(module, 'deploy', False):
                module.switch_to_deploy()
    if hasattr(model, 'switch_to_deploy') and not getattr(
            model, 'deploy', False):
        model.switch_to_deploy()
    return model


def is_deployed(model: nn.Module) -> bool:
    """Whether any sub-module of ``model`` has been switched to deploy."""
    return any(getattr(m, 'deploy', False) for m in model.modules())
