# Copyright (c) OpenMMLab. All rights reserved.
from .device_aware_ddp import DeviceAwareDDP
from .dist_setup import exit_now, setup_distributed, teardown_distributed
from .hooks import (AtomicCheckpointHook, BrokenVideoReportHook,
                    ConfigCheckHook, EpochSeedHook, GumbelTemperatureHook,
                    OptunaPruningHook, StrictLoadHook, SwitchToDeployHook,
                    add_deploy_hook, add_strict_load_hook,
                    FreezeSubmodulesHook, VideoVisualizationHook)

__all__ = [
    'DeviceAwareDDP', 'exit_now', 'setup_distributed', 'teardown_distributed',
    'AtomicCheckpointHook', 'BrokenVideoReportHook', 'ConfigCheckHook',
    'EpochSeedHook', 'SwitchToDeployHook', 'add_deploy_hook',
    'OptunaPruningHook', 'GumbelTemperatureHook', 'FreezeSubmodulesHook',
    'StrictLoadHook', 'add_strict_load_hook', 'VideoVisualizationHook'
]
