# Copyright (c) OpenMMLab. All rights reserved.
"""Freeze named sub-modules of the model for one training stage."""
from typing import Sequence

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmaction.registry import HOOKS


@HOOKS.register_module()
class FreezeSubmodulesHook(Hook):
    """Freeze sub-modules by name (``requires_grad=False``, eval mode).

    mmtin's one convention for stage-wise freezing: multi-stage recipes
    (AdaFocus V1: stage 2 trains only the policy, stage 3 freezes it;
    AdaMML: fine-tuning freezes the policy) freeze parts of a model loaded
    from the previous stage with this hook and keep one ordinary
    ``optim_wrapper`` over the whole model; the recognizers read
    ``requires_grad`` to know which updates to run (AdaFocus's PPO step,
    AdaMML's efficiency loss). A backbone's own ``frozen_stages`` is
    unrelated (MMAction2's per-backbone argument). Parameters are frozen
    before training starts (before the optimizer's first step, so frozen
    parameters never change even under weight decay or momentum); the
    modules are put back into eval mode before every iteration because the
    training loop calls ``model.train()`` at each epoch, so BatchNorm
    statistics and dropout stay frozen too.

    Args:
        modules (Sequence[str]): Dotted names of sub-modules, e.g.
            ``['glancer', 'focuser', 'cls_head']``.
        eval_mode (bool): Keep the frozen modules in eval mode.
            Default: True.
    """

    priority = 'VERY_HIGH'

    def __init__(self, modules: Sequence[str], eval_mode: bool = True):
        if isinstance(modules, str) or not modules:
            raise ValueError('modules must be a non-empty list of sub-module '
                             f'names, got {modules!r}')
        self.modules = list(modules)
        self.eval_mode = eval_mode

    def _targets(self, runner):
        model = runner.model
        if is_model_wrapper(model):
            model = model.module
        named = dict(model.named_modules())
        missing = [m for m in self.modules if m not in named]
        if missing:
            raise KeyError(
                f'FreezeSubmodulesHook.modules: {missing} not found in '
                f'{type(model).__name__}; top-level sub-modules: '
                f'{[n for n, _ in model.named_children()]}')
        return [named[m] for m in self.modules]

    def before_train(self, runner) -> None:
        for module in self._targets(runner):
            for param in module.parameters():
                param.requires_grad_(False)
        runner.logger.info(f'FreezeSubmodulesHook: froze {self.modules}')

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        if self.eval_mode:
            for module in self._targets(runner):
                module.eval()
