# Copyright (c) OpenMMLab. All rights reserved.
"""One optimizer wrapper per group of sub-modules (an OptimWrapperDict)."""
from typing import Dict, Optional

from mmengine.optim import (DefaultOptimWrapperConstructor, OptimWrapperDict)
from torch import nn

from mmaction.registry import OPTIM_WRAPPER_CONSTRUCTORS


class _Group(nn.Module):
    """Holds (shares) some sub-modules of a model, so the default
    constructor sees only their parameters."""

    def __init__(self, modules: Dict[str, nn.Module]):
        super().__init__()
        for name, module in modules.items():
            self.add_module(name.replace('.', '_'), module)


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class SubmoduleOptimWrapperConstructor:
    """Build an :class:`OptimWrapperDict` with one wrapper per key.

    Each key of the ``optim_wrapper`` config is an ordinary optim-wrapper
    config plus ``modules``: the dotted sub-module names it optimizes
    (``None``: every top-level sub-module no other key claims)::

        optim_wrapper = dict(
            constructor='SubmoduleOptimWrapperConstructor',
            main=dict(optimizer=dict(type='SGD', lr=0.01), modules=None),
            policy=dict(optimizer=dict(type='Adam', lr=3e-4),
                        modules=['policy']))

    Args:
        optim_wrapper_cfg (dict): The per-key configs.
        paramwise_cfg (dict, optional): Unused at this level (give one
            ``paramwise_cfg`` per key). Default: None.
    """

    def __init__(self, optim_wrapper_cfg: Dict,
                 paramwise_cfg: Optional[Dict] = None):
        if paramwise_cfg:
            raise ValueError('give paramwise_cfg inside each key of '
                             'optim_wrapper, not at its top level')
        if not optim_wrapper_cfg:
            raise ValueError('optim_wrapper needs at least one key')
        self.cfgs = {k: dict(v) for k, v in optim_wrapper_cfg.items()}
        rest = [k for k, v in self.cfgs.items() if v.get('modules') is None]
        if len(rest) > 1:
            raise ValueError(f'optim_wrapper keys {rest} all claim the '
                             'remaining modules (modules=None); give at '
                             'most one')

    def __call__(self, model: nn.Module) -> OptimWrapperDict:
        if hasattr(model, 'module'):
            model = model.module
        named = dict(model.named_modules())
        claimed, wrappers = set(), {}
        for key, cfg in self.cfgs.items():
            for name in cfg.get('modules') or []:
                if name not in named:
                    raise KeyError(
                        f'optim_wrapper.{key}.modules: {name!r} is not a '
                        f'sub-module of {type(model).__name__}')
                claimed.add(name)
        for key, cfg in self.cfgs.items():
            names = cfg.pop('modules', None)
            if names is None:
                names = [n for n, _ in model.named_children()
                         if n not in claimed and n != 'data_preprocessor']
            group = _Group({n: named[n] for n in names})
            paramwise = cfg.pop('paramwise_cfg', None)
            constructor = DefaultOptimWrapperConstructor(cfg, paramwise)
            wrappers[key] = constructor(group)
        return OptimWrapperDict(**wrappers)
