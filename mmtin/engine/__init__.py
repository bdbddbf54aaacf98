# Copyright (c) OpenMMLab. All rights reserved.
from .device_aware_ddp import DeviceAwareDDP
from .hooks import (AtomicCheckpointHook, BrokenVideoReportHook,
                    ConfigCheckHook, EpochSeedHook, FreezeSubmodulesHook)
from .submodule_optim_wrapper_constructor import \
    SubmoduleOptimWrapperConstructor

__all__ = [
    'DeviceAwareDDP', 'AtomicCheckpointHook', 'BrokenVideoReportHook',
    'ConfigCheckHook', 'EpochSeedHook', 'FreezeSubmodulesHook',
    'SubmoduleOptimWrapperConstructor'
]
