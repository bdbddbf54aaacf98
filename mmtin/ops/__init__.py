# Copyright (c) OpenMMLab. All rights reserved.
from .patch_crop import clamp_centers, patch_crop
from .tin_shift import interpolation_weights, linear_sampler, tin_shift

__all__ = [
    'interpolation_weights', 'linear_sampler', 'tin_shift', 'patch_crop',
    'clamp_centers'
]
