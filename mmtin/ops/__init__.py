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
from .lsts_align import (lsts_align, lsts_align_matmul, lsts_sample,
                         lsts_similarity, sampling_grid, shift_coefficients)
from .gumbel_softmax import hard_gumbel_softmax
from .patch_crop import clamp_centers, patch_crop
from .contrastive_logits import contrastive_logits
from .box_ops import (anchor_grid, base_anchors, box_area, box_iou, clip_boxes,
                      decode_boxes, encode_boxes)
from .box_sampling import match_boxes, sample_matches
from .nms import batched_nms, nms
from .roi_align import roi_align

__all__ = [
    'separable_max_pool2d', 'add_states', 'cumulative_mean', 'running_mean',
    'sinusoidal_position_encoding', 'stream_buffer', 'sub_states',
    'bidirectional_differences', 'nearest_fuse', 'pointwise_conv',
    'pooled_differences', 'stdm_fusion_weights', 'temporal_depthwise_conv',
    'interpolation_weights', 'linear_sampler', 'tin_shift', 'lsts_align',
    'lsts_align_matmul', 'shift_coefficients',
    'lsts_sample', 'lsts_similarity', 'sampling_grid', 'hard_gumbel_softmax',
    'patch_crop', 'clamp_centers', 'contrastive_logits', 'anchor_grid',
    'base_anchors', 'box_area', 'box_iou', 'clip_boxes', 'decode_boxes',
    'encode_boxes', 'match_boxes', 'sample_matches', 'batched_nms', 'nms',
    'roi_align'
]
