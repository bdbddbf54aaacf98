# Copyright (c) OpenMMLab. All rights reserved.
from .adamml_efficiency_loss import adamml_efficiency_loss
from .gumbel_softmax import hard_gumbel_softmax
from .tin_shift import interpolation_weights, linear_sampler, tin_shift

__all__ = [
    'adamml_efficiency_loss', 'hard_gumbel_softmax', 'interpolation_weights',
    'linear_sampler', 'tin_shift'
]
