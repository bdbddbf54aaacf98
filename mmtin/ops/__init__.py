# Copyright (c) OpenMMLab. All rights reserved.
from .lsts_align import lsts_align, lsts_sample, offset_grid
from .tin_shift import interpolation_weights, linear_sampler, tin_shift

__all__ = [
    'interpolation_weights', 'linear_sampler', 'lsts_align', 'lsts_sample',
    'offset_grid', 'tin_shift'
]
