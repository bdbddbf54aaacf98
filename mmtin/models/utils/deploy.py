# Copyright (c) OpenMMLab. All rights reserved.
"""The one deploy switch of mmtin models.

Modules with an inference-only fast form (folded BN, fused kernels) expose a
``switch_to_deploy()`` method, as mmpretrain's RepVGG/MobileOne do; their plain
``forward`` is the paper's math and is what training uses. This walker calls
that method once on every such sub-module of a model, after the weights are
loaded; ``tools/test.py --deploy`` (through ``SwitchToDeployHook``), the
``model.deploy=True`` config key, the demos (``--deploy``), the benchmarks and
the ONNX export all go through it.
"""
import torch.nn as nn
from mmengine.model import is_model_wrapper

#: the model-config key that asks for the deploy form
DEPLOY_KEY = 'deploy'


def switch_to_deploy(model: nn.Module) -> nn.Module:
    """Convert every sub-module that has ``switch_to_deploy`` in place.

    The model is put in eval mode first (the folds read the BN running
    statistics). Sub-modules are converted before the model itself; each
    is converted once (a module whose ``deploy`` is already True is
    skipped), so calling this twice is harmless. A model wrapper (DDP) is
    unwrapped through its ``module``.

    Args:
        model (nn.Module): A built model with its weights loaded.

    Returns:
        nn.Module: ``model`` itself, in eval mode, converted.
    """
    model.eval()
    target = model.module if is_model_wrapper(model) else model
    for module in list(target.modules()):
        if module is not target and hasattr(module, 'switch_to_deploy'):
            if not getattr(module, 'deploy', False):
                module.switch_to_deploy()
    if hasattr(target, 'switch_to_deploy') and not getattr(
            target, 'deploy', False):
        target.switch_to_deploy()
    return model


def is_deployed(model: nn.Module) -> bool:
    """Whether any sub-module of ``model`` has been switched to deploy."""
    return any(getattr(m, 'deploy', False) is True for m in model.modules())


def pop_deploy_flag(model_cfg) -> bool:
    """Remove ``deploy`` from a model config and return its value.

    ``model.deploy=True`` is mmtin's config switch for the deploy form; it
    is popped before the recognizer is built, so stock MMAction2
    recognizers (which take no ``deploy`` argument) work.

    Args:
        model_cfg (dict | None): The ``model`` config (changed in place).

    Returns:
        bool: Whether the deploy form was asked for.
    """
    if model_cfg is None or DEPLOY_KEY not in model_cfg:
        return False
    value = model_cfg.pop(DEPLOY_KEY)
    if not isinstance(value, bool):
        raise TypeError(f'model.{DEPLOY_KEY} must be True or False, got '
                        f'{value!r}')
    return value
