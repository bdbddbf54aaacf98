# Copyright (c) OpenMMLab. All rights reserved.
from .config_checks import ConfigCheckError
# re-exported for tools/train.py; the home is mmtin.engine.dist_setup
from mmtin.engine.dist_setup import (exit_now, setup_distributed,
                                     teardown_distributed)
from .model_analysis import (build_recognizer, count_flops, count_params,
                             disable_pretrained, prepare_model_cfg,
                             set_num_segments, view_input_shape, view_spec)

__all__ = [
    'ConfigCheckError', 'exit_now', 'setup_distributed',
    'teardown_distributed',
    'build_recognizer',
    'count_flops', 'count_params', 'disable_pretrained', 'prepare_model_cfg',
    'set_num_segments', 'view_input_shape', 'view_spec'
]
