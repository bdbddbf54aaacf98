# Copyright (c) OpenMMLab. All rights reserved.
"""The ``mmtin`` registry scope: children of MMAction2's registries.

mmtin registers its types in MMAction2's registries (``mmaction.registry``).
A config that inherits ``_base_ = 'mmtin::...'`` gets ``_scope_='mmtin'`` on
each of its dicts, and mmengine then builds them from the registry of scope
``mmtin`` (after importing ``mmtin.registry``). Each registry here is an
empty child of the MMAction2 registry of the same name, so that lookup falls
through to MMAction2 (and mmengine) unchanged; its ``locations`` are the
parent's, so that the MMAction2 modules get imported as they would be for
``mmaction::`` bases.
"""
from mmengine.registry import Registry

from mmaction import registry as _mmaction

SCOPE = 'mmtin'


def _child(parent: Registry) -> Registry:
    return Registry(
        parent.name,
        parent=parent,
        scope=SCOPE,
        locations=list(getattr(parent, '_locations', []) or []))


RUNNERS = _child(_mmaction.RUNNERS)
RUNNER_CONSTRUCTORS = _child(_mmaction.RUNNER_CONSTRUCTORS)
LOOPS = _child(_mmaction.LOOPS)
HOOKS = _child(_mmaction.HOOKS)
DATASETS = _child(_mmaction.DATASETS)
DATA_SAMPLERS = _child(_mmaction.DATA_SAMPLERS)
TRANSFORMS = _child(_mmaction.TRANSFORMS)
MODELS = _child(_mmaction.MODELS)
MODEL_WRAPPERS = _child(_mmaction.MODEL_WRAPPERS)
WEIGHT_INITIALIZERS = _child(_mmaction.WEIGHT_INITIALIZERS)
OPTIMIZERS = _child(_mmaction.OPTIMIZERS)
OPTIM_WRAPPERS = _child(_mmaction.OPTIM_WRAPPERS)
OPTIM_WRAPPER_CONSTRUCTORS = _child(_mmaction.OPTIM_WRAPPER_CONSTRUCTORS)
PARAM_SCHEDULERS = _child(_mmaction.PARAM_SCHEDULERS)
METRICS = _child(_mmaction.METRICS)
EVALUATOR = _child(_mmaction.EVALUATOR)
TASK_UTILS = _child(_mmaction.TASK_UTILS)
VISUALIZERS = _child(_mmaction.VISUALIZERS)
VISBACKENDS = _child(_mmaction.VISBACKENDS)
LOG_PROCESSORS = _child(_mmaction.LOG_PROCESSORS)

__all__ = [
    'RUNNERS', 'RUNNER_CONSTRUCTORS', 'LOOPS', 'HOOKS', 'DATASETS',
    'DATA_SAMPLERS', 'TRANSFORMS', 'MODELS', 'MODEL_WRAPPERS',
    'WEIGHT_INITIALIZERS', 'OPTIMIZERS', 'OPTIM_WRAPPERS',
    'OPTIM_WRAPPER_CONSTRUCTORS', 'PARAM_SCHEDULERS', 'METRICS', 'EVALUATOR',
    'TASK_UTILS', 'VISUALIZERS', 'VISBACKENDS', 'LOG_PROCESSORS'
]
