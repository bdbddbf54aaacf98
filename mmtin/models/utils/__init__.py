# Copyright (c) OpenMMLab. All rights reserved.
from .deploy import is_deployed, pop_deploy_flag, switch_to_deploy
from .validators import check_int, check_num_segments, check_shift_div
from .module_flops import module_flops
from .adafocus_flops import adafocus_flops, gru_flops_per_step
from .resnet_stages import (check_resnet_split, resnet_high_level,
                            resnet_low_level)

__all__ = [
    'is_deployed', 'pop_deploy_flag', 'switch_to_deploy', 'check_int',
    'check_num_segments', 'check_shift_div', 'module_flops', 'adafocus_flops',
    'gru_flops_per_step', 'check_resnet_split', 'resnet_high_level',
    'resnet_low_level'
]
