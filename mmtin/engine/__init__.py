# Copyright (c) OpenMMLab. All rights reserved.
from .device_aware_ddp import DeviceAwareDDP
from .hooks import (AtomicCheckpointHook, BrokenVideoReportHook,
                    ConfigCheckHook, EpochSeedHook, GumbelTemperatureHook)

__all__ = [
    'DeviceAwareDDP', 'AtomicCheckpointHook', 'BrokenVideoReportHook',
    'ConfigCheckHook', 'EpochSeedHook', 'GumbelTemperatureHook'
]
