# Copyright (c) OpenMMLab. All rights reserved.
from .adafocus_flops import adafocus_flops, gru_flops_per_step
from .deploy import is_deployed, switch_to_deploy

__all__ = [
    'is_deployed', 'switch_to_deploy', 'adafocus_flops', 'gru_flops_per_step'
]
