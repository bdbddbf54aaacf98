# Copyright (c) OpenMMLab. All rights reserved.
from .atomic_checkpoint_hook import AtomicCheckpointHook
from .broken_video_report_hook import BrokenVideoReportHook
from .config_check_hook import ConfigCheckHook
from .epoch_seed_hook import EpochSeedHook
from .strict_load_hook import StrictLoadHook, add_strict_load_hook
from .switch_to_deploy_hook import SwitchToDeployHook, add_deploy_hook
from .optuna_pruning_hook import OptunaPruningHook
from .gumbel_temperature_hook import GumbelTemperatureHook
from .freeze_submodules_hook import FreezeSubmodulesHook
from .video_visualization_hook import VideoVisualizationHook

__all__ = [
    'AtomicCheckpointHook', 'BrokenVideoReportHook', 'ConfigCheckHook',
    'EpochSeedHook', 'SwitchToDeployHook', 'add_deploy_hook',
    'OptunaPruningHook', 'GumbelTemperatureHook', 'FreezeSubmodulesHook',
    'StrictLoadHook', 'add_strict_load_hook', 'VideoVisualizationHook'
]
