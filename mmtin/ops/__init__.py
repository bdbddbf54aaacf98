# Copyright (c) OpenMMLab. All rights reserved.
from .tin_shift import interpolation_weights, linear_sampler, tin_shift

__all__ = ['interpolation_weights', 'linear_sampler', 'tin_shift']
