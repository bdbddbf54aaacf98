# Copyright (c) OpenMMLab. All rights reserved.
"""Pure tensor functions (no ``nn.Module``, no registry)."""
from .separable_max_pool import separable_max_pool2d
from .stream_ops import (add_states, cumulative_mean, running_mean,
                         sinusoidal_position_encoding, stream_buffer,
                         sub_states)
from .temporal_difference import (bidirectional_differences, nearest_fuse,
                                  pointwise_conv, pooled_differences,
                                  stdm_fusion_weights, temporal_depthwise_conv)
from .tin_shift import interpolation_weights, linear_sampler, tin_shift
from .lsts_align import lsts_align, lsts_sample, sampling_grid
from .adamml_efficiency_loss import adamml_efficiency_loss
from .gumbel_softmax import hard_gumbel_softmax
from .patch_crop import clamp_centers, patch_crop

__all__ = [
    'separable_max_pool2d', 'add_states', 'cumulative_mean', 'running_mean',
    'sinusoidal_position_encoding', 'stream_buffer', 'sub_states',
    'bidirectional_differences', 'nearest_fuse', 'pointwise_conv',
    'pooled_differences', 'stdm_fusion_weights', 'temporal_depthwise_conv',
    'interpolation_weights', 'linear_sampler', 'tin_shift', 'lsts_align',
    'lsts_sample', 'sampling_grid', 'adamml_efficiency_loss',
    'hard_gumbel_softmax', 'patch_crop', 'clamp_centers'
]
